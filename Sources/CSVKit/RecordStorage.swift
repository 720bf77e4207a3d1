/// The fields of one record as libcsv's callbacks fill them: one byte buffer holding the fields
/// back to back, plus the end offset of each field. The reader hands libcsv a raw pointer to the
/// accumulator inside the caller's ``CSVRecord`` (the callbacks' unmanaged context), so fields go
/// straight into the record, without reference counting, exclusivity checks or a second copy.
///
/// Memory: grows to the largest record read into it and is then reused.
@usableFromInline
struct FieldAccumulator {
    @usableFromInline private(set) var bytes: UnsafeMutablePointer<UInt8>
    @usableFromInline private(set) var byteCount = 0
    private var byteCapacity: Int
    /// `ends[i]` is the offset in `bytes` just past field `i`; field `i` starts at `ends[i - 1]`.
    @usableFromInline private(set) var ends: UnsafeMutablePointer<Int>
    @usableFromInline private(set) var fieldCount = 0
    private var endCapacity: Int
    /// Set by the row callback; the reader clears it with ``reset()``.
    private(set) var rowEnded = false

    init(byteCapacity: Int = 256, endCapacity: Int = 16) {
        self.byteCapacity = max(16, byteCapacity)
        bytes = .allocate(capacity: self.byteCapacity)
        self.endCapacity = max(1, endCapacity)
        ends = .allocate(capacity: self.endCapacity)
    }

    func deallocate() {
        bytes.deallocate()
        ends.deallocate()
    }

    /// Appends one field, as libcsv's field callback.
    ///
    /// The common case (a field of at most 16 bytes, with room to spare) copies 16 bytes
    /// unconditionally and makes no call, so the callback needs no stack frame of its own. Reading
    /// 16 bytes is safe because libcsv hands over its field buffer (`entry_buf`), which is at least
    /// its first growth step long (``LibCSVParser`` sets 64 KiB); writing them is safe because the
    /// guard leaves 16 bytes of room. The rest goes to ``appendLargeField``.
    @inline(__always)
    mutating func appendField(_ field: UnsafeRawPointer?, count: Int) {
        let newByteCount = byteCount &+ count
        guard count <= 16, byteCount &+ 16 <= byteCapacity, fieldCount != endCapacity, let field else {
            appendLargeField(field, count: count)
            return
        }
        let target = UnsafeMutableRawPointer(bytes + byteCount)
        target.storeBytes(of: field.loadUnaligned(as: UInt64.self), as: UInt64.self)
        target.storeBytes(of: field.loadUnaligned(fromByteOffset: 8, as: UInt64.self), toByteOffset: 8, as: UInt64.self)
        ends[fieldCount] = newByteCount
        fieldCount &+= 1
        byteCount = newByteCount
    }

    /// The rest of ``appendField(_:count:)``: long fields, and records larger than any before.
    @inline(never)
    private mutating func appendLargeField(_ field: UnsafeRawPointer?, count: Int) {
        let newByteCount = byteCount + count
        if newByteCount + 16 > byteCapacity {
            grow(&bytes, capacity: &byteCapacity, toHold: newByteCount + 16, used: byteCount)
        }
        if fieldCount == endCapacity {
            grow(&ends, capacity: &endCapacity, toHold: fieldCount + 1, used: fieldCount)
        }
        if count > 0, let field {
            UnsafeMutableRawPointer(bytes + byteCount).copyMemory(from: field, byteCount: count)
        }
        ends[fieldCount] = newByteCount
        fieldCount += 1
        byteCount = newByteCount
    }

    mutating func endRow() {
        rowEnded = true
    }

    mutating func reset() {
        byteCount = 0
        fieldCount = 0
        rowEnded = false
    }

    /// True when every field is empty or holds only spaces and tabs.
    var isBlank: Bool {
        for index in 0..<byteCount where bytes[index] != 0x20 && bytes[index] != 0x09 {
            return false
        }
        return true
    }

    private func grow<T>(
        _ pointer: inout UnsafeMutablePointer<T>, capacity: inout Int, toHold needed: Int, used: Int
    ) {
        var newCapacity = capacity * 2
        while newCapacity < needed { newCapacity *= 2 }
        let bigger = UnsafeMutablePointer<T>.allocate(capacity: newCapacity)
        bigger.moveInitialize(from: pointer, count: used)
        pointer.deallocate()
        pointer = bigger
        capacity = newCapacity
    }
}

/// The storage behind a ``CSVRecord``: one ``FieldAccumulator`` at a stable address. Copies of a
/// record share it until one of them is read into again, which first makes its own (copy on write,
/// as `Array` does), so a shared storage is never written.
@usableFromInline
final class RecordStorage: @unchecked Sendable {
    @usableFromInline let fields: UnsafeMutablePointer<FieldAccumulator>

    init() {
        fields = .allocate(capacity: 1)
        fields.initialize(to: FieldAccumulator())
    }

    deinit {
        fields.pointee.deallocate()
        fields.deinitialize(count: 1)
        fields.deallocate()
    }
}
