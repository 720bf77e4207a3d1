import Evidence
import Statistics

extension SummaryText {
    /// Wraps prose to the line limit at spaces, indenting continuation lines; a word longer than
    /// a line (a long code or path) is cut after its last `_`, `-`, `/` or `+` that fits, else
    /// where the line ends. Widths are display columns (``DisplayWidth``: a CJK character takes
    /// two), which for the usual text are its characters.
    public static func wrap(_ text: String, indent: String = "", width: Int = lineLimit) -> [String] {
        var lines: [String] = []
        var current = ""
        var used = 0
        func room() -> Int { max(1, width - (lines.isEmpty ? 0 : DisplayWidth.columns(of: indent))) }
        func flush() {
            lines.append((lines.isEmpty ? "" : indent) + current)
            current = ""
            used = 0
        }
        for word in text.split(separator: " ", omittingEmptySubsequences: true) {
            let columns = DisplayWidth.columns(of: word)
            if !current.isEmpty, used + 1 + columns > room() { flush() }
            guard current.isEmpty else {
                current += " " + word
                used += 1 + columns
                continue
            }
            var rest = word
            while DisplayWidth.columns(of: rest) > room() {
                // The longest start that fits (one character at least), cut after its last `_`,
                // `-`, `/` or `+` so that the parts of a code stay whole.
                var end = rest.startIndex
                var fitted = 0
                while end < rest.endIndex, fitted + DisplayWidth.columns(of: rest[end]) <= room() {
                    fitted += DisplayWidth.columns(of: rest[end])
                    end = rest.index(after: end)
                }
                if end == rest.startIndex { end = rest.index(after: end) }
                let line = rest[..<end]
                let joint = line.dropLast().lastIndex { "_-/+".contains($0) }.map { line.index(after: $0) }
                let piece = line[..<(joint ?? line.endIndex)]
                current = String(piece)
                rest = rest[piece.endIndex...]
                flush()
            }
            current = String(rest)
            used = DisplayWidth.columns(of: rest)
        }
        if !current.isEmpty { flush() }
        return lines
    }

    /// `label` followed by `value`, the value wrapped with a hanging indent under itself.
    public static func labelled(_ label: String, _ value: String) -> [String] {
        let indent = String(repeating: " ", count: label.count)
        let wrapped = wrap(value, width: lineLimit - label.count)
        return wrapped.enumerated().map { ($0.offset == 0 ? label : indent) + $0.element }
    }

    /// Evidence conclusions: the EBRO variant, then per conclusion its level, wording and any
    /// mismatch between stated and derived level.
    public static func evidence(_ summary: EvidenceSummary) -> [String] {
        var lines = ["EBRO variant: \(summary.settings.variant.name)"]
        if let grade = summary.ownGrade {
            lines += wrap("This study's grade: \(grade.grade.rawValue) (\(grade.reason))", indent: "  ")
        }
        lines.append("")
        let mismatches = summary.conclusions.filter { $0.match == .mismatch }
        lines.append("Conclusions: \(summary.conclusions.count), stated level differs from derived level: \(mismatches.count)")
        for row in summary.conclusions {
            let derived = row.derivedLevel.map { "Niveau \($0.rawValue)" } ?? "no level"
            let stated = row.statedLevel.map { " (stated Niveau \($0.rawValue)\(row.match == .mismatch ? ", MISMATCH" : ""))" } ?? ""
            lines += wrap("- \(row.conclusionID): \(derived)\(stated). \(row.english)", indent: "    ")
            if row.match == .mismatch {
                lines += wrap("Reason: \(row.reason)", indent: "    ", width: lineLimit - 4).map { "    " + $0 }
            }
        }
        if !summary.summaryOfFindings.isEmpty {
            lines.append("")
            lines.append("Summary of findings (GRADE certainty; reasons per domain in summary_of_findings.csv):")
            var table = TextTable(columns: [.init("outcome"), .init("profile"), .init("comparison"), .init("visit"),
                                            .init("n", .right), .init("estimate [95% CI]", .right), .init("certainty")],
                                  separator: " ")
            for row in summary.summaryOfFindings {
                let interval = row.ciLow.flatMap { low in
                    row.ciHigh.map { ConfidenceInterval(lower: low, upper: $0, level: 0.95) }
                }
                table.append([row.outcome, row.profile, row.comparison, row.timepoint, row.n.map(String.init) ?? "NA",
                              withInterval(row.estimate, interval), row.assessment.certainty.label])
            }
            lines += table.render(within: lineLimit, keyColumns: 4)
        }
        if !summary.diagnostics.isEmpty {
            lines.append("")
            lines.append("Evidence table findings:")
            for diagnostic in summary.diagnostics { lines += wrap("- \(diagnostic)", indent: "    ") }
        }
        return lines
    }
}
