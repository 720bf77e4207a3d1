import ArgumentParser
import Foundation
import PipelineRunner
import SampleDataGenerator

/// `lbp sample-data`: writes the deterministic sample exports of the trial and their ground truth.
struct SampleDataCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sample-data",
        abstract: "Write realistic, deterministic exports of the trial with their ground truth",
        discussion: """
            Simulates screened participants of the four sites, assigns profiles, randomises profiles 2 and 3 \
            to the three arms and follows them to week 26, then writes a Castor export (semicolon CSV, one \
            file per site plus a visits file), a REDCap export (one flat CSV), and the ground truth (true \
            profiles, planted problems and planted effects) under truth/. The same seed and size give the \
            same bytes on every machine.

            Streams: participants are generated and written one at a time, so memory stays small for \
            millions of participants. Only castor/, redcap/ and truth/ inside the output folder are \
            replaced; other files there (such as README.md) are left alone.

            Examples:
              lbp sample-data
              lbp sample-data --seed 7 --participants 1000000 --out /tmp/big --style redcap
              lbp sample-data --check
            """
    )

    // Both parsed unconditionally, so that a negative number ('--participants -5') is read as
    // the value it is and judged, not taken for a missing value followed by an option.
    @Option(parsing: .unconditional, help: "Seed of the random generator; the same seed gives the same bytes")
    var seed: UInt64 = SampleDataGenerator.defaultSeed

    @Option(parsing: .unconditional, help: "Number of screened participants")
    var participants: Int = SampleDataGenerator.defaultParticipants

    @Option(help: "Output folder")
    var out: String = "SampleData"

    @Option(help: "Exports to write: castor, redcap or both")
    var style: String = ExportStyle.both.rawValue

    @Flag(help: "Generate into a temporary folder and compare byte for byte with the output folder instead of writing it")
    var check = false

    /// The most participants one export holds: about 40 GB of Castor export, far beyond any
    /// benchmark, and small enough that the generator's day arithmetic cannot overflow.
    static let mostParticipants = 100_000_000

    func validate() throws {
        guard (1...Self.mostParticipants).contains(participants) else {
            throw ValidationError("The number of participants must lie between 1 and \(Self.mostParticipants), not '\(participants)'")
        }
        guard ExportStyle(rawValue: style) != nil else {
            throw ValidationError("The style '\(style)' is not one of castor, redcap or both")
        }
    }

    func run() throws {
        let exportStyle = ExportStyle(rawValue: style) ?? .both
        let generator = SampleDataGenerator(seed: seed, participants: participants)
        if check {
            try runCheck(generator, style: exportStyle)
            return
        }
        let summary: SampleDataSummary
        var staging: String?
        do {
            AbandonedFolders.remove(in: out, prefix: SampleDataGenerator.stagingPrefix)
            // Claimed, so that a run in another container sharing the folder leaves it alone.
            let claimed = try FolderClaim.makeClaimedFolder(in: out, prefix: SampleDataGenerator.stagingPrefix)
            staging = claimed
            defer {
                try? FileManager.default.removeItem(atPath: claimed)
                FolderClaim.release(claimed)
            }
            summary = try generator.write(to: out, style: exportStyle, staging: claimed)
        } catch {
            // A file that could not be written is named inside the output folder ('redcap/export.csv').
            let reason = FileSystemErrorText.reason(error, within: staging)
            FileHandle.standardError.write(Data("error: cannot write the sample data to '\(out)': \(reason)\n".utf8))
            throw ExitCode(2)
        }
        let profiles = summary.profileCounts.map { "\($0.profile): \($0.count)" }.joined(separator: ", ")
        print("Wrote \(summary.participants) screened participants (\(summary.randomised) randomised) to '\(out)'")
        print("Profiles under the default rules: \(profiles)")
        for file in summary.files {
            print("  \(file.path): \(file.records) records, header included")
        }
        print("Planted problems: \(summary.problems.count), listed in 'truth/problems.csv'")
    }

    /// Regenerates into a temporary folder and compares every file the generator owns.
    private func runCheck(_ generator: SampleDataGenerator, style: ExportStyle) throws {
        let drift: [String]
        do {
            drift = try generator.drift(from: out, style: style)
        } catch {
            FileHandle.standardError.write(Data(
                "error: cannot write the sample data into a temporary folder to compare with '\(out)': \(FileSystemErrorText.reason(error))\n".utf8))
            throw ExitCode(2)
        }
        if drift.isEmpty {
            print("'\(out)' matches the generator's output (seed \(seed), \(participants) participants)")
            return
        }
        for line in drift { FileHandle.standardError.write(Data("drift: \(line)\n".utf8)) }
        let styleOption = style == .both ? "" : " --style \(style.rawValue)"
        FileHandle.standardError.write(Data(
            "Regenerate with 'lbp sample-data --seed \(seed) --participants \(participants)\(styleOption) --out \(Shell.word(out))'\n".utf8))
        throw ExitCode(1)
    }
}
