import Foundation
import StudyModel
import Testing
import TestSupport

@testable import SampleDataGenerator

/// The written files: determinism, row counts at any size, the Windows-1252 site file, and the
/// planted problems at the places the truth names.
struct SampleDataFilesTests {
    /// Every file under the owned folders, by relative path.
    static func contents(of root: String) throws -> [String: Data] {
        var result: [String: Data] = [:]
        for folder in SampleDataGenerator.ownedFolders {
            let path = (root as NSString).appendingPathComponent(folder)
            guard let names = try? FileManager.default.contentsOfDirectory(atPath: path) else { continue }
            for name in names {
                result[folder + "/" + name] = try Data(contentsOf: URL(fileURLWithPath: path + "/" + name))
            }
        }
        return result
    }

    /// `lbp sample-data --check`: a folder written by the same generator has no drift; a changed,
    /// a missing and a stray file are each named, and files outside the generator's folders are not.
    @Test func driftNamesEveryFileThatDiffers() throws {
        let folder = try TemporaryDirectory()
        defer { folder.remove() }
        let generator = SampleDataGenerator(seed: 11, participants: 40)
        _ = try generator.write(to: folder.path, style: .castor)
        _ = try folder.write("not the generator's", to: "README.md")
        #expect(try generator.drift(from: folder.path, style: .castor) == [])
        let visits = folder.file("castor/visits.csv")
        let bytes = try Data(contentsOf: URL(fileURLWithPath: visits))
        try (bytes + Data("GRO-9999;Week 6\n".utf8)).write(to: URL(fileURLWithPath: visits))
        try FileManager.default.removeItem(atPath: folder.file("truth/problems.csv"))
        _ = try folder.write("x", to: "castor/extra.csv")
        #expect(try generator.drift(from: folder.path, style: .castor) == [
            "'castor/extra.csv' in '\(folder.path)' is not generated any more",
            "'castor/visits.csv' differs from what seed 11 with 40 participants generates",
            "'truth/problems.csv' is missing from '\(folder.path)'",
        ])
        // The REDCap folder is not the Castor style's: it is not compared.
        #expect(try generator.drift(from: folder.path, style: .both).contains("'redcap/export.csv' is missing from '\(folder.path)'"))
    }

    /// An owned folder holding a file the generator never writes is not replaced: nothing is
    /// written, and the error names the file. The folder of the style not written goes, since
    /// the new truth no longer describes it.
    @Test func foreignFilesStopTheWriteAndStaleStylesGo() throws {
        let folder = try TemporaryDirectory()
        defer { folder.remove() }
        let generator = SampleDataGenerator(seed: 11, participants: 40)
        _ = try generator.write(to: folder.path)
        #expect(FileManager.default.fileExists(atPath: folder.file("redcap/export.csv")))
        _ = try generator.write(to: folder.path, style: .castor)
        #expect(!FileManager.default.fileExists(atPath: folder.file("redcap")))
        #expect(try generator.drift(from: folder.path, style: .castor) == [])

        _ = try folder.write("a real export", to: "castor/my_export_2025.csv")
        let visits = try Data(contentsOf: URL(fileURLWithPath: folder.file("castor/visits.csv")))
        #expect(throws: SampleDataError.self) { try SampleDataGenerator(seed: 12, participants: 40).write(to: folder.path, style: .castor) }
        do {
            _ = try SampleDataGenerator(seed: 12, participants: 40).write(to: folder.path, style: .castor)
        } catch {
            #expect("\(error)" == "'\(folder.file("castor"))' holds 'my_export_2025.csv', which sample-data does not write; "
                + "it replaces that whole folder, so give an output folder of its own with --out")
        }
        #expect(try String(contentsOfFile: folder.file("castor/my_export_2025.csv"), encoding: .utf8) == "a real export")
        #expect(try Data(contentsOf: URL(fileURLWithPath: folder.file("castor/visits.csv"))) == visits)
        // No staging folder is left behind.
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path).filter { $0.hasPrefix(".") } == [])
    }

    /// The physical lines of a file (split at LF; every record of these files is one line).
    static func lines(_ data: Data) -> [[UInt8]] {
        Array(data).split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false).map(Array.init)
    }

    static func newlineCount(_ data: Data) -> Int {
        data.reduce(0) { $0 + ($1 == UInt8(ascii: "\n") ? 1 : 0) }
    }

    @Test func theSameSeedGivesTheSameBytes() throws {
        let first = try TemporaryDirectory()
        let second = try TemporaryDirectory()
        let third = try TemporaryDirectory()
        defer { first.remove(); second.remove(); third.remove() }
        _ = try SampleDataGenerator(seed: 11, participants: 150).write(to: first.path)
        _ = try SampleDataGenerator(seed: 11, participants: 150).write(to: second.path)
        _ = try SampleDataGenerator(seed: 12, participants: 150).write(to: third.path)
        let a = try Self.contents(of: first.path)
        let b = try Self.contents(of: second.path)
        let c = try Self.contents(of: third.path)
        #expect(a.count == 10)
        #expect(a == b)
        for file in ["castor/visits.csv", "redcap/export.csv", "truth/participants.csv"] {
            #expect(a[file] != nil && a[file] != c[file], "\(file)")
        }
    }

    /// The committed SampleData/ is what the defaults generate: a change to the generator must come
    /// with regenerated sample data (`lbp sample-data`).
    @Test func committedSampleDataIsReproducible() throws {
        let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
        let committed = try Self.contents(of: repository.appendingPathComponent("SampleData").path)
        let folder = try TemporaryDirectory()
        defer { folder.remove() }
        _ = try SampleDataGenerator().write(to: folder.path)
        let generated = try Self.contents(of: folder.path)
        #expect(committed.keys.sorted() == generated.keys.sorted())
        for (path, data) in generated.sorted(by: { $0.key < $1.key }) {
            #expect(committed[path] == data, "\(path) differs; regenerate with 'lbp sample-data'")
        }
    }

    @Test func rewritingLeavesOtherFilesAlone() throws {
        let folder = try TemporaryDirectory()
        defer { folder.remove() }
        try folder.write("hand-written", to: "README.md")
        _ = try SampleDataGenerator(seed: 5, participants: 40).write(to: folder.path, style: .castor)
        _ = try SampleDataGenerator(seed: 5, participants: 40).write(to: folder.path, style: .castor)
        #expect(try String(contentsOfFile: folder.file("README.md"), encoding: .utf8) == "hand-written")
        let names = try FileManager.default.contentsOfDirectory(atPath: folder.path).sorted()
        #expect(names == ["README.md", "castor", "truth"])
    }

    @Test(arguments: [1, 50, 2500])
    func rowCountsFollowTheNumberOfParticipants(count: Int) throws {
        let folder = try TemporaryDirectory()
        defer { folder.remove() }
        let generator = SampleDataGenerator(seed: 21, participants: count)
        let summary = try generator.write(to: folder.path)
        var visits = 0
        var missingBaselines = 0
        for index in 0..<count {
            visits += generator.participant(at: index).visits.count
            if generator.plannedProblems(for: index)?.baselineRowMissing == true { missingBaselines += 1 }
        }
        let duplicates = summary.problems.filter {
            $0.style == "castor" && ($0.kind == .duplicateIdentical || $0.kind == .duplicateConflicting)
        }.count
        let blankRows = summary.problems.filter { $0.kind == .trailingBlankRows }.count
        func records(_ path: String) -> Int { summary.files.first { $0.path == path }?.records ?? -1 }
        let siteRecords = Site.all.map { records($0.castorFile) }.reduce(0, +)
        #expect(siteRecords == count + Site.all.count + blankRows)
        #expect(records("castor/visits.csv") == 1 + visits - missingBaselines + duplicates)
        #expect(records("redcap/export.csv") == 1 + count + visits - missingBaselines + duplicates)
        #expect(records("truth/participants.csv") == count + 1)
        let participants = try Data(contentsOf: URL(fileURLWithPath: folder.file("truth/participants.csv")))
        #expect(Self.newlineCount(participants) == count + 1)
        let export = try Data(contentsOf: URL(fileURLWithPath: folder.file("redcap/export.csv")))
        #expect(Self.newlineCount(export) == records("redcap/export.csv"))
    }

    @Test func theWindows1252SiteFileIsNotUTF8AndRoundTrips() throws {
        let folder = try TemporaryDirectory()
        defer { folder.remove() }
        _ = try SampleDataGenerator().write(to: folder.path, style: .castor)
        let site = try #require(Site.all.first { $0.windows1252 })
        let bytes = Array(try Data(contentsOf: URL(fileURLWithPath: folder.file(site.castorFile))))
        #expect(String(validating: bytes, as: UTF8.self) == nil)
        let text = try #require(Windows1252.decode(bytes))
        #expect(text.contains("ë") || text.contains("é") || text.contains("ï"))
        #expect(try Windows1252.encode(utf8: Array(text.utf8)) == bytes)
        // The other site files are UTF-8.
        for other in Site.all where !other.windows1252 {
            let utf8 = Array(try Data(contentsOf: URL(fileURLWithPath: folder.file(other.castorFile))))
            #expect(String(validating: utf8, as: UTF8.self) != nil, "\(other.castorFile)")
        }
    }

    @Test func everyPlantedProblemIsListedInBothStylesAtItsPlace() throws {
        let folder = try TemporaryDirectory()
        defer { folder.remove() }
        let summary = try SampleDataGenerator().write(to: folder.path)
        let problems = summary.problems
        for kind in ProblemKind.allCases {
            let castor = problems.filter { $0.kind == kind && $0.style == "castor" }
            let redcap = problems.filter { $0.kind == kind && $0.style == "redcap" }
            #expect(!castor.isEmpty, "\(kind) missing from the Castor export")
            if kind.inBothStyles {
                // Same participants and visits in both styles.
                #expect(castor.map { $0.participantID + "/" + $0.visit } == redcap.map { $0.participantID + "/" + $0.visit },
                        "\(kind)")
            } else {
                #expect(redcap.isEmpty, "\(kind)")
            }
        }
        #expect(problems.filter { $0.kind == .outOfRange }.map(\.value).sorted() == ["11", "11", "25", "25"])
        #expect(problems.filter { $0.kind == .formulaLikeText }.count == 8)

        let files = try Self.contents(of: folder.path)
        for problem in problems where problem.line > 0 {
            let data = try #require(files[problem.file])
            let lines = Self.lines(data)
            let line = String(decoding: lines[problem.line - 1], as: UTF8.self)
            if !problem.participantID.isEmpty {
                #expect(line.hasPrefix(problem.participantID), "\(problem.file):\(problem.line)")
            }
            // Truth files guard text that starts like a formula with a leading quote.
            let raw = problem.value.hasPrefix("'") ? String(problem.value.dropFirst()) : problem.value
            let quotedInFile = raw.replacingOccurrences(of: "\"", with: "\"\"")
            if !raw.isEmpty {
                #expect(line.contains(raw) || line.contains(quotedInFile), "\(problem.file):\(problem.line) '\(raw)'")
            }
            switch problem.kind {
            case .unterminatedQuote:
                // The last record of its file, and nothing after it.
                #expect(problem.line == Self.newlineCount(data))
                #expect(lines.last == [])
            case .duplicateIdentical:
                #expect(lines[problem.line - 2] == lines[problem.line - 1])
            case .duplicateConflicting:
                #expect(lines[problem.line - 2] != lines[problem.line - 1])
            case .trailingBlankRows:
                #expect(lines[problem.line - 1].allSatisfy { $0 == UInt8(ascii: ";") })
            default:
                break
            }
        }
        // Unknown arm: the participant has no visit rows in either export.
        for problem in problems where problem.kind == .unknownArm {
            for file in ["castor/visits.csv", "redcap/export.csv"] {
                let rows = Self.lines(try #require(files[file])).filter {
                    String(decoding: $0, as: UTF8.self).hasPrefix(problem.participantID + (file.hasPrefix("castor") ? ";" : ","))
                }
                #expect(rows.count == (file.hasPrefix("castor") ? 0 : 1), "\(file)")
            }
        }
    }

    @Test func truthParticipantsAgreeWithTheModel() throws {
        let folder = try TemporaryDirectory()
        defer { folder.remove() }
        let generator = SampleDataGenerator(seed: 9, participants: 300)
        let summary = try generator.write(to: folder.path, style: .redcap)
        var counts: [String: Int] = [:]
        for index in 0..<generator.participantCount {
            counts[generator.truth(at: index).assignment.profile, default: 0] += 1
        }
        for (profile, count) in summary.profileCounts {
            #expect(counts[profile, default: 0] == count, "\(profile)")
        }
        #expect(summary.randomised == (0..<300).filter { generator.participant(at: $0).randomisation != nil }.count)
        // One line per participant, in order, starting with its id.
        let data = try Data(contentsOf: URL(fileURLWithPath: folder.file("truth/participants.csv")))
        let lines = Self.lines(data)
        for index in 0..<generator.participantCount {
            let line = String(decoding: lines[index + 1], as: UTF8.self)
            let participant = generator.participant(at: index)
            let truth = generator.truth(at: index)
            #expect(line.hasPrefix(participant.id + "," + participant.site.abbreviation + ","
                + truth.assignment.profile + "," + truth.assignment.subprofile + ","))
        }
    }
}
