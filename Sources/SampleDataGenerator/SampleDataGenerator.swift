import Foundation
import StudyModel

/// Which exports to write.
public enum ExportStyle: String, CaseIterable, Sendable {
    case castor
    case redcap
    case both

    var writesCastor: Bool { self != .redcap }
    var writesREDCap: Bool { self != .castor }
}

/// What a run wrote.
public struct SampleDataSummary: Sendable {
    public struct WrittenFile: Hashable, Sendable {
        /// Relative to the output folder.
        public var path: String
        /// Records written, header and planted extra records included.
        public var records: Int
    }

    public var participants: Int
    public var randomised: Int
    /// Participants per true profile (`1`, `2`, `3a`, `3b`, `unclassified`), in that order.
    public var profileCounts: [(profile: String, count: Int)]
    public var files: [WrittenFile]
    public var problems: [PlantedProblem]
}

/// The deterministic generator of realistic exports of the trial (`lbp sample-data`).
///
/// Participant `i` is a pure function of (seed, number of participants, i), so the same seed gives
/// the same bytes and every file is written in one streaming pass: memory holds one participant, the
/// writers' buffers and the small list of planted problems, whatever the number of participants.
public struct SampleDataGenerator: Sendable {
    /// The seed of the committed SampleData/: the first seed from 20240701 on whose sample shows
    /// the planted pattern (arm x profile interaction p < 0.05 for RMDQ and pain NRS at weeks 12 and
    /// 26, p > 0.2 for ODI at every follow-up; see Tests/SampleDataGeneratorTests/check_interaction.py).
    /// Seed 20240701 itself shows an ODI interaction with p = 0.04 at week 12 by chance, as about one
    /// seed in twenty must.
    public static let defaultSeed: UInt64 = 20_240_704
    /// Screened participants in the committed SampleData/.
    public static let defaultParticipants = 600
    /// Folders the generator owns inside the output folder (anything else there is left alone).
    public static let ownedFolders = ["castor", "redcap", "truth"]
    /// The name of a run's staging folder inside the output folder, before its process id: the
    /// caller removes those of processes that ended before they could.
    public static let stagingPrefix = ".sample-data-in-progress-"

    public let seed: UInt64
    public let participantCount: Int
    private let factory: ParticipantFactory
    private let plan: ProblemPlan

    public init(seed: UInt64 = defaultSeed, participants: Int = defaultParticipants) {
        self.seed = seed
        participantCount = max(0, participants)
        factory = ParticipantFactory(seed: seed, count: participantCount)
        plan = ProblemPlan(factory: factory)
    }

    /// Participant `index` (0 ..< participantCount) as exported, planted withdrawals included.
    public func participant(at index: Int) -> SyntheticParticipant {
        plan.apply(to: factory.make(index: index))
    }

    /// The problems planted on participant `index`, if any.
    func plannedProblems(for index: Int) -> ParticipantProblems? {
        plan.problems(for: index)
    }

    /// The default rules' verdict on participant `index`.
    public func truth(at index: Int) -> GroundTruth {
        DefaultProfileRules.classify(participant(at: index).screening)
    }

    /// Writes the exports of `style` and the truth files into `directory`.
    ///
    /// Files are written into a hidden folder inside `directory` first and then moved over the
    /// `castor/`, `redcap/` and `truth/` folders, so an interrupted run leaves the previous output in
    /// place. Other files in `directory` (such as its README) are not touched.
    ///
    /// An owned folder holding a file the generator never writes (a real export, say) is not
    /// replaced: the call throws ``SampleDataError/foreignFiles(folder:names:)`` before writing.
    /// The folder of the style not written (`redcap/` beside `--style castor`) is removed, since
    /// the new `truth/` no longer describes it. Each run writes into a staging folder of its own
    /// (`.sample-data-in-progress-<process id>`), so two runs into one folder do not mix files;
    /// `staging`, when given, is that folder, made (and claimed) by the caller inside `directory`.
    public func write(to directory: String, style: ExportStyle = .both, staging given: String? = nil) throws -> SampleDataSummary {
        let fileManager = FileManager.default
        try fileManager.createDirectory(atPath: directory, withIntermediateDirectories: true)
        for folder in Self.ownedFolders {
            let names = (try? fileManager.contentsOfDirectory(atPath: (directory as NSString).appendingPathComponent(folder))) ?? []
            let foreign = names.filter { !Self.writes($0, in: folder) }.sorted()
            if !foreign.isEmpty {
                throw SampleDataError.foreignFiles(folder: (directory as NSString).appendingPathComponent(folder), names: foreign)
            }
        }
        let staging = given ?? (directory as NSString)
            .appendingPathComponent(Self.stagingPrefix + "\(ProcessInfo.processInfo.processIdentifier)")
        if given == nil {
            if fileManager.fileExists(atPath: staging) { try fileManager.removeItem(atPath: staging) }
            try fileManager.createDirectory(atPath: staging, withIntermediateDirectories: true)
        }
        defer { try? fileManager.removeItem(atPath: staging) }

        let summary = try writeFiles(into: staging, style: style)

        for folder in Self.ownedFolders {
            let target = (directory as NSString).appendingPathComponent(folder)
            if fileManager.fileExists(atPath: target) { try fileManager.removeItem(atPath: target) }
            let written = (staging as NSString).appendingPathComponent(folder)
            if fileManager.fileExists(atPath: written) { try fileManager.moveItem(atPath: written, toPath: target) }
        }
        return summary
    }

    /// Whether the generator writes a file of this name into `folder` (one of ``ownedFolders``).
    static func writes(_ name: String, in folder: String) -> Bool {
        switch folder {
        case "castor": name == "visits.csv" || Site.all.contains { $0.castorFile == "castor/" + name }
        case "redcap": name == "export.csv"
        case "truth": ["effects.csv", "missing_values.csv", "participants.csv", "problems.csv"].contains(name)
        default: false
        }
    }

    private func writeFiles(into root: String, style: ExportStyle) throws -> SampleDataSummary {
        let log = try TruthLog(root: root)
        let castor = style.writesCastor ? try CastorExport(root: root, log: log) : nil
        let redcap = style.writesREDCap ? try REDCapExport(root: root, log: log) : nil
        let truthFiles = try TruthExport(root: root)

        let profileOrder = ["1", "2", "3a", "3b", "unclassified"]
        var profileCounts = Array(repeating: 0, count: profileOrder.count)
        var randomised = 0
        for index in 0..<participantCount {
            let participant = participant(at: index)
            let truth = DefaultProfileRules.classify(participant.screening)
            let problems = plan.problems(for: index)
            try castor?.write(participant, problems: problems)
            try redcap?.write(participant, problems: problems)
            try truthFiles.write(participant, truth: truth)
            if participant.randomisation != nil { randomised += 1 }
            if let slot = profileOrder.firstIndex(of: truth.assignment.profile) { profileCounts[slot] += 1 }
        }

        var files: [ExportFile] = []
        files += try castor?.finish() ?? []
        files += try redcap?.finish() ?? []
        files.append(try log.finish())
        let problems = log.sortedProblems
        files += try truthFiles.finish(problems: problems)
        return SampleDataSummary(
            participants: participantCount, randomised: randomised,
            profileCounts: zip(profileOrder, profileCounts).map { ($0, $1) },
            files: files.map { SampleDataSummary.WrittenFile(path: $0.relativePath, records: $0.records) }
                .sorted { $0.path < $1.path },
            problems: problems)
    }
}

/// Why the sample data cannot be written.
public enum SampleDataError: Error, CustomStringConvertible {
    /// An owned folder holds files the generator never writes; replacing it would lose them.
    case foreignFiles(folder: String, names: [String])
    /// The temporary folder (TMPDIR) to generate into for `--check` is not a folder that exists:
    /// it is not made, since it would stay behind.
    case noTemporaryFolder(String)

    public var description: String {
        switch self {
        case .noTemporaryFolder(let path):
            return "the temporary folder '\(path)' (TMPDIR) is not a folder that exists"
        case .foreignFiles(let folder, let names):
            let listed = names.prefix(3).map { "'\($0)'" }.joined(separator: ", ") + (names.count > 3 ? ", ..." : "")
            return "'\(folder)' holds \(listed), which sample-data does not write; it replaces that whole folder, "
                + "so give an output folder of its own with --out"
        }
    }
}
