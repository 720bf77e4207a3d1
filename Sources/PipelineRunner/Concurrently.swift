import Dispatch

/// Runs two independent computations at the same time, one on the calling thread and one on a
/// worker of the system's pool, and returns both results once both are done.
///
/// Only for computations that share nothing mutable (pure functions of values, or writers of
/// different files): each result is its own function's, so what a run produces does not depend on
/// which of the two finished first. An error from either is thrown after both have ended, the
/// first one's before the second's.
enum Concurrently {
    static func both<A, B, Failure: Error>(
        _ first: @Sendable () throws(Failure) -> A, _ second: @Sendable () throws(Failure) -> B
    ) throws(Failure) -> (A, B) {
        let results = Results<A, B, Failure>()
        DispatchQueue.concurrentPerform(iterations: 2) { index in
            if index == 0 {
                results.first = Result(catching: first)
            } else {
                results.second = Result(catching: second)
            }
        }
        guard let first = results.first, let second = results.second else {
            preconditionFailure("concurrentPerform returned before running both computations")
        }
        return (try first.get(), try second.get())
    }

    /// Runs `count` independent computations on the system's pool, as many at a time as there are
    /// cores, and returns their results in index order. Each worker takes the next index not yet
    /// started, so long computations listed first are started first and the short ones fill in.
    static func map<T>(_ count: Int, _ body: @Sendable (Int) -> T) -> [T] {
        let slots = Slots<T>(count)
        DispatchQueue.concurrentPerform(iterations: count) { index in
            slots.set(index, body(index))
        }
        return slots.results()
    }

    /// Unchecked: each slot is written once, by the iteration of its index alone, and read only
    /// after `concurrentPerform` has returned.
    private final class Slots<T>: @unchecked Sendable {
        private let storage: UnsafeMutableBufferPointer<T?>

        init(_ count: Int) {
            storage = .allocate(capacity: count)
            storage.initialize(repeating: nil)
        }

        deinit {
            storage.deinitialize()
            storage.deallocate()
        }

        func set(_ index: Int, _ value: T) {
            storage[index] = value
        }

        func results() -> [T] {
            storage.map { value in
                guard let value else { preconditionFailure("concurrentPerform returned before every iteration ran") }
                return value
            }
        }
    }

    /// Unchecked: each result is written by one of the two iterations alone, and read only
    /// after `concurrentPerform` has returned (which waits for both).
    private final class Results<A, B, Failure: Error>: @unchecked Sendable {
        var first: Result<A, Failure>?
        var second: Result<B, Failure>?
    }
}
