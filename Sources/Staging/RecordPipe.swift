import CSVKit
import Foundation

/// Reads one file's records on a thread of its own, a batch at a time, and shares the preparing
/// of the batches (the checks that need only the record, ``RowReader/prepare(_:into:)``) between
/// that thread and the caller, who commits the prepared rows in reading order. So parsing
/// (libcsv, the encoding check, the positions), preparing and committing keep two cores busy
/// whichever part is the larger for a file.
///
/// Who prepares a batch: the reading thread reads while a batch is free to read into; when none
/// is, it prepares the newest batch read that no one has claimed (the one the caller needs
/// last, so that the two rarely wait for each other). The caller takes batches in
/// reading order (``next()``) and prepares one itself when it is still unclaimed, or waits for
/// the reading thread to finish the one it claimed. A batch is claimed under the lock, so each is
/// prepared once; preparing is a pure function of the record, so who did it changes nothing.
///
/// Order and outcome are the reader's own: batches come in reading order, and a reading error
/// comes with the batch of the records read before it, after which nothing more is read. The
/// records and prepared rows of a batch are reused for the next one (the caller must not keep
/// them, nor the arrays holding them, past ``recycle(_:)``: a record still shared when it is read
/// into again would get new storage; staging copies what it keeps). The reader and the reading
/// thread's preparing closure are the pipe's alone until ``finish()`` returns; only then may the
/// caller ask the reader for its diagnostics and counts.
///
/// Memory: ``batchCount`` batches of ``batchSize`` records and prepared rows, each record's storage
/// as large as the largest record read into it.
final class RecordPipe: @unchecked Sendable {
    static let batchSize = 128
    static let batchCount = 6

    /// Records read in one go, their prepared rows, and how the reading ended if it did.
    final class Batch: @unchecked Sendable {
        var records: [CSVRecord]
        /// `rows[i]` is `records[i]` prepared, once ``state`` is `.prepared`.
        private(set) var rows: [PreparedRow]
        var count = 0
        /// The reader's error after the batch's records; nothing is read after it.
        var error: (any Error)?
        /// True for the last batch (the end of the file, or an error).
        var isLast = false
        /// Changed under the pipe's lock only.
        fileprivate var state = State.read

        fileprivate enum State {
            case read, preparing, prepared
        }

        init(size: Int) {
            records = Array(repeating: CSVRecord(), count: size)
            rows = (0..<size).map { _ in PreparedRow() }
        }

        /// Takes prepared row `index` out of the batch for the caller to keep (a new one takes its
        /// place). Only between ``RecordPipe/next(preparing:)`` and ``RecordPipe/recycle(_:)``.
        func takeRow(_ index: Int) -> PreparedRow {
            let row = rows[index]
            rows[index] = PreparedRow()
            return row
        }

        /// Prepares the batch's records into its rows.
        fileprivate func prepare(with prepare: (CSVRecord, PreparedRow) -> Void) {
            records.withUnsafeBufferPointer { records in
                for index in 0..<count { prepare(records[index], rows[index]) }
            }
        }
    }

    private let reader: CSVReader
    /// Prepares on the reading thread; the caller passes its own closure to ``next(preparing:)``.
    private let prepare: (CSVRecord, PreparedRow) -> Void
    private let condition = NSCondition()
    /// Batches read and not yet handed out, oldest first; and batches free to read into.
    private var full: [Batch] = []
    private var free: [Batch]
    private var cancelled = false
    /// The reading has ended (end of file or error): only preparing is left for the thread.
    private var readingEnded = false
    private var finished = false

    /// Starts reading `reader` on a new thread, which calls `prepare` for the records of the
    /// batches it prepares.
    init(reader: CSVReader, prepare: @escaping (CSVRecord, PreparedRow) -> Void) {
        self.reader = reader
        self.prepare = prepare
        free = (0..<RecordPipe.batchCount).map { _ in Batch(size: RecordPipe.batchSize) }
        let thread = Thread { [self] in run() }
        thread.name = "lbp.read"
        thread.start()
    }

    /// The next batch in reading order, prepared: by the reading thread, or here with `prepare`
    /// when no one has claimed it. Nil once the last one was handed out (or after ``finish()``).
    /// Waits while the reading thread is behind.
    func next(preparing prepare: (CSVRecord, PreparedRow) -> Void) -> Batch? {
        condition.lock()
        while full.isEmpty && !finished { condition.wait() }
        guard !full.isEmpty else {
            condition.unlock()
            return nil
        }
        let batch = full.removeFirst()
        switch batch.state {
        case .read:
            batch.state = .preparing
            condition.unlock()
            batch.prepare(with: prepare)
            condition.lock()
            batch.state = .prepared
            condition.unlock()
        case .preparing:
            while batch.state != .prepared { condition.wait() }
            condition.unlock()
        case .prepared:
            condition.unlock()
        }
        return batch
    }

    /// Gives a batch back to be read into again.
    func recycle(_ batch: Batch) {
        condition.lock()
        batch.state = .read
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

    private enum Work {
        case read(Batch)
        case prepare(Batch)
        case stop
    }

    /// Under the lock: reading comes first (only this thread can read); else the newest batch
    /// that no one has claimed; else wait.
    private func nextWork() -> Work {
        while true {
            if cancelled { return .stop }
            if !readingEnded, !free.isEmpty { return .read(free.removeFirst()) }
            if let batch = full.last(where: { $0.state == .read }) {
                batch.state = .preparing
                return .prepare(batch)
            }
            if readingEnded { return .stop }
            condition.wait()
        }
    }

    private func run() {
        while true {
            condition.lock()
            let work = nextWork()
            condition.unlock()
            switch work {
            case .stop:
                condition.lock()
                finished = true
                condition.broadcast()
                condition.unlock()
                return
            case .prepare(let batch):
                batch.prepare(with: prepare)
                condition.lock()
                batch.state = .prepared
                condition.broadcast()
                condition.unlock()
            case .read(let batch):
                let ended = read(into: batch)
                condition.lock()
                full.append(batch)
                if ended { readingEnded = true }
                condition.broadcast()
                condition.unlock()
            }
        }
    }

    /// Reads up to a batch of records; true when the reading ended (end of file or error).
    private func read(into batch: Batch) -> Bool {
        let reader = self.reader
        var count = 0
        var failure: (any Error)?
        var ended = false
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
        return ended
    }
}
