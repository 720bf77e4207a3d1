import Reporting
import Testing

/// Aligned plain-text tables; one wider than the line limit is split into tables that each
/// repeat the key columns.
@Suite struct TextTableTests {
    @Test func alignsTextLeftAndNumbersRight() {
        var table = TextTable(columns: [.init("arm"), .init("n", .right), .init("mean", .right)])
        table.append(["graded_activity", "12", "3.40"])
        table.append(["general", "105", "-1.25"])
        #expect(table.render() == [
            "arm                n   mean",
            "---------------  ---  -----",
            "graded_activity   12   3.40",
            "general          105  -1.25",
        ])
    }

    /// A label in wide characters takes two columns each, so the columns after it stay aligned.
    @Test func wideCharactersKeepTheColumnsAligned() {
        var table = TextTable(columns: [.init("arm"), .init("n", .right)])
        table.append(["运动疗法", "12"])
        table.append(["general", "105"])
        let lines = table.render()
        #expect(lines == [
            "arm         n",
            "--------  ---",
            "运动疗法   12",
            "general   105",
        ])
        #expect(Set(lines.map { DisplayWidth.columns(of: $0) }).count == 1)
    }

    static func table(group: String) -> TextTable {
        var table = TextTable(columns: [.init("group"), .init("arm"), .init("change [95% CI]", .right),
                                        .init("responders [95% CI]", .right), .init("p", .right)])
        table.append([group, "graded_activity", "-3.45 [-5.02, -1.88]", "40/80 50.0 [39.3, 60.7]", "0.001"])
        table.append(["all", "general_exercise", "-1.00 [-2.00, 0.00]", "10/20 50.0 [29.9, 70.1]", "0.500"])
        return table
    }

    @Test func aTableThatFitsIsOneTable() {
        let table = Self.table(group: "3a")
        #expect(table.render(within: 100, keyColumns: 2) == table.render())
    }

    @Test func aWideTableIsSplitRepeatingItsKeys() {
        let group = "medium_risk_without_yellow_flags_and_more"
        let table = Self.table(group: group)
        #expect(table.render(width: .max).contains { $0.count > 100 })
        let lines = table.render(within: 100, keyColumns: 2)
        #expect(lines.allSatisfy { $0.count <= 100 })
        // Every cell is still there, next to its row's keys.
        let rows = lines.filter { $0.hasPrefix(group) }
        #expect(rows.count == 2)
        #expect(rows.allSatisfy { $0.contains("graded_activity") })
        for cell in ["-3.45 [-5.02, -1.88]", "40/80 50.0 [39.3, 60.7]", "0.001"] {
            #expect(rows.contains { $0.contains(cell) }, "\(cell)")
        }
        #expect(lines.filter(\.isEmpty).count == 1)
    }

    /// Keys too wide for any column beside them: the table stays whole and its widest text
    /// column wraps, the other cells of a row on its first line.
    @Test func keysWithoutRoomForAnyColumnWrapTheWidestTextColumn() {
        let group = String(repeating: "x", count: 40) + " " + String(repeating: "y", count: 40)
        let table = Self.table(group: group)
        let lines = table.render(within: 100, keyColumns: 2)
        #expect(lines == table.render())
        #expect(lines.allSatisfy { $0.count <= 100 }, "\(lines)")
        // The other columns take 72 characters with their gaps, which leaves the group 28.
        let first = lines.firstIndex { $0.hasPrefix("xxxx") }
        #expect(first != nil, "no row starts with the group")
        if let first {
            #expect(lines[first].hasPrefix(String(repeating: "x", count: 28) + "  graded_activity") && lines[first].hasSuffix("0.001"))
            #expect(lines[(first + 1)...(first + 3)].map { $0.trimmingCharacters(in: .whitespaces) }
                        == [String(repeating: "x", count: 12), String(repeating: "y", count: 28), String(repeating: "y", count: 12)])
            #expect(lines[first + 4].hasPrefix("all "))
        }
        #expect(lines.count == table.render(width: .max).count + 3)
        // Numbers are never wrapped; a text cell longer than any line is cut.
        let cut = Self.table(group: String(repeating: "z", count: 130)).render(width: 100)
        #expect(cut.allSatisfy { $0.count <= 100 })
        #expect(cut.contains { $0.contains("40/80 50.0 [39.3, 60.7]") && $0.contains("-3.45 [-5.02, -1.88]") })
        #expect(cut.filter { $0.hasPrefix("z") }.map { $0.prefix { $0 == "z" }.count }.reduce(0, +) == 130)
    }

    /// Count columns titled by long arm ids: their titles wrap down to the widest count; an
    /// indented category that wraps stays indented.
    @Test func longNumberTitlesWrapAndIndentedCellsStayIndented() {
        let arms = (1...3).map { "arm_\($0)_" + String(repeating: "a", count: 40) }
        var table = TextTable(columns: [.init("variable")] + arms.map { .init($0, .right) })
        table.append(["age, mean (SD)", "41.2 (12.5)", "40.0 (11.9)", "39.8 (13.0)"])
        table.append(["  3a_nonspecific_acute_under_twelve_weeks+yellow_flags, n (%)", "24 (12.3)", "3 (1.5)", "0 (0.0)"])
        let lines = table.render()
        #expect(table.naturalWidth > 100)
        #expect(lines.allSatisfy { $0.count <= 100 }, "\(lines)")
        // Each title is whole when its pieces over the header lines are put together again.
        let rule = lines.firstIndex { $0.hasPrefix("-") } ?? 0
        #expect(rule >= 2, "the titles take more than one line")
        let dashes = Array(lines[rule])
        var spans: [Range<Int>] = []
        var start: Int?
        for index in 0...dashes.count {
            let isDash = index < dashes.count && dashes[index] == "-"
            if isDash, start == nil { start = index }
            if !isDash, let first = start { spans.append(first..<index); start = nil }
        }
        func slice(_ line: String, _ span: Range<Int>) -> String {
            let characters = Array(line)
            return String(characters[min(span.lowerBound, characters.count)..<min(span.upperBound, characters.count)])
        }
        let titles = spans.map { span in lines[..<rule].map { slice($0, span).trimmingCharacters(in: .whitespaces) }.joined() }
        #expect(titles == ["variable"] + arms)
        // Numbers are never wrapped, and stay on the first line of their row.
        let row = lines.firstIndex { $0.hasPrefix("  3a_") }
        #expect(row != nil, "no row starts with the group")
        if let row {
            #expect(lines[row].contains("24 (12.3)") && lines[row].contains("3 (1.5)") && lines[row].hasSuffix("0 (0.0)"))
            // The lines below with nothing beyond the first column.
            let continued = lines[(row + 1)...].prefix { $0.count <= spans[0].upperBound }
            #expect(continued.count >= 1)
            #expect(continued.allSatisfy { $0.hasPrefix("  ") && !$0.hasPrefix("   ") }, "\(continued)")
            // The label, every character in order (a cut word leaves no space, a wrap one).
            let label = ([lines[row]] + continued).map { slice($0, spans[0]) }.joined()
            #expect(label.filter { $0 != " " } == "3a_nonspecific_acute_under_twelve_weeks+yellow_flags,n(%)", "\(label)")
        }
    }

    @Test func aWordLongerThanALineIsCut() {
        let word = String(repeating: "w", count: 25)
        #expect(SummaryText.wrap("a " + word + " b", indent: "  ", width: 10)
                    == ["a", "  wwwwwwww", "  wwwwwwww", "  wwwwwwww", "  w b"])
        #expect(SummaryText.wrap(word, width: 10) == ["wwwwwwwwww", "wwwwwwwwww", "wwwww"])
        // A code is cut after a joint that fits, not in the middle of its parts.
        #expect(SummaryText.wrap("pain_intensity_last_week", width: 16) == ["pain_intensity_", "last_week"])
        #expect(SummaryText.wrap("motor_control-vs-general_exercise/week12", width: 20)
                    == ["motor_control-vs-", "general_exercise/", "week12"])
    }
}
