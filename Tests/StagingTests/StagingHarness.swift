import CSVKit
import PipelineSpec
import Staging
import StudyModel
import Testing

/// Runs staging over CSV text held in memory, as if each text were a file next to the pipeline.
struct StagingHarness {
    var spec: PipelineSpec
    /// File name → bytes; each file belongs to the input whose `path` names it.
    var contents: [String: [UInt8]]

    static let header = """
        study: {name: Test}
        report: {max_errors: 100}
        visits:
          baseline: {week: 0, window_days: 3}
          week6: {week: 6, window_days: 7}
          week12: {week: 12, window_days: 14}
        vocabularies:
          arms:
            - {id: strength, label: Strengthening, codes: ['1', S], reference: true}
            - {id: mckenzie, label: McKenzie, codes: ['2', M]}
          visits:
            baseline: [T0]
            week12: [T12]
        missing_codes:
          castor: true
          codes:
            - {code: UNK, reason: asked but unknown}

        """

    /// A pipeline with two Castor inputs (`participants.csv`, `visits.csv`) and a usual mapping;
    /// `extra` is appended (for expectations and overrides).
    static let castorPipeline = header + """
        inputs:
          - {path: participants.csv, source: castor, holds: participants}
          - {path: visits.csv, source: castor, holds: visits}
        fields:
          participant_id: {column: [Participant Id, Castor Participant Id]}
          site: Site
          arm: Group
          sex: Sex
          birth_year: Birth year
          age: Age
          screening_date: Screening
          randomisation_date: Randomised
          onset_date: Onset
          rf_night_pain: {checkbox: flags, option: night}
          visit: Visit
          visit_date: Date
          pain_nrs: NRS
          rmdq: RMDQ

        """

    init(yaml: String, files: [String: String]) throws {
        spec = try PipelineSpec.parse(yaml, file: "t.yml")
        contents = files.mapValues { Array($0.utf8) }
    }

    init(yaml: String, bytes: [String: [UInt8]]) throws {
        spec = try PipelineSpec.parse(yaml, file: "t.yml")
        contents = bytes
    }

    /// Input index → further file names read as that input's files after its own (the files of
    /// a glob).
    var moreFiles: [Int: [String]] = [:]

    /// The files in input order (each input's path is one file name, then its ``moreFiles``).
    var inputFiles: [InputFile] {
        spec.inputs.enumerated().flatMap { index, input in
            ([input.path] + (moreFiles[index] ?? [])).compactMap { name in
                contents[name] == nil ? nil : InputFile(inputIndex: index, path: name, displayName: name)
            }
        }
    }

    /// Every reader the run opened, in order (files are opened again to fetch rows rejected
    /// after reading).
    final class OpenedReaders: @unchecked Sendable {
        var readers: [CSVReader] = []
    }

    func run(opened: OpenedReaders = OpenedReaders()) throws -> (StagedStudy, CollectingSink) {
        let sink = CollectingSink()
        let contents = self.contents
        let study = try stage(inputFiles, spec: spec, sink: sink) { file, input in
            guard let bytes = contents[file.path] else {
                throw CSVError(.io("cannot open"), at: CSVPosition(file: file.displayName))
            }
            let reader = try CSVReader(bytes: bytes, displayName: file.displayName, dialect: CSVDialect(delimiter: input.delimiter),
                                       encoding: nil)
            opened.readers.append(reader)
            return reader
        }
        for account in study.accounting {
            #expect(account.isBalanced, "rows read \(account.rowsRead) ≠ accepted \(account.accepted) + rejected \(account.rejected) in \(account.file)")
        }
        #expect(sink.rejectedRows.count == study.accounting.reduce(0) { $0 + $1.rejected })
        return (study, sink)
    }

    static let participantsHeader = "Participant Id;Site;Group;Sex;Birth year;Age;Screening;Randomised;Onset;flags#night"
    static let visitsHeader = "Castor Participant Id;Visit;Date;NRS;RMDQ"

    /// A valid participant row (id, arm code and overrides by column name).
    static func participant(_ id: String, arm: String = "1", _ changes: [String: String] = [:]) -> String {
        var cells: [String: String] = [
            "Participant Id": id, "Site": "AMS", "Group": arm, "Sex": "V", "Birth year": "1970", "Age": "54",
            "Screening": "02-01-2024", "Randomised": "05-01-2024", "Onset": "01-11-2023", "flags#night": "0",
        ]
        for (key, value) in changes { cells[key] = value }
        return participantsHeader.split(separator: ";").map { cells[String($0)] ?? "" }.joined(separator: ";")
    }

    /// A valid visit row; dates relative to randomisation on 05-01-2024.
    static func visit(_ id: String, _ visit: String, date: String, nrs: String = "5", rmdq: String = "10") -> String {
        [id, visit, date, nrs, rmdq].joined(separator: ";")
    }

    static func lines(_ rows: [String]) -> String {
        rows.joined(separator: "\n") + "\n"
    }
}

extension CollectingSink {
    /// Issues as `line:column rule severity`, for compact comparisons.
    func summary(_ severity: Severity? = nil) -> [String] {
        issues.filter { severity == nil || $0.severity == severity }.map {
            "\($0.location.file):\($0.location.line):\($0.location.column.map(String.init) ?? "-") \($0.rule) \($0.severity.rawValue)"
        }
    }
}
