import StudyModel

/// What the short cells of one file's columns were read as, by their bytes: most columns hold
/// few distinct values (a checkbox `0` or `1`, `ja`, a score, a site code), and reading a cell
/// from its bytes is a pure function of the column and the bytes, so a cell met again takes the
/// stored value it gave before instead of being read again.
///
/// Per column a direct-mapped table of ``entries`` cells of at most 8 bytes (raw, before
/// trimming), each with its outcome: the stored value, an empty cell, or a cell the byte reader
/// leaves to the string path. Values kept out of line (long text, declared missing reasons) are
/// not remembered. About 1 KiB per column.
final class CellMemo {
    static let entries = 64

    enum Hit {
        case stored(StoredValue)
        case empty
        case unread
    }

    private let keys: UnsafeMutablePointer<UInt64>
    /// Byte count + 1 of the cell an entry holds; 0 for an unused entry.
    private let lengths: UnsafeMutablePointer<UInt8>
    private let hits: UnsafeMutablePointer<Hit>
    private let count: Int

    init(columns: Int) {
        count = max(1, columns) * CellMemo.entries
        keys = .allocate(capacity: count)
        keys.initialize(repeating: 0, count: count)
        lengths = .allocate(capacity: count)
        lengths.initialize(repeating: 0, count: count)
        hits = .allocate(capacity: count)
        hits.initialize(repeating: .unread, count: count)
    }

    deinit {
        keys.deallocate()
        lengths.deallocate()
        hits.deinitialize(count: count)
        hits.deallocate()
    }

    /// What column `column`'s cell with these bytes was read as; nil when it is not remembered
    /// (or longer than 8 bytes).
    @inline(__always)
    func lookup(_ column: Int, _ cell: UnsafeRawBufferPointer) -> Hit? {
        guard cell.count <= 8 else { return nil }
        let key = CellMemo.pack(cell)
        let index = CellMemo.index(column, key, cell.count)
        guard keys[index] == key, Int(lengths[index]) == cell.count + 1 else { return nil }
        return hits[index]
    }

    /// Remembers what a cell of at most 8 bytes was read as.
    @inline(__always)
    func remember(_ column: Int, _ cell: UnsafeRawBufferPointer, _ hit: Hit) {
        guard cell.count <= 8 else { return }
        let key = CellMemo.pack(cell)
        let index = CellMemo.index(column, key, cell.count)
        keys[index] = key
        lengths[index] = UInt8(cell.count + 1)
        hits[index] = hit
    }

    @inline(__always)
    private static func pack(_ cell: UnsafeRawBufferPointer) -> UInt64 {
        var key: UInt64 = 0
        for index in 0..<cell.count { key |= UInt64(cell[index]) << UInt64(index << 3) }
        return key
    }

    @inline(__always)
    private static func index(_ column: Int, _ key: UInt64, _ length: Int) -> Int {
        column * entries + Int(truncatingIfNeeded: ((key &+ UInt64(length)) &* 0x9E37_79B9_7F4A_7C15) >> 58)
    }
}
