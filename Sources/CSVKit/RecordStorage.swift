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

    /// Appends one field. The common case (a field of at most 16 bytes that fits) makes no call,
    /// so the callback needs no stack frame of its own; the rest goes to ``appendLargeField``.
    @inline(__always)
    mutating func appendField(_ field: UnsafeRawPointer?, count: Int) {
        let newByteCount = byteCount &+ count
        guard count <= 16, newByteCount <= byteCapacity, fieldCount != endCapacity, let field else {
            appendLargeField(field, count: count)
            return
        }
        if count > 0 {
            FieldAccumulator.copySmall(field, to: UnsafeMutableRawPointer(bytes + byteCount), count: count)
        }
        ends[fieldCount] = newByteCount
        fieldCount &+= 1
        byteCount = newByteCount
    }

    /// The rest of ``appendField(_:count:)``: long fields, and records larger than any before.
    @inline(never)
    private mutating func appendLargeField(_ field: UnsafeRawPointer?, count: Int) {
        let newByteCount = byteCount + count
        if newByteCount > byteCapacity {
            grow(&bytes, capacity: &byteCapacity, toHold: newByteCount, used: byteCount)
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

    /// Copies 1 to 16 bytes with two overlapping loads and stores instead of a call to `memcpy`.
    @inline(__always)
    private static func copySmall(_ source: UnsafeRawPointer, to target: UnsafeMutableRawPointer, count: Int) {
        if count >= 8 {
            let head = source.loadUnaligned(as: UInt64.self)
            let tail = source.loadUnaligned(fromByteOffset: count - 8, as: UInt64.self)
            target.storeBytes(of: head, as: UInt64.self)
            target.storeBytes(of: tail, toByteOffset: count - 8, as: UInt64.self)
        } else if count >= 4 {
            let head = source.loadUnaligned(as: UInt32.self)
            let tail = source.loadUnaligned(fromByteOffset: count - 4, as: UInt32.self)
            target.storeBytes(of: head, as: UInt32.self)
            target.storeBytes(of: tail, toByteOffset: count - 4, as: UInt32.self)
        } else {
            let bytes = source.assumingMemoryBound(to: UInt8.self)
            let out = target.assumingMemoryBound(to: UInt8.self)
            out[0] = bytes[0]
            out[count / 2] = bytes[count / 2]
            out[count - 1] = bytes[count - 1]
        }
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
