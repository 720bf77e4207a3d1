import Synchronization
import Testing
@testable import PipelineRunner

@Suite struct ConcurrentlyTests {
    /// Every index runs once, whatever thread takes it, and its result is at its index.
    @Test func mapRunsEachIndexOnceAndKeepsIndexOrder() {
        let calls = Mutex([Int](repeating: 0, count: 1_000))
        let results = Concurrently.map(1_000) { index in
            calls.withLock { $0[index] += 1 }
            return index * index
        }
        #expect(results == (0..<1_000).map { $0 * $0 })
        #expect(calls.withLock { $0 }.allSatisfy { $0 == 1 })
    }

    @Test func mapOfNothingIsEmpty() {
        #expect(Concurrently.map(0) { $0 }.isEmpty)
    }
}
