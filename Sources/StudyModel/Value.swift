/// A normalised value of a canonical field, or the reason it is missing.
public enum Value: Hashable, Sendable, CustomStringConvertible {
    case number(Double)
    case boolean(Bool)
    case date(CalendarDate)
    /// Text, or a vocabulary code after mapping (sex `M`/`F`, an arm id, a timepoint name).
    case text(String)
    case missing(MissingReason)

    public var number: Double? {
        if case .number(let value) = self { return value }
        return nil
    }

    public var boolean: Bool? {
        if case .boolean(let value) = self { return value }
        return nil
    }

    public var date: CalendarDate? {
        if case .date(let value) = self { return value }
        return nil
    }

    public var text: String? {
        if case .text(let value) = self { return value }
        return nil
    }

    public var missingReason: MissingReason? {
        if case .missing(let reason) = self { return reason }
        return nil
    }

    public var isMissing: Bool { missingReason != nil }

    /// The canonical text form used in clean outputs: numbers with `.` and no exponent for ordinary
    /// magnitudes, booleans as `1`/`0`, dates as ISO, missing values as empty.
    public var canonicalText: String {
        switch self {
        case .number(let value): Value.format(value)
        case .boolean(let value): value ? "1" : "0"
        case .date(let value): value.iso
        case .text(let value): value
        case .missing: ""
        }
    }

    public var description: String {
        if case .missing(let reason) = self { return "missing (\(reason))" }
        return canonicalText
    }

    /// Shortest round-tripping decimal text for a number; integers print without a fraction.
    /// `description` of `Double` is locale-independent in Swift.
    public static func format(_ value: Double) -> String {
        if value.isFinite, value == value.rounded(), abs(value) < 1e15 {
            return String(Int64(value))
        }
        return String(value)
    }
}

/// The values of one record, indexed by field position within its level: no dictionary and no
/// strings per cell for numbers, dates and booleans.
///
/// Stored compactly, since staging holds one per participant and one per visit for a whole batch:
/// per field of the level a tag byte and an 8-byte payload (a number's bits, a boolean, days since
/// 1970-01-01, a standard missing reason, or text of at most 8 UTF-8 bytes inline), in one array of
/// words; longer text and project-declared missing reasons go to a side list that most visit
/// records never allocate. A participant record takes 66 words (528 bytes) plus its side list, a
/// visit record 11 words (88 bytes). Equality and hashing compare the values field by field, as
/// the values themselves do.
public struct FieldValues: Hashable, Sendable {
    public let level: FieldLevel
    /// `tagWordCount` words of tag bytes (eight per word, low byte first), then one payload word
    /// per field of the level.
    @usableFromInline var words: [UInt64]
    /// Values too large for a payload word, referred to by index from their payload. An entry
    /// whose field was later set to something else stays unused until the record is emptied.
    @usableFromInline var objects: [Value]

    /// Tag kinds (low four bits of a tag byte; an inline text keeps its byte count in the high four).
    @usableFromInline enum Tag {
        @inlinable static var absent: UInt8 { 0 }
        @inlinable static var number: UInt8 { 1 }
        @inlinable static var boolean: UInt8 { 2 }
        @inlinable static var date: UInt8 { 3 }
        @inlinable static var object: UInt8 { 4 }
        @inlinable static var missing: UInt8 { 5 }
        @inlinable static var inlineText: UInt8 { 6 }
    }

    @inlinable
    public init(level: FieldLevel) {
        self.level = level
        let count = Field.count(at: level)
        words = Array(repeating: 0, count: FieldValues.tagWords(count) + count)
        objects = []
    }

    /// nil when the field was not collected at all (no column mapped); `.missing` when a column
    /// was there but held no usable value.
    @inlinable
    public subscript(field: Field) -> Value? {
        get {
            guard field.level == level else { return nil }
            return value(atSlot: field.indexInLevel)
        }
        set {
            guard field.level == level else { return }
            setValue(newValue, atSlot: field.indexInLevel)
        }
    }

    /// Forgets every value (as a new `FieldValues(level:)` would), reusing the storage when no
    /// copy shares it.
    @inlinable
    public mutating func removeAll() {
        for index in 0..<tagWordCount { words[index] = 0 }
        if !objects.isEmpty { objects.removeAll(keepingCapacity: true) }
    }

    /// The fields that hold something (a value or a missing reason), in declaration order.
    public var presentFields: [Field] {
        (0..<Field.count(at: level)).compactMap { slot in
            tag(at: slot) == Tag.absent ? nil : Field.field(at: slot, in: level)
        }
    }

    /// The first field after `field` (from the first field of the level when nil), in declaration
    /// order, that holds something; nil when there is none. Walks the present fields without
    /// allocating, and stays valid when fields are changed between calls.
    @inlinable
    public func presentField(after field: Field?) -> Field? {
        let count = Field.count(at: level)
        var slot = field.map { $0.level == level ? $0.indexInLevel + 1 : count } ?? 0
        while slot < count {
            // Skip whole words of absent tags.
            let word = words[slot >> 3] >> UInt64((slot & 7) << 3)
            if word == 0 {
                slot = (slot | 7) + 1
                continue
            }
            slot += word.trailingZeroBitCount >> 3
            return slot < count ? Field.field(at: slot, in: level) : nil
        }
        return nil
    }

    // MARK: - Typed access

    /// `self[field]?.number`, without making a `Value`.
    @inlinable
    public func number(_ field: Field) -> Double? {
        guard let slot = slot(of: field), tag(at: slot) == Tag.number else { return nil }
        return Double(bitPattern: words[tagWordCount + slot])
    }

    /// `self[field]?.date`, without making a `Value`.
    @inlinable
    public func date(_ field: Field) -> CalendarDate? {
        guard let slot = slot(of: field), tag(at: slot) == Tag.date else { return nil }
        return CalendarDate(daysSinceEpoch: Int(Int64(bitPattern: words[tagWordCount + slot])))
    }

    /// `self[field]?.boolean`, without making a `Value`.
    @inlinable
    public func boolean(_ field: Field) -> Bool? {
        guard let slot = slot(of: field), tag(at: slot) == Tag.boolean else { return nil }
        return words[tagWordCount + slot] != 0
    }

    /// `self[field] != nil`: the field holds a value or a missing reason.
    @inlinable
    public func contains(_ field: Field) -> Bool {
        guard let slot = slot(of: field) else { return false }
        return tag(at: slot) != Tag.absent
    }

    /// `self[field]?.isMissing == true`: the field holds a missing reason.
    @inlinable
    public func isMissing(_ field: Field) -> Bool {
        guard let slot = slot(of: field) else { return false }
        let tag = tag(at: slot)
        return tag == Tag.missing || (tag == Tag.object && objects[Int(words[tagWordCount + slot])].isMissing)
    }

    /// `self[field] = .number(number)`.
    @inlinable
    public mutating func setNumber(_ number: Double, for field: Field) {
        guard let slot = slot(of: field) else { return }
        store(tag: Tag.number, payload: number.bitPattern, at: slot)
    }

    /// `self[field] = .boolean(flag)`.
    @inlinable
    public mutating func setBoolean(_ flag: Bool, for field: Field) {
        guard let slot = slot(of: field) else { return }
        store(tag: Tag.boolean, payload: flag ? 1 : 0, at: slot)
    }

    /// `self[field] = .date(date)`.
    @inlinable
    public mutating func setDate(_ date: CalendarDate, for field: Field) {
        guard let slot = slot(of: field) else { return }
        store(tag: Tag.date, payload: UInt64(bitPattern: Int64(date.daysSinceEpoch)), at: slot)
    }

    /// `self[field] = .missing(.empty)`.
    @inlinable
    public mutating func setEmpty(_ field: Field) {
        guard let slot = slot(of: field) else { return }
        store(tag: Tag.missing, payload: 0, at: slot)
    }

    /// `self[field] = .text(text)`, without making a `Value` when the text fits in the field's
    /// payload word (at most 8 bytes).
    @inlinable
    public mutating func setText(_ text: String, for field: Field) {
        guard let slot = slot(of: field) else { return }
        guard let packed = FieldValues.packInline(text) else { return setValue(.text(text), atSlot: slot) }
        store(tag: Tag.inlineText | UInt8(text.utf8.count << 4), payload: packed, at: slot)
    }

    /// `self[field] = .text(String(decoding: utf8, as: UTF8.self))`, without making a string
    /// when the text fits in the field's payload word (at most 8 bytes).
    @inlinable
    public mutating func setText(utf8: UnsafeRawBufferPointer, for field: Field) {
        guard let slot = slot(of: field) else { return }
        // Inline bytes read back through the same decoding, so they give the same string.
        guard utf8.count <= 8 else { return setValue(.text(String(decoding: utf8, as: UTF8.self)), atSlot: slot) }
        var packed: UInt64 = 0
        for index in 0..<utf8.count { packed |= UInt64(utf8[index]) << UInt64(index << 3) }
        store(tag: Tag.inlineText | UInt8(utf8.count << 4), payload: packed, at: slot)
    }

    public static func == (lhs: FieldValues, rhs: FieldValues) -> Bool {
        guard lhs.level == rhs.level else { return false }
        for slot in 0..<Field.count(at: lhs.level) where lhs.value(atSlot: slot) != rhs.value(atSlot: slot) {
            return false
        }
        return true
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(level == .participant ? 0 : 1)
        for slot in 0..<Field.count(at: level) {
            hasher.combine(value(atSlot: slot))
        }
    }

    // MARK: - Storage

    @inlinable
    static func tagWords(_ fieldCount: Int) -> Int { (fieldCount + 7) >> 3 }

    @inlinable
    var tagWordCount: Int { FieldValues.tagWords(Field.count(at: level)) }

    /// The field's slot in this level, nil for a field of the other level.
    @inlinable
    func slot(of field: Field) -> Int? {
        field.level == level ? field.indexInLevel : nil
    }

    /// Sets a slot's tag and payload.
    @inlinable
    mutating func store(tag: UInt8, payload: UInt64, at slot: Int) {
        let shift = UInt64((slot & 7) << 3)
        words[slot >> 3] = (words[slot >> 3] & ~(0xFF << shift)) | (UInt64(tag) << shift)
        words[tagWordCount + slot] = payload
    }

    @inlinable
    func tag(at slot: Int) -> UInt8 {
        UInt8(truncatingIfNeeded: words[slot >> 3] >> UInt64((slot & 7) << 3))
    }

    @inlinable
    mutating func setTag(_ tag: UInt8, at slot: Int) {
        let shift = UInt64((slot & 7) << 3)
        words[slot >> 3] = (words[slot >> 3] & ~(0xFF << shift)) | (UInt64(tag) << shift)
    }

    @inlinable
    func value(atSlot slot: Int) -> Value? {
        let tag = tag(at: slot)
        if tag == Tag.absent { return nil }
        let payload = words[tagWordCount + slot]
        switch tag & 0x0F {
        case Tag.number: return .number(Double(bitPattern: payload))
        case Tag.boolean: return .boolean(payload != 0)
        case Tag.date: return .date(CalendarDate(daysSinceEpoch: Int(Int64(bitPattern: payload))))
        case Tag.object: return objects[Int(payload)]
        case Tag.missing: return .missing(FieldValues.missingReason(code: payload))
        default: return .text(FieldValues.inlineText(payload, count: Int(tag >> 4)))
        }
    }

    @inlinable
    mutating func setValue(_ value: Value?, atSlot slot: Int) {
        guard let value else {
            setTag(Tag.absent, at: slot)
            return
        }
        let tag: UInt8
        let payload: UInt64
        switch value {
        case .number(let number):
            (tag, payload) = (Tag.number, number.bitPattern)
        case .boolean(let flag):
            (tag, payload) = (Tag.boolean, flag ? 1 : 0)
        case .date(let date):
            (tag, payload) = (Tag.date, UInt64(bitPattern: Int64(date.daysSinceEpoch)))
        case .missing(let reason):
            guard let code = FieldValues.code(of: reason) else { return setObject(value, atSlot: slot) }
            (tag, payload) = (Tag.missing, code)
        case .text(let text):
            guard let packed = FieldValues.packInline(text) else { return setObject(value, atSlot: slot) }
            (tag, payload) = (Tag.inlineText | UInt8(text.utf8.count << 4), packed)
        }
        store(tag: tag, payload: payload, at: slot)
    }

    /// Stores a value in the side list, reusing the entry of the field's previous object.
    @usableFromInline
    mutating func setObject(_ value: Value, atSlot slot: Int) {
        let payloadIndex = tagWordCount + slot
        if tag(at: slot) == Tag.object {
            objects[Int(words[payloadIndex])] = value
        } else {
            words[payloadIndex] = UInt64(objects.count)
            objects.append(value)
            setTag(Tag.object, at: slot)
        }
    }

    /// Payload code of a standard missing reason; nil for a declared one (kept as an object).
    @inlinable
    static func code(of reason: MissingReason) -> UInt64? {
        switch reason {
        case .empty: 0
        case .measurementFailed: 1
        case .notApplicable: 2
        case .notAsked: 3
        case .askedButUnknown: 4
        case .notDone: 5
        case .declared: nil
        }
    }

    @inlinable
    static func missingReason(code: UInt64) -> MissingReason {
        switch code {
        case 1: .measurementFailed
        case 2: .notApplicable
        case 3: .notAsked
        case 4: .askedButUnknown
        case 5: .notDone
        default: .empty
        }
    }

    /// Text of at most 8 UTF-8 bytes packed into a word (first byte lowest); nil when longer.
    @usableFromInline
    static func packInline(_ text: String) -> UInt64? {
        guard text.utf8.count <= 8 else { return nil }
        var text = text
        return text.withUTF8 { bytes in
            var packed: UInt64 = 0
            for index in 0..<bytes.count { packed |= UInt64(bytes[index]) << UInt64(index << 3) }
            return packed
        }
    }

    @usableFromInline
    static func inlineText(_ packed: UInt64, count: Int) -> String {
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 8) { buffer in
            for index in 0..<count { buffer[index] = UInt8(truncatingIfNeeded: packed >> UInt64(index << 3)) }
            return String(decoding: UnsafeBufferPointer(rebasing: buffer[0..<count]), as: UTF8.self)
        }
    }
}
