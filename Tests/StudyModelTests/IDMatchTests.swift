import StudyModel
import Testing

@Suite struct IDMatchTests {
    private func match(_ ids: [String], _ others: [String]) -> [Int?] {
        let match = IDMatch(count: ids.count, id: { ids[$0] }, otherCount: others.count, otherID: { others[$0] })
        return ids.indices.map { match.other(of: $0, id: ids[$0]) }
    }

    @Test func alignedListsMatchByPosition() {
        #expect(match(["A", "B", "C"], ["A", "B", "C"]) == [0, 1, 2])
        #expect(match([], []) == [])
    }

    @Test func otherwiseTheFirstRecordOfTheIdMatches() {
        #expect(match(["C", "A", "B"], ["A", "B", "C"]) == [2, 0, 1])
        #expect(match(["A", "X"], ["B", "A", "A"]) == [1, nil])
        #expect(match(["A", "B"], ["A", "B", "A"]) == [0, 1])
    }
}
