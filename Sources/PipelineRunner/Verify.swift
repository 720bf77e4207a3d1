import Foundation
import PipelineSpec
import StudyModel

/// `lbp verify`: re-run a pipeline into a temporary folder and compare every report file with the
/// committed one, byte for byte (all but ``Run/unstableFiles``).
public enum Verify {
    public struct Outcome: Sendable {
        /// 0 identical; 1 drift; 2 the run itself failed, or the committed folder is missing.
        public var exitCode: Int32
        public var lines: [String]
    }

    /// - Parameter maxErrors: the error budget to run with; by default the one the committed
    ///   `manifest.json` records (the reports record it, and `lbp run --max-errors` may have set
    ///   another than the pipeline's), else the pipeline's `report.max_errors`.
    public static func verify(pipeline: String, against committed: String? = nil, maxErrors given: Int? = nil) -> Outcome {
        var maxErrors = given
        // The committed folder is checked first, so that a wrong path is said at once, not as
        // drift after a whole run. (A pipeline that does not load is left to the run to report.)
        if let reference = committed ?? (try? PipelineSpec.load(path: pipeline))?.outputFolder {
            var isDirectory: ObjCBool = false
            if !FileManager.default.fileExists(atPath: reference, isDirectory: &isDirectory) {
                let write = committed == nil ? "lbp run \(Shell.word(pipeline))" : "lbp run \(Shell.word(pipeline)) --out \(Shell.word(reference))"
                return Outcome(exitCode: 2, lines: ["error: the committed report folder '\(reference)' does not exist; "
                    + "write it with '\(write)', or name another with '--reports'"])
            }
            if !isDirectory.boolValue {
                return Outcome(exitCode: 2, lines: ["error: the committed report folder '\(reference)' is a file, not a folder"])
            }
            maxErrors = maxErrors ?? Manifest.read(in: reference)?.errors?.budget
        }
        // The run writes into a folder of verify's own, claimed from the start to the end of the
        // comparison (``FolderClaim``), so that no other verify takes it, or the run's scratch
        // folder inside it, for abandoned. Named with the process id, so that the folder of a
        // verify that was killed is removed by the next one (`.lbp-verify-`: scratch folders
        // that earlier versions left beside theirs).
        let temporary = FileManager.default.temporaryDirectory.path
        // Not made when missing (a TMPDIR naming no folder): a folder made there would stay behind.
        var isFolder: ObjCBool = false
        guard FileManager.default.fileExists(atPath: temporary, isDirectory: &isFolder), isFolder.boolValue else {
            return Outcome(exitCode: 2, lines: ["error: the temporary folder '\(temporary)' (TMPDIR) is not a folder that exists"])
        }
        ReportFolder.removeAbandoned(in: temporary, prefix: "lbp-verify-")
        ReportFolder.removeAbandoned(in: temporary, prefix: ".lbp-verify-")
        let own: String
        do {
            own = try FolderClaim.makeClaimedFolder(in: temporary, prefix: "lbp-verify-")
        } catch {
            return Outcome(exitCode: 2, lines: ["error: cannot create a folder in '\(temporary)': \(FileSystemErrorText.reason(error))"])
        }
        defer {
            try? FileManager.default.removeItem(atPath: own)
            FolderClaim.release(own)
        }
        let scratch = own + "/reports"
        let result = Run.run(pipeline: pipeline, outputFolder: scratch, maxErrors: maxErrors)
        guard result.exitCode != 2, let computation = result.computation else {
            return Outcome(exitCode: 2, lines: result.problems)
        }
        let reference = committed ?? computation.pipeline.spec.outputFolder
        var outcome = compare(expected: reference, actual: scratch)
        if outcome.exitCode == 1 {
            // The budget run with, when not the pipeline's (given, or recorded by the reports).
            let budget = maxErrors.flatMap { $0 == computation.pipeline.spec.report.maxErrors ? nil : $0 }
            let options = (committed.map { " --out \(Shell.word($0))" } ?? "") + (budget.map { " --max-errors \($0)" } ?? "")
            let manifest = (reference as NSString).appendingPathComponent("manifest.json")
            let compareInputs = FileManager.default.fileExists(atPath: manifest)
                ? "compare the inputs' SHA-256 in '\(manifest)' with the files read now"
                : "the committed '\(manifest)' is missing, so which input changed cannot be told from the reports"
            outcome.lines.append("If the change is intended, write the reports again with 'lbp run \(Shell.word(pipeline))\(options)' and commit them; "
                + "if not, \(compareInputs)")
        }
        return outcome
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
            if differing == 0 { lines.append("In each diff '-' lines are the committed file's and '+' lines the new run's.") }
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

    /// What differs between two versions of a text file, as a unified diff in short: `-` lines
    /// are the committed file's, `+` lines the new run's, `@@` gives the line numbers in each
    /// (from 1), with `context` unchanged lines around each change and at most `limit` changed
    /// lines in all. Lines end at LF alone, so a file whose only change is CRLF line endings is
    /// said to be that, not shown whole.
    static func diff(_ old: String, _ new: String, context: Int = 2, limit: Int = 24) -> [String] {
        func lines(_ text: String) -> [Substring] {
            text.unicodeScalars.split(separator: "\n", omittingEmptySubsequences: false).map { Substring($0) }
        }
        let (oldLines, newLines) = (lines(old), lines(new))
        if old.contains("\r") != new.contains("\r"),
           old.replacingOccurrences(of: "\r\n", with: "\n") == new.replacingOccurrences(of: "\r\n", with: "\n") {
            let (committed, fresh) = old.contains("\r") ? ("CRLF", "LF") : ("LF", "CRLF")
            return ["only the line endings differ: \(committed) in the committed file, \(fresh) in the new run "
                + "(reports are written with LF; a checkout or editor may have changed them)"]
        }
        // Unchanged lines at both ends are not compared line by line.
        var first = 0
        while first < min(oldLines.count, newLines.count), oldLines[first] == newLines[first] { first += 1 }
        var (oldEnd, newEnd) = (oldLines.count, newLines.count)
        while oldEnd > first, newEnd > first, oldLines[oldEnd - 1] == newLines[newEnd - 1] {
            oldEnd -= 1
            newEnd -= 1
        }
        let (removed, added) = (oldLines[first..<oldEnd], newLines[first..<newEnd])
        var removedAt = Set<Int>()
        var addedAt = Set<Int>()
        // A long middle is not aligned line by line (that costs the product of its lengths): it is
        // then shown as one change.
        if removed.count * added.count <= 4_000_000 {
            for change in added.difference(from: removed) {
                switch change {
                case .remove(let offset, _, _): removedAt.insert(first + offset)
                case .insert(let offset, _, _): addedAt.insert(first + offset)
                }
            }
        } else {
            (removedAt, addedAt) = (Set(first..<oldEnd), Set(first..<newEnd))
        }
        // The edit script of the middle, with the unchanged lines around it that context shows:
        // each step at its place in both files (0-based), `-1` removed, `1` added, `0` unchanged.
        var steps: [(kind: Int, old: Int, new: Int)] = []
        var (oldIndex, newIndex) = (max(0, first - context), max(0, first - context))
        let (oldStop, newStop) = (min(oldLines.count, oldEnd + context), min(newLines.count, newEnd + context))
        while oldIndex < oldStop || newIndex < newStop {
            let kind = oldIndex < oldStop && removedAt.contains(oldIndex) ? -1
                : newIndex < newStop && addedAt.contains(newIndex) ? 1 : 0
            if kind == 0, oldIndex >= oldStop || newIndex >= newStop { break }
            steps.append((kind, oldIndex, newIndex))
            if kind <= 0 { oldIndex += 1 }
            if kind >= 0 { newIndex += 1 }
        }
        // Hunks: each change with `context` steps either side, overlapping ones merged.
        let changed = steps.indices.filter { steps[$0].kind != 0 }
        var hunks: [ClosedRange<Int>] = []
        for index in changed {
            let window = max(0, index - context)...min(steps.count - 1, index + context)
            if let last = hunks.last, window.lowerBound <= last.upperBound + 1 {
                hunks[hunks.count - 1] = last.lowerBound...window.upperBound
            } else {
                hunks.append(window)
            }
        }
        var out: [String] = []
        var shown = 0
        for hunk in hunks where shown < limit {
            out.append("@@ committed line \(steps[hunk.lowerBound].old + 1), new line \(steps[hunk.lowerBound].new + 1) @@")
            for step in steps[hunk] {
                if step.kind == 0 {
                    out.append("  " + visible(oldLines[step.old]))
                } else if shown < limit {
                    shown += 1
                    out.append(step.kind < 0 ? "- " + visible(oldLines[step.old]) : "+ " + visible(newLines[step.new]))
                }
            }
        }
        if changed.count > shown {
            out.append("... \(changed.count - shown) more changed \(Validation.plural(changed.count - shown, "line"))")
        }
        return out
    }

    /// A line as the diff shows it, with what a terminal would not show written out, so that a
    /// changed line never looks like its old self: control characters (a tab, a CR), marks and
    /// spaces without width (a byte-order mark, a zero-width or no-break space) and spaces at the
    /// end as `\u{FEFF}`, `\u{20}` and so on.
    static func visible(_ line: Substring) -> String {
        let scalars = Array(line.unicodeScalars)
        var end = scalars.count
        while end > 0, scalars[end - 1] == " " || scalars[end - 1] == "\t" { end -= 1 }
        var text = ""
        for (index, scalar) in scalars.enumerated() {
            // Also what Unicode says to draw as nothing (a combining grapheme joiner, a variation
            // selector): two lines that differ only there must not look alike.
            if index >= end || scalar.isUnseen || scalar.properties.isDefaultIgnorableCodePoint {
                text += scalar.escaped
            } else {
                text.unicodeScalars.append(scalar)
            }
        }
        return text
    }
}
