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
public struct FieldValues: Hashable, Sendable, FieldStorage {
    public let level: FieldLevel
    /// ``FieldStorage``'s layout: tag words, then one payload word per field of the level.
    @usableFromInline var words: [UInt64]
    @usableFromInline var objects: [Value]

    @inlinable
    public init(level: FieldLevel) {
        self.level = level
        words = Array(repeating: 0, count: FieldValues.wordCount(level))
        objects = []
    }

    @inlinable
    init(level: FieldLevel, words: [UInt64], objects: [Value]) {
        self.level = level
        self.words = words
        self.objects = objects
    }

    @inlinable
    func word(_ index: Int) -> UInt64 { words[index] }

    @inlinable
    mutating func setWord(_ index: Int, _ word: UInt64) { words[index] = word }

    /// nil when the field was not collected at all (no column mapped); `.missing` when a column
    /// was there but held no usable value.
    @inlinable
    public subscript(field: Field) -> Value? {
        get { storedValue(field) }
        set { storeValue(newValue, field) }
    }

    /// Forgets every value (as a new `FieldValues(level:)` would), reusing the storage when no
    /// copy shares it.
    @inlinable
    public mutating func removeAll() {
        for index in 0..<FieldValues.tagWordCount(level) { words[index] = 0 }
        if !objects.isEmpty { objects.removeAll(keepingCapacity: true) }
    }

    /// The fields that hold something (a value or a missing reason), in declaration order.
    public var presentFields: [Field] {
        var fields: [Field] = []
        var next = presentField(after: nil)
        while let field = next {
            fields.append(field)
            next = presentField(after: field)
        }
        return fields
    }

    /// The first field after `field` (from the first field of the level when nil), in declaration
    /// order, that holds something; nil when there is none. Walks the present fields without
    /// allocating, and stays valid when fields are changed between calls.
    @inlinable
    public func presentField(after field: Field?) -> Field? { storedField(after: field) }

    /// `self[field]?.number`, without making a `Value`.
    @inlinable
    public func number(_ field: Field) -> Double? {
        guard field.level == level else { return nil }
        let slot = field.indexInLevel
        guard UInt8(truncatingIfNeeded: words[slot >> 3] >> UInt64((slot & 7) << 3)) == FieldTag.number else { return nil }
        return Double(bitPattern: words[FieldValues.tagWordCount(level) + slot])
    }

    /// `self[field]?.date`, without making a `Value`.
    @inlinable
    public func date(_ field: Field) -> CalendarDate? {
        guard field.level == level else { return nil }
        let slot = field.indexInLevel
        guard UInt8(truncatingIfNeeded: words[slot >> 3] >> UInt64((slot & 7) << 3)) == FieldTag.date else { return nil }
        return CalendarDate(daysSinceEpoch: Int(Int64(bitPattern: words[FieldValues.tagWordCount(level) + slot])))
    }

    /// `self[field]?.boolean`, without making a `Value`.
    @inlinable
    public func boolean(_ field: Field) -> Bool? {
        guard field.level == level else { return nil }
        let slot = field.indexInLevel
        guard UInt8(truncatingIfNeeded: words[slot >> 3] >> UInt64((slot & 7) << 3)) == FieldTag.boolean else { return nil }
        return words[FieldValues.tagWordCount(level) + slot] != 0
    }

    /// `self[field] != nil`: the field holds a value or a missing reason.
    @inlinable
    public func contains(_ field: Field) -> Bool {
        guard field.level == level else { return false }
        let slot = field.indexInLevel
        return UInt8(truncatingIfNeeded: words[slot >> 3] >> UInt64((slot & 7) << 3)) != FieldTag.absent
    }

    /// `self[field]?.isMissing == true`: the field holds a missing reason.
    @inlinable
    public func isMissing(_ field: Field) -> Bool { storedIsMissing(field) }

    public static func == (lhs: FieldValues, rhs: FieldValues) -> Bool {
        guard lhs.level == rhs.level else { return false }
        for field in Field.fields(at: lhs.level) where lhs[field] != rhs[field] {
            return false
        }
        return true
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(level == .participant ? 0 : 1)
        for field in Field.fields(at: level) {
            hasher.combine(self[field])
        }
    }
}

/// One record's values being filled in place, field by field, for a reader that fills one record
/// per row: the storage is allocated once and reused for every row, and no write checks whether
/// a copy shares it (there is none: ``values`` copies them out). Same reading and writing API as
/// ``FieldValues``; not for sharing between threads.
public final class FieldValuesBuilder: FieldStorage {
    public let level: FieldLevel
    @usableFromInline let words: UnsafeMutablePointer<UInt64>
    /// Unchecked: a builder belongs to one reader, which never reaches its objects twice at once.
    @exclusivity(unchecked) @usableFromInline var objects: [Value] = []

    public init(level: FieldLevel) {
        self.level = level
        let count = FieldValues.wordCount(level)
        words = UnsafeMutablePointer<UInt64>.allocate(capacity: count)
        words.initialize(repeating: 0, count: count)
    }

    deinit {
        words.deallocate()
    }

    @inlinable
    func word(_ index: Int) -> UInt64 { words[index] }

    @inlinable
    func setWord(_ index: Int, _ word: UInt64) { words[index] = word }

    /// The values as a record of their own.
    public var values: FieldValues {
        FieldValues(level: level, words: Array(UnsafeBufferPointer(start: words, count: FieldValues.wordCount(level))),
                    objects: objects)
    }

    /// Forgets every value.
    @inlinable
    public func removeAll() {
        words.update(repeating: 0, count: FieldValues.tagWordCount(level))
        if !objects.isEmpty { objects.removeAll(keepingCapacity: true) }
    }

    /// As ``FieldValues/subscript(_:)``.
    @inlinable
    public subscript(field: Field) -> Value? {
        get { storedValue(field) }
        set {
            var storage = self
            storage.storeValue(newValue, field)
        }
    }

    /// As ``FieldValues/presentField(after:)``.
    @inlinable
    public func presentField(after field: Field?) -> Field? { storedField(after: field) }

    @inlinable
    public func number(_ field: Field) -> Double? { storedNumber(field) }

    @inlinable
    public func date(_ field: Field) -> CalendarDate? { storedDate(field) }

    @inlinable
    public func boolean(_ field: Field) -> Bool? { storedBoolean(field) }

    @inlinable
    public func contains(_ field: Field) -> Bool { storedTag(field) != FieldTag.absent }

    @inlinable
    public func isMissing(_ field: Field) -> Bool { storedIsMissing(field) }

    /// True when `field` holds the same stored value here and in `other` (equal numbers, or equal
    /// bits otherwise), which makes `self[field] == other[field]`; false says nothing (text kept
    /// out of line, for one, is not compared). A quick test before comparing values.
    @inlinable
    public func storesSameValue(_ field: Field, as other: FieldValues) -> Bool {
        guard let slot = slot(of: field), other.level == level else { return false }
        let tag = tag(atSlot: slot)
        let otherTag = UInt8(truncatingIfNeeded: other.words[slot >> 3] >> UInt64((slot & 7) << 3))
        guard tag != FieldTag.object, tag == otherTag else { return false }
        let otherPayload = other.words[FieldValues.tagWordCount(level) + slot]
        if tag == FieldTag.number {
            return Double(bitPattern: payload(atSlot: slot)) == Double(bitPattern: otherPayload)
        }
        return payload(atSlot: slot) == otherPayload
    }

    /// A field's value as stored, when it is kept in the field's own payload (every value but
    /// longer text and declared missing reasons); nil otherwise or when absent. With
    /// ``setStored(_:for:)``, lets a reader that meets the same cell again set the same value
    /// without working it out again.
    @inlinable
    public func stored(_ field: Field) -> StoredValue? {
        guard let slot = slot(of: field) else { return nil }
        let tag = tag(atSlot: slot)
        guard tag != FieldTag.absent, tag != FieldTag.object else { return nil }
        return StoredValue(tag: tag, payload: payload(atSlot: slot))
    }

    /// Sets a value taken with ``stored(_:)`` (from a builder of the same level).
    @inlinable
    public func setStored(_ value: StoredValue, for field: Field) {
        var storage = self
        storage.store(value.tag, value.payload, field)
    }

    /// `self[field] = .number(number)`.
    @inlinable
    public func setNumber(_ number: Double, for field: Field) {
        var storage = self
        storage.store(FieldTag.number, number.bitPattern, field)
    }

    /// `self[field] = .boolean(flag)`.
    @inlinable
    public func setBoolean(_ flag: Bool, for field: Field) {
        var storage = self
        storage.store(FieldTag.boolean, flag ? 1 : 0, field)
    }

    /// `self[field] = .date(date)`.
    @inlinable
    public func setDate(_ date: CalendarDate, for field: Field) {
        var storage = self
        storage.store(FieldTag.date, UInt64(bitPattern: Int64(date.daysSinceEpoch)), field)
    }

    /// `self[field] = .missing(.empty)`.
    @inlinable
    public func setEmpty(_ field: Field) {
        var storage = self
        storage.store(FieldTag.missing, 0, field)
    }

    /// `self[field] = .text(text)`, without making a `Value` when the text fits inline.
    @inlinable
    public func setText(_ text: String, for field: Field) {
        var storage = self
        storage.storeText(text, field)
    }

    /// `self[field] = .text(String(decoding: utf8, as: UTF8.self))`, without making a string when
    /// the text fits inline (at most 8 bytes).
    @inlinable
    public func setText(utf8: UnsafeRawBufferPointer, for field: Field) {
        var storage = self
        storage.storeText(utf8: utf8, field)
    }
}

/// A value as a ``FieldValuesBuilder`` stores it in a field's payload; see
/// ``FieldValuesBuilder/stored(_:)``. Opaque: only a builder makes or reads one.
public struct StoredValue: Hashable, Sendable {
    @usableFromInline let tag: UInt8
    @usableFromInline let payload: UInt64

    @inlinable
    init(tag: UInt8, payload: UInt64) {
        self.tag = tag
        self.payload = payload
    }
}

/// Tag kinds of ``FieldStorage`` (low four bits of a tag byte; an inline text keeps its byte count
/// in the high four).
@usableFromInline
enum FieldTag {
    @inlinable static var absent: UInt8 { 0 }
    @inlinable static var number: UInt8 { 1 }
    @inlinable static var boolean: UInt8 { 2 }
    @inlinable static var date: UInt8 { 3 }
    @inlinable static var object: UInt8 { 4 }
    @inlinable static var missing: UInt8 { 5 }
    @inlinable static var inlineText: UInt8 { 6 }
}

/// The layout both ``FieldValues`` and ``FieldValuesBuilder`` keep: for the N fields of a level,
/// ⌈N / 8⌉ words of tag bytes (eight per word, low byte first), then one payload word per field.
/// A payload is a number's bits, a boolean (0 or 1), days since 1970-01-01 as a signed integer,
/// a standard missing reason's code, up to 8 bytes of UTF-8 text (first byte lowest), or the index
/// of a value kept in `objects` (longer text, declared missing reasons). An `objects` entry whose
/// field was later set to something else stays unused until the record is emptied.
@usableFromInline
protocol FieldStorage {
    var level: FieldLevel { get }
    var objects: [Value] { get set }
    func word(_ index: Int) -> UInt64
    mutating func setWord(_ index: Int, _ word: UInt64)
}

extension FieldValues {
    @inlinable
    static func tagWordCount(_ level: FieldLevel) -> Int { (Field.count(at: level) + 7) >> 3 }

    @inlinable
    static func wordCount(_ level: FieldLevel) -> Int { tagWordCount(level) + Field.count(at: level) }
}

extension FieldStorage {
    /// The field's slot in this level, nil for a field of the other level.
    @inlinable
    func slot(of field: Field) -> Int? {
        field.level == level ? field.indexInLevel : nil
    }

    @inlinable
    func tag(atSlot slot: Int) -> UInt8 {
        UInt8(truncatingIfNeeded: word(slot >> 3) >> UInt64((slot & 7) << 3))
    }

    @inlinable
    func payload(atSlot slot: Int) -> UInt64 {
        word(FieldValues.tagWordCount(level) + slot)
    }

    @inlinable
    func storedTag(_ field: Field) -> UInt8 {
        guard let slot = slot(of: field) else { return FieldTag.absent }
        return tag(atSlot: slot)
    }

    @inlinable
    func storedValue(_ field: Field) -> Value? {
        guard let slot = slot(of: field) else { return nil }
        let tag = tag(atSlot: slot)
        if tag == FieldTag.absent { return nil }
        let payload = payload(atSlot: slot)
        switch tag & 0x0F {
        case FieldTag.number: return .number(Double(bitPattern: payload))
        case FieldTag.boolean: return .boolean(payload != 0)
        case FieldTag.date: return .date(CalendarDate(daysSinceEpoch: Int(Int64(bitPattern: payload))))
        case FieldTag.object: return objects[Int(payload)]
        case FieldTag.missing: return .missing(FieldStorageCoding.missingReason(code: payload))
        default: return .text(FieldStorageCoding.inlineText(payload, count: Int(tag >> 4)))
        }
    }

    @inlinable
    func storedNumber(_ field: Field) -> Double? {
        guard let slot = slot(of: field), tag(atSlot: slot) == FieldTag.number else { return nil }
        return Double(bitPattern: payload(atSlot: slot))
    }

    @inlinable
    func storedDate(_ field: Field) -> CalendarDate? {
        guard let slot = slot(of: field), tag(atSlot: slot) == FieldTag.date else { return nil }
        return CalendarDate(daysSinceEpoch: Int(Int64(bitPattern: payload(atSlot: slot))))
    }

    @inlinable
    func storedBoolean(_ field: Field) -> Bool? {
        guard let slot = slot(of: field), tag(atSlot: slot) == FieldTag.boolean else { return nil }
        return payload(atSlot: slot) != 0
    }

    @inlinable
    func storedIsMissing(_ field: Field) -> Bool {
        guard let slot = slot(of: field) else { return false }
        let tag = tag(atSlot: slot)
        return tag == FieldTag.missing || (tag == FieldTag.object && objects[Int(payload(atSlot: slot))].isMissing)
    }

    @inlinable
    func storedField(after field: Field?) -> Field? {
        let count = Field.count(at: level)
        var slot = field.map { $0.level == level ? $0.indexInLevel + 1 : count } ?? 0
        while slot < count {
            // Skip whole words of absent tags.
            let tags = word(slot >> 3) >> UInt64((slot & 7) << 3)
            if tags == 0 {
                slot = (slot | 7) + 1
                continue
            }
            slot += tags.trailingZeroBitCount >> 3
            return slot < count ? Field.field(at: slot, in: level) : nil
        }
        return nil
    }

    /// Sets a field's tag and payload; a field of the other level is ignored.
    @inlinable
    mutating func store(_ tag: UInt8, _ payload: UInt64, _ field: Field) {
        guard let slot = slot(of: field) else { return }
        store(tag, payload, atSlot: slot)
    }

    @inlinable
    mutating func store(_ tag: UInt8, _ payload: UInt64, atSlot slot: Int) {
        let shift = UInt64((slot & 7) << 3)
        setWord(slot >> 3, (word(slot >> 3) & ~(0xFF << shift)) | (UInt64(tag) << shift))
        setWord(FieldValues.tagWordCount(level) + slot, payload)
    }

    @inlinable
    mutating func storeValue(_ value: Value?, _ field: Field) {
        guard let slot = slot(of: field) else { return }
        guard let value else { return store(FieldTag.absent, 0, atSlot: slot) }
        switch value {
        case .number(let number): store(FieldTag.number, number.bitPattern, atSlot: slot)
        case .boolean(let flag): store(FieldTag.boolean, flag ? 1 : 0, atSlot: slot)
        case .date(let date): store(FieldTag.date, UInt64(bitPattern: Int64(date.daysSinceEpoch)), atSlot: slot)
        case .missing(let reason):
            if let code = FieldStorageCoding.code(of: reason) {
                store(FieldTag.missing, code, atSlot: slot)
            } else {
                storeObject(value, atSlot: slot)
            }
        case .text(let text): storeText(text, field)
        }
    }

    @inlinable
    mutating func storeText(_ text: String, _ field: Field) {
        guard let slot = slot(of: field) else { return }
        if let packed = FieldStorageCoding.packInline(text) {
            store(FieldTag.inlineText | UInt8(text.utf8.count << 4), packed, atSlot: slot)
        } else {
            storeObject(.text(text), atSlot: slot)
        }
    }

    @inlinable
    mutating func storeText(utf8: UnsafeRawBufferPointer, _ field: Field) {
        guard let slot = slot(of: field) else { return }
        // Inline bytes read back through the same decoding, so they give the same string.
        guard utf8.count <= 8 else { return storeObject(.text(String(decoding: utf8, as: UTF8.self)), atSlot: slot) }
        var packed: UInt64 = 0
        for index in 0..<utf8.count { packed |= UInt64(utf8[index]) << UInt64(index << 3) }
        store(FieldTag.inlineText | UInt8(utf8.count << 4), packed, atSlot: slot)
    }

    /// Keeps a value in `objects`, reusing the entry of the field's previous object.
    @usableFromInline
    mutating func storeObject(_ value: Value, atSlot slot: Int) {
        if tag(atSlot: slot) == FieldTag.object {
            objects[Int(payload(atSlot: slot))] = value
        } else {
            let index = objects.count
            objects.append(value)
            store(FieldTag.object, UInt64(index), atSlot: slot)
        }
    }
}

/// Encodings shared by ``FieldStorage`` types.
@usableFromInline
enum FieldStorageCoding {
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
