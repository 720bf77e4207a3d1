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
        let first = try? #require(lines.firstIndex { $0.hasPrefix("xxxx") })
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

    @Test func aWordLongerThanALineIsCut() {
        let word = String(repeating: "w", count: 25)
        #expect(SummaryText.wrap("a " + word + " b", indent: "  ", width: 10)
                    == ["a", "  wwwwwwww", "  wwwwwwww", "  wwwwwwww", "  w b"])
        #expect(SummaryText.wrap(word, width: 10) == ["wwwwwwwwww", "wwwwwwwwww", "wwwww"])
    }
}
