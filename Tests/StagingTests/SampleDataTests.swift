import CSVKit
import Foundation
import PipelineRunner
import PipelineSpec
import Staging
import StudyModel
import Testing
import TestSupport

/// Where the package's committed pipelines and sample data are.
enum SampleDataLocation {
    static let root: String = {
        // Tests/StagingTests/SampleDataTests.swift → the package root.
        var url = URL(fileURLWithPath: #filePath)
        for _ in 0..<3 { url.deleteLastPathComponent() }
        return url.path
    }()

    static var dataPresent: Bool {
        FileManager.default.fileExists(atPath: root + "/SampleData/truth/problems.csv")
    }
}

/// The committed sample pipelines against the committed sample data and its ground truth
/// (`SampleData/truth/problems.csv`, written by the generator independently of staging).
@Suite(.enabled(if: SampleDataLocation.dataPresent, "SampleData/ is not in this checkout"))
struct SampleDataTests {
    static let root = SampleDataLocation.root

    /// One planted problem from the truth file.
    struct Planted: Hashable {
        var style: String
        var file: String
        var line: Int
        var column: Int?
        var kind: String
        var severity: String
    }

    static func truth() throws -> [Planted] {
        let records = try CSVReader.records(path: root + "/SampleData/truth/problems.csv")
        let reader = try CSVReader(path: root + "/SampleData/truth/problems.csv")
        let header = reader.header
        func column(_ name: String) throws -> Int {
            try #require(header.firstIndex(of: name), "truth column '\(name)'")
        }
        let style = try column("style"), file = try column("file"), line = try column("line")
        let columnIndex = try column("column"), kind = try column("kind"), severity = try column("expected_severity")
        return records.map { record in
            Planted(style: record.fields[style], file: record.fields[file], line: Int(record.fields[line]) ?? 0,
                    column: Int(record.fields[columnIndex]), kind: record.fields[kind], severity: record.fields[severity])
        }
    }

    static func run(_ style: String) throws -> (StagedStudy, CollectingSink, PipelineSpec) {
        let spec = try PipelineSpec.load(path: root + "/Pipelines/sample-\(style).yml")
        let sink = CollectingSink()
        let study = try stage(try spec.inputFiles(), spec: spec, sink: sink)
        return (study, sink, spec)
    }

    /// The truth names files relative to SampleData/; staging relative to the pipeline file.
    static func truthName(_ file: String) -> String {
        file.hasPrefix("../SampleData/") ? String(file.dropFirst("../SampleData/".count)) : file
    }

    /// The staging rule that must report each planted kind.
    static let ruleOfKind: [String: String] = [
        "out_of_range": "range", "impossible_date": "date", "duplicate_conflicting": "duplicate",
        "duplicate_identical": "duplicate", "unknown_arm": "vocabulary", "ragged_row": "csv.ragged-row",
        "unterminated_quote": "csv.unterminated-quote", "followup_without_baseline": "follow_up_without_baseline",
    ]

    @Test(arguments: ["castor", "redcap"])
    func errorsAreExactlyThePlantedOnes(style: String) throws {
        let planted = try Self.truth().filter { $0.style == style }
        let (study, sink, _) = try Self.run(style)
        let errors = sink.issues.filter { $0.severity == .error }
        let expected = planted.filter { $0.severity == "error" }
        #expect(!expected.isEmpty)
        let found = errors.map { "\(Self.truthName($0.location.file)):\($0.location.line) \($0.rule)" }.sorted()
        let wanted = expected.map { "\($0.file):\($0.line) \(Self.ruleOfKind[$0.kind] ?? $0.kind)" }.sorted()
        #expect(found == wanted)
        // A ragged row is located at its first field beyond the header's width, in both exports.
        for problem in expected where problem.column != nil {
            let issue = errors.first { Self.truthName($0.location.file) == problem.file && $0.location.line == problem.line }
            #expect(issue?.location.column == problem.column, "column of \(problem.kind) at \(problem.file):\(problem.line)")
        }
        #expect(study.errorCount == expected.count)
        #expect(study.inputProblems.isEmpty)
    }

    @Test(arguments: ["castor", "redcap"])
    func plantedWarningsAndNotesAreReported(style: String) throws {
        let planted = try Self.truth().filter { $0.style == style && ($0.severity == "warning" || $0.severity == "note") }
        let (_, sink, _) = try Self.run(style)
        for problem in planted {
            switch problem.kind {
            case "windows_1252":
                #expect(sink.issues.contains { Self.truthName($0.location.file) == problem.file && $0.rule == "csv.windows-1252" && $0.severity == .note })
            case "trailing_blank_rows":
                #expect(sink.issues.contains { Self.truthName($0.location.file) == problem.file && $0.rule == "csv.blank-lines" && $0.severity == .note })
            default:
                let rule = Self.ruleOfKind[problem.kind]
                #expect(sink.issues.contains {
                    Self.truthName($0.location.file) == problem.file && $0.location.line == problem.line && $0.rule == rule
                        && $0.severity.rawValue == problem.severity
                }, "\(problem.kind) at \(problem.file):\(problem.line)")
            }
        }
        // Formula-like remarks are data, not problems: no issue on their lines.
        let formulas = try Self.truth().filter { $0.style == style && $0.kind == "formula_like_text" }
        for formula in formulas {
            #expect(!sink.issues.contains { Self.truthName($0.location.file) == formula.file && $0.location.line == formula.line })
        }
    }

    @Test(arguments: ["castor", "redcap"])
    func everySampleRowIsAccountedFor(style: String) throws {
        let (study, sink, _) = try Self.run(style)
        #expect(!study.accounting.isEmpty)
        for account in study.accounting {
            #expect(account.rowsRead == account.accepted + account.rejected, "\(account.file)")
            #expect(account.rowsRead > 0)
        }
        #expect(sink.rejectedRows.count == study.accounting.reduce(0) { $0 + $1.rejected })
    }

    @Test func bothExportsGiveIdenticalCleanData() throws {
        let (castor, _, castorSpec) = try Self.run("castor")
        let (redcap, _, redcapSpec) = try Self.run("redcap")
        #expect(castor.participants.count == redcap.participants.count)
        #expect(castor.participants.map(\.id) == redcap.participants.map(\.id))
        for (left, right) in zip(castor.participants, redcap.participants) {
            #expect(left.values == right.values, "participant \(left.id)")
            #expect(left.arm == right.arm && left.site == right.site)
        }
        #expect(castor.visits.map { [$0.participantID, $0.timepoint.name] } == redcap.visits.map { [$0.participantID, $0.timepoint.name] })
        for (left, right) in zip(castor.visits, redcap.visits) {
            #expect(left.values == right.values, "visit \(left.participantID) \(left.timepoint.name)")
        }
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        try castor.writeClean(to: directory.file("castor"), spec: castorSpec)
        try redcap.writeClean(to: directory.file("redcap"), spec: redcapSpec)
        for name in ["participants.csv", "visits.csv", "missing.csv"] {
            let left = FileManager.default.contents(atPath: directory.file("castor/clean/\(name)"))
            let right = FileManager.default.contents(atPath: directory.file("redcap/clean/\(name)"))
            #expect(left != nil && left == right, "clean/\(name)")
        }
    }

    /// Derived values against the generator's own computation (`truth/participants.csv`).
    @Test(arguments: ["castor", "redcap"])
    func derivedValuesMatchTheTruth(style: String) throws {
        let path = Self.root + "/SampleData/truth/participants.csv"
        let header = try CSVReader(path: path).header
        let records = try CSVReader.records(path: path)
        let (study, _, _) = try Self.run(style)
        let staged = Dictionary(uniqueKeysWithValues: study.participants.map { ($0.id, $0) })
        let id = try #require(header.firstIndex(of: "participant_id"))
        let compared: [(String, Field)] = [
            ("age", .age), ("duration_weeks", .durationWeeks), ("age_at_onset", .ageAtOnset), ("ompsq_total", .ompsqTotal),
            ("startback_total", .startBackTotal), ("startback_psychosocial", .startBackPsychosocial),
        ]
        var checked = 0
        for record in records {
            guard let participant = staged[record.fields[id]] else { continue }
            for (column, field) in compared {
                let index = try #require(header.firstIndex(of: column))
                let expected = Double(record.fields[index])
                let actual = participant.values[field]?.number
                if let expected, let actual {
                    #expect(abs(expected - actual) <= 1e-9 * max(1, abs(expected)), "\(participant.id) \(column)")
                } else {
                    #expect(expected == nil && actual == nil, "\(participant.id) \(column): truth '\(record.fields[index])', staged \(String(describing: participant.values[field]))")
                }
                checked += 1
            }
        }
        #expect(study.participants.count == records.count - 1)  // the unknown-arm participant is rejected
        #expect(checked > 3000)
    }

    @Test func derivedScoresFollowTheirDefinitions() throws {
        let (study, _, _) = try Self.run("castor")
        var checked = 0
        for participant in study.participants {
            let items = Field.ompsqItems.compactMap { participant.values[$0]?.number }
            guard items.count == 10, let total = participant.values[.ompsqTotal]?.number else { continue }
            // ÖMPSQ-10 written out: item 1 as is, 3, 4 and 8 reversed.
            let expected = items[0] + items[1] + (10 - items[2]) + (10 - items[3]) + items[4] + items[5] + items[6]
                + (10 - items[7]) + items[8] + items[9]
            #expect(total == expected)
            checked += 1
        }
        #expect(checked > 100)
    }
}
