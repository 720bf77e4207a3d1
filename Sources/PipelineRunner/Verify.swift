import Foundation
import PipelineSpec

/// `lbp verify`: re-run a pipeline into a temporary folder and compare every report file with the
/// committed one, byte for byte (all but ``Run/unstableFiles``).
public enum Verify {
    public struct Outcome: Sendable {
        /// 0 identical; 1 drift; 2 the run itself failed, or the committed folder is missing.
        public var exitCode: Int32
        public var lines: [String]
    }

    public static func verify(pipeline: String, against committed: String? = nil) -> Outcome {
        // The committed folder is checked first, so that a wrong path is said at once, not as
        // drift after a whole run. (A pipeline that does not load is left to the run to report.)
        if let reference = committed ?? (try? PipelineSpec.load(path: pipeline))?.outputFolder {
            var isDirectory: ObjCBool = false
            if !FileManager.default.fileExists(atPath: reference, isDirectory: &isDirectory) {
                return Outcome(exitCode: 2, lines: ["error: the committed report folder '\(reference)' does not exist; "
                    + "write it with 'lbp run \(pipeline)', or name another with '--reports'"])
            }
            if !isDirectory.boolValue {
                return Outcome(exitCode: 2, lines: ["error: the committed report folder '\(reference)' is a file, not a folder"])
            }
        }
        let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("lbp-verify-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: scratch) }
        let result = Run.run(pipeline: pipeline, outputFolder: scratch)
        guard result.exitCode != 2, let computation = result.computation else {
            return Outcome(exitCode: 2, lines: result.problems)
        }
        let reference = committed ?? computation.pipeline.spec.outputFolder
        return compare(expected: reference, actual: scratch)
    }

    /// Compares two report folders; the lines say what differs, with a short diff per text file.
    public static func compare(expected: String, actual: String) -> Outcome {
        let expectedFiles = Set((try? ReportFiles.list(expected)) ?? []).subtracting(Run.unstableFiles)
        let actualFiles = Set((try? ReportFiles.list(actual)) ?? []).subtracting(Run.unstableFiles)
        var lines: [String] = []
        for name in expectedFiles.subtracting(actualFiles).sorted() {
            lines.append("'\(expected)/\(name)': committed but no longer produced")
        }
        for name in actualFiles.subtracting(expectedFiles).sorted() {
            lines.append("'\(expected)/\(name)': produced but not committed")
        }
        var differing = 0
        for name in expectedFiles.intersection(actualFiles).sorted() {
            let old = FileManager.default.contents(atPath: (expected as NSString).appendingPathComponent(name)) ?? Data()
            let new = FileManager.default.contents(atPath: (actual as NSString).appendingPathComponent(name)) ?? Data()
            guard old != new else { continue }
            differing += 1
            lines.append("'\(expected)/\(name)' differs:")
            lines += diff(String(decoding: old, as: UTF8.self), String(decoding: new, as: UTF8.self)).map { "  " + $0 }
        }
        if lines.isEmpty {
            return Outcome(exitCode: 0, lines: ["'\(expected)': \(expectedFiles.count) files reproduce byte for byte"])
        }
        let missingOrExtra = expectedFiles.symmetricDifference(actualFiles).count
        lines.append("'\(expected)': \(differing) \(Validation.plural(differing, "file")) \(differing == 1 ? "differs" : "differ"), "
            + "\(missingOrExtra) \(Validation.plural(missingOrExtra, "file")) missing or extra")
        return Outcome(exitCode: 1, lines: lines)
    }

    /// The first differing lines with a little context: `-` committed, `+` new, line numbers from 1.
    static func diff(_ old: String, _ new: String, context: Int = 2, limit: Int = 12) -> [String] {
        let oldLines = old.split(separator: "\n", omittingEmptySubsequences: false)
        let newLines = new.split(separator: "\n", omittingEmptySubsequences: false)
        var first = 0
        while first < min(oldLines.count, newLines.count), oldLines[first] == newLines[first] { first += 1 }
        var oldEnd = oldLines.count
        var newEnd = newLines.count
        while oldEnd > first, newEnd > first, oldLines[oldEnd - 1] == newLines[newEnd - 1] {
            oldEnd -= 1
            newEnd -= 1
        }
        var out = ["@@ line \(first + 1) @@"]
        for index in max(0, first - context)..<first { out.append("  " + oldLines[index]) }
        let removed = oldLines[first..<oldEnd]
        let added = newLines[first..<newEnd]
        out += removed.prefix(limit).map { "- " + $0 }
        if removed.count > limit { out.append("- ... \(removed.count - limit) more lines") }
        out += added.prefix(limit).map { "+ " + $0 }
        if added.count > limit { out.append("+ ... \(added.count - limit) more lines") }
        return out
    }
}
