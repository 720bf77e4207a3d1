import CSVKit
import Foundation

/// Reads one file's records on a thread of its own, a batch at a time, while the caller stages
/// the records read before: parsing (libcsv, the encoding check, the positions) and staging then
/// run on a core each, and a batch changes hands under a lock once per ``batchSize`` records.
///
/// Order and outcome are the reader's own: batches come in reading order, and a reading error
/// comes with the batch of the records read before it, after which nothing more is read. The
/// records of a batch are reused for the next one (the caller must not keep them, nor the array
/// holding them, past ``recycle(_:)``: a record still shared when it is read into again would
/// get new storage; staging copies what it keeps). The reader is the pipe's alone until
/// ``finish()`` returns; only then may the caller ask it for its diagnostics and counts.
///
/// Memory: ``batchCount`` batches of ``batchSize`` records, each record's storage as large as the
/// largest record read into it.
final class RecordPipe: @unchecked Sendable {
    static let batchSize = 512
    static let batchCount = 4

    /// Records read in one go, and how the reading ended if it did.
    final class Batch: @unchecked Sendable {
        var records: [CSVRecord]
        var count = 0
        /// The reader's error after the batch's records; nothing is read after it.
        var error: (any Error)?
        /// True for the last batch (the end of the file, or an error).
        var isLast = false

        init(size: Int) {
            records = Array(repeating: CSVRecord(), count: size)
        }
    }

    private let reader: CSVReader
    private let condition = NSCondition()
    /// Batches read and not yet handed out, oldest first; and batches free to read into.
    private var full: [Batch] = []
    private var free: [Batch]
    private var cancelled = false
    private var finished = false

    /// Starts reading `reader` on a new thread.
    init(reader: CSVReader) {
        self.reader = reader
        free = (0..<RecordPipe.batchCount).map { _ in Batch(size: RecordPipe.batchSize) }
        let thread = Thread { [self] in run() }
        thread.name = "lbp.read"
        thread.start()
    }

    /// The next batch in reading order; nil once the last one was handed out (or after
    /// ``finish()``). Waits while the reading thread is behind.
    func next() -> Batch? {
        condition.lock()
        defer { condition.unlock() }
        while full.isEmpty && !finished { condition.wait() }
        return full.isEmpty ? nil : full.removeFirst()
    }

    /// Gives a batch back to be read into again.
    func recycle(_ batch: Batch) {
        condition.lock()
        free.append(batch)
        condition.broadcast()
        condition.unlock()
    }

    /// Stops the reading (if it has not ended) and waits until the thread has let go of the
    /// reader. Safe to call more than once.
    func finish() {
        condition.lock()
        cancelled = true
        condition.broadcast()
        while !finished { condition.wait() }
        condition.unlock()
    }

    private func run() {
        var ended = false
        while !ended {
            condition.lock()
            while free.isEmpty && !cancelled { condition.wait() }
            if cancelled {
                condition.unlock()
                break
            }
            let batch = free.removeFirst()
            condition.unlock()

            let reader = self.reader
            var count = 0
            var failure: (any Error)?
            batch.records.withUnsafeMutableBufferPointer { records in
                do {
                    while count < records.count {
                        guard try reader.read(into: &records[count]) else {
                            ended = true
                            break
                        }
                        count += 1
                    }
                } catch {
                    failure = error
                    ended = true
                }
            }
            batch.count = count
            batch.error = failure
            batch.isLast = ended

            condition.lock()
            full.append(batch)
            condition.broadcast()
            condition.unlock()
        }
        condition.lock()
        finished = true
        condition.broadcast()
        condition.unlock()
    }
}
