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
        #expect(table.render().contains { $0.count > 100 })
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

    @Test func keysWithoutRoomForAnyColumnKeepTheTableWhole() {
        let table = Self.table(group: String(repeating: "x", count: 90))
        #expect(table.render(within: 100, keyColumns: 2) == table.render())
    }
}
