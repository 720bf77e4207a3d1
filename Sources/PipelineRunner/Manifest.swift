import Crypto
import Foundation
import PipelineSpec
import Staging
import StudyModel

/// `manifest.json`: what went in (SHA-256 of every input, the pipeline file, the rule set and the
/// literature tables), the row accounting, the tool version, the settings, and the SHA-256 of
/// every report file. Deterministic: no clock, host or absolute path (those go to `run-log.json`).
enum Manifest {
    struct FileDigest: Codable {
        var file: String
        var bytes: Int
        var sha256: String
    }

    struct Accounting: Codable {
        var file: String
        var rowsRead: Int
        var accepted: Int
        var rejected: Int
        var warnings: Int
        var blankLines: Int
        var encoding: String
    }

    struct Document: Codable {
        var tool: String
        var version: String
        var pipeline: FileDigest
        var ruleSet: FileDigest
        var ruleSetIdentity: String
        var inputs: [FileDigest]
        var literature: [FileDigest]
        var accounting: [Accounting]
        /// The run's error-severity issues against its budget: over it, the run failed. (Absent
        /// from manifests written before it was recorded.)
        var errors: ErrorCount?
        var settings: [String: String]
        var outputs: [FileDigest]
    }

    /// The `manifest.json` of a report folder as written; nil when there is none or it cannot be
    /// read as one.
    static func read(in folder: String) -> Document? {
        guard let data = FileManager.default.contents(atPath: (folder as NSString).appendingPathComponent("manifest.json")) else { return nil }
        let decoder = JSONDecoder()
        decoder.keyDecodingStrategy = .convertFromSnakeCase
        return try? decoder.decode(Document.self, from: data)
    }

    struct ErrorCount: Codable {
        var count: Int
        var budget: Int
        var withinBudget: Bool
    }

    /// The items, or `none`.
    private static func list(_ items: [String], separator: String) -> String {
        items.isEmpty ? "none" : items.joined(separator: separator)
    }

    /// The trial's design as `evidence.study` declares it.
    private static func describe(_ design: EvidenceSpec.Design) -> String {
        [design.studyType + (design.year.map { " (\($0))" } ?? ""), "inclusion: " + design.inclusionCriteria,
         design.randomised ? "randomised" : "not randomised", design.doubleBlind ? "double-blind" : "not double-blind",
         design.allocationConcealed ? "allocation concealed" : "allocation not concealed",
         design.plannedSize.map { "planned size \($0)" } ?? "no planned size"].joined(separator: ", ")
    }

    /// An outcome's declared GRADE judgements, each with its levels and reason.
    private static func describe(_ declarations: EvidenceSpec.Declarations) -> String {
        [("indirectness", declarations.indirectness), ("publication bias", declarations.publicationBias),
         ("large effect", declarations.largeEffect), ("dose-response", declarations.doseResponse),
         ("plausible confounding", declarations.plausibleConfounding)]
            .compactMap { name, declared in declared.map { "\(name) \($0.levels) (\(quotedReason($0.reason)))" } }
            .joined(separator: ", ")
    }

    /// A declaration's reason in single quotes, a quote inside it written twice (as YAML writes it
    /// in single quotes), so a reader sees where the reason ends.
    private static func quotedReason(_ reason: String) -> String {
        Normalise.quoted(reason.replacingOccurrences(of: "'", with: "''"), limit: nil)
    }

    static func write(_ computation: RunComputation, pipeline: String, folder: String) throws {
        let spec = computation.pipeline.spec
        let literature = [spec.evidence.literatureStudies, spec.evidence.literatureConclusions].compactMap { $0 }
        var settings: [String: String] = [
            "rule_set": computation.pipeline.ruleSet.identity,
            "reference_arm": computation.plan.referenceArm,
            "timepoints": list(computation.plan.timepoints, separator: ", "),
            "confidence_level": String(computation.plan.confidenceLevel),
            "data_cutoff": computation.plan.dataCutoff?.iso ?? "none",
            "interaction": computation.plan.interactionPrespecified ? "prespecified" : "exploratory",
            "ebro_variant": computation.evidence.settings.variant.name,
            "max_errors": String(computation.errorBudget),
            "small_cell_threshold": String(spec.publication.smallCellThreshold),
        ]
        // The evidence settings that change the grades, the defaults the run took included.
        settings["evidence_study"] = spec.evidence.design.map(describe) ?? "none"
        settings["decision_thresholds"] = list(computation.evidence.settings.decisionThresholds.map { threshold -> String in
            let measure = threshold.effectMeasure.map { " (\($0))" } ?? ""
            let values: [String] = threshold.values.map { Value.format($0) }
            return "\(threshold.outcome)\(measure): \(list(values, separator: ", "))"
        }, separator: "; ")
        settings["grade_declarations"] = list(spec.evidence.declarations.keys.sorted().compactMap { outcome in
            spec.evidence.declarations[outcome].map(describe).flatMap { $0.isEmpty ? nil : outcome + ": " + $0 }
        }, separator: "; ")
        settings["pool_with"] = list(spec.evidence.poolWith.map(\.id), separator: ", ")
        for outcome in computation.plan.outcomes {
            switch outcome.kind {
            case .continuous(let rule): settings["responder_\(outcome.name)"] = rule.description
            case .success(let categories): settings["success_\(outcome.name)"] = categories.map { Value.format($0) }.joined(separator: ", ")
            }
        }
        let document = Document(
            tool: "lbp", version: ToolVersion.current,
            pipeline: try digest(pipeline, name: spec.displayFileName),
            ruleSet: try digest(computation.pipeline.ruleSetPath, name: computation.pipeline.ruleSetName),
            ruleSetIdentity: computation.pipeline.ruleSet.identity,
            inputs: try digests(computation.pipeline.files.map { ($0.path, $0.displayName) }),
            literature: try literature.map { try digest(spec.resolveExisting($0), name: spec.displayName($0)) },
            accounting: computation.study.accounting.map {
                Accounting(file: $0.file, rowsRead: $0.rowsRead, accepted: $0.accepted, rejected: $0.rejected,
                           warnings: $0.warnings, blankLines: $0.blankLines, encoding: $0.encoding)
            },
            errors: ErrorCount(count: computation.study.errorCount, budget: computation.errorBudget,
                               withinBudget: !computation.isOverBudget),
            settings: settings,
            outputs: try outputDigests(folder))
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        encoder.keyEncodingStrategy = .convertToSnakeCase
        var data = try encoder.encode(document)
        data.append(0x0A)
        try data.write(to: URL(fileURLWithPath: (folder as NSString).appendingPathComponent("manifest.json")))
    }

    /// SHA-256 of a file, read in 1 MiB blocks.
    static func digest(_ path: String, name: String) throws -> FileDigest {
        guard let handle = FileHandle(forReadingAtPath: path) else {
            throw CocoaError(.fileReadNoSuchFile, userInfo: [NSFilePathErrorKey: path])
        }
        defer { try? handle.close() }
        var hasher = SHA256()
        var bytes = 0
        while let block = try handle.read(upToCount: 1 << 20), !block.isEmpty {
            hasher.update(data: block)
            bytes += block.count
        }
        let hex = hasher.finalize().map { byte in
            let digits = Array("0123456789abcdef")
            return String([digits[Int(byte >> 4)], digits[Int(byte & 0x0F)]])
        }.joined()
        return FileDigest(file: name, bytes: bytes, sha256: hex)
    }

    /// Digests of every report file written so far, by path relative to the folder, sorted.
    static func outputDigests(_ folder: String) throws -> [FileDigest] {
        let names = try ReportFiles.list(folder).filter { $0 != "manifest.json" && !Run.unstableFiles.contains($0) }
        return try digests(names.map { ((folder as NSString).appendingPathComponent($0), $0) })
    }

    /// The digests of `files` (path, name), in their order: files are read and hashed on every
    /// core, the first error in file order thrown.
    static func digests(_ files: [(path: String, name: String)]) throws -> [FileDigest] {
        try Concurrently.map(files.count) { index in
            Result { try digest(files[index].path, name: files[index].name) }
        }.map { try $0.get() }
    }
}

/// The files of a report folder, relative to it, in byte order.
public enum ReportFiles {
    public static func list(_ folder: String) throws -> [String] {
        guard let enumerator = FileManager.default.enumerator(atPath: folder) else { return [] }
        var names: [String] = []
        while let name = enumerator.nextObject() as? String {
            var isDirectory: ObjCBool = false
            let full = (folder as NSString).appendingPathComponent(name)
            if FileManager.default.fileExists(atPath: full, isDirectory: &isDirectory), !isDirectory.boolValue {
                names.append(name)
            }
        }
        return names.sorted { Array($0.utf8).lexicographicallyPrecedes(Array($1.utf8)) }
    }
}

/// `run-log.json`: the parts of a run that change every time (UTC start and end, host, timings).
/// Never compared by `verify`.
enum RunLog {
    struct Document: Codable {
        var startedUTC: String
        var endedUTC: String
        var host: String
        var version: String
        var secondsByStage: [String: Double]
    }

    static func write(_ clock: RunClock, folder: String) throws {
        let formatter = ISO8601DateFormatter()
        formatter.timeZone = TimeZone(identifier: "UTC")
        var seconds: [String: Double] = [:]
        for mark in clock.marks { seconds[mark.stage] = (mark.seconds * 1000).rounded() / 1000 }
        let document = Document(startedUTC: formatter.string(from: clock.start), endedUTC: formatter.string(from: Date()),
                                host: ProcessInfo.processInfo.hostName, version: ToolVersion.current, secondsByStage: seconds)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        encoder.keyEncodingStrategy = .convertToSnakeCase
        var data = try encoder.encode(document)
        data.append(0x0A)
        try data.write(to: URL(fileURLWithPath: (folder as NSString).appendingPathComponent("run-log.json")))
    }
}
