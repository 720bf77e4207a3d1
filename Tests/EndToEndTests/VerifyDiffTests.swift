@testable import PipelineRunner
import Reporting
import Testing

/// `lbp verify`'s diff: aligned hunks with their line numbers in both files, a change of line
/// endings said as such, and a bounded length.
@Suite struct VerifyDiffTests {
    static let committed = (1...30).map { "row \($0)" }.joined(separator: "\n") + "\n"

    @Test func separateChangesAreSeparateHunksAndUnchangedLinesAreNotShownAsChanged() {
        var lines = Self.committed.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        lines[4] = "row 5 changed"
        lines.insert("row 15a", at: 15)
        lines.remove(at: 26)
        let diff = Verify.diff(Self.committed, lines.joined(separator: "\n"), context: 1)
        #expect(diff == [
            "@@ committed line 4, new line 4 @@", "  row 4", "- row 5", "+ row 5 changed", "  row 6",
            "@@ committed line 15, new line 15 @@", "  row 15", "+ row 15a", "  row 16",
            "@@ committed line 25, new line 26 @@", "  row 25", "- row 26", "  row 27",
        ])
    }

    @Test func lineEndingsAloneAreSaidToBeThat() {
        let crlf = Self.committed.replacingOccurrences(of: "\n", with: "\r\n")
        #expect(Verify.diff(crlf, Self.committed) == ["only the line endings differ: CRLF in the committed file, LF in the new run "
            + "(reports are written with LF; a checkout or editor may have changed them)"])
        // With another change as well, lines are still lines: CRLF ones differ from LF ones.
        let changed = crlf.replacingOccurrences(of: "row 2\r\n", with: "row two\r\n")
        let diff = Verify.diff(changed, Self.committed, limit: 4)
        #expect(diff.first == "@@ committed line 1, new line 1 @@")
        #expect(diff.last == "... 56 more changed lines")
    }

    /// A change a terminal would not show (a byte-order mark, a trailing space, a no-break space)
    /// is written out, so the two lines never look the same.
    @Test func invisibleChangesAreWrittenOut() {
        let changed = "\u{FEFF}" + Self.committed.replacingOccurrences(of: "row 3\n", with: "row 3 \n")
            .replacingOccurrences(of: "row 5\n", with: "row\u{00A0}5\n")
        let diff = Verify.diff(Self.committed, changed, context: 0)
        #expect(diff.contains("+ \\u{FEFF}row 1"))
        #expect(diff.contains("+ row 3\\u{20}"))
        #expect(diff.contains("+ row\\u{A0}5"))
        #expect(diff.contains("- row 5"))
        #expect(Verify.visible("a\tb c\t ") == "a\\u{9}b c\\u{9}\\u{20}")
        #expect(Verify.visible("x\u{200E}y\u{2066}z\u{2009}é") == "x\\u{200E}y\\u{2066}z\\u{2009}é")
        #expect(Verify.visible("a\u{2028}b\u{034F}c") == "a\\u{2028}b\\u{34F}c")
    }

    @Test func theDiffIsBounded() {
        let new = Self.committed.replacingOccurrences(of: "row", with: "line")
        let diff = Verify.diff(Self.committed, new, limit: 6)
        #expect(diff.filter { $0.hasPrefix("- ") || $0.hasPrefix("+ ") }.count == 6)
        #expect(diff.last == "... 54 more changed lines")
    }
}

/// The rows line a run rewrites on a terminal stays within its width, the counts in view.
@Suite struct TerminalLineTests {
    @Test func aLineWiderThanTheTerminalIsCutFromTheStart() {
        let line = "  castor/a-long-folder-name/visits.csv: 1200 rows read (5000 rows/s)"
        #expect(TerminalLine.fitted(line, columns: nil) == line)
        #expect(TerminalLine.fitted(line, columns: 200) == line)
        let fitted = TerminalLine.fitted(line, columns: 40)
        #expect(fitted.count == 39)
        #expect(fitted.hasPrefix("…") && fitted.hasSuffix("1200 rows read (5000 rows/s)"))
        #expect(TerminalLine.fitted(line, columns: line.count + 1) == line)
        #expect(TerminalLine.fitted(line, columns: line.count).count == line.count - 1)
        // Wide characters take two columns each.
        let wide = "  データ/study_GRO.csv: 94208 rows read (187852 rows/s)"
        let fittedWide = TerminalLine.fitted(wide, columns: 40)
        #expect(DisplayWidth.columns(of: fittedWide) <= 39)
        #expect(fittedWide.hasSuffix("rows read (187852 rows/s)"))
        #expect(DisplayWidth.columns(of: "🚀☀️中a") == 7)
    }
}
