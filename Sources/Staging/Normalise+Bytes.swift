import PipelineSpec
import StudyModel

/// The common cases of normalisation, read straight from a cell's bytes without making a string.
///
/// Each function takes the bytes of a cell that is pure ASCII and already trimmed (ASCII text is
/// its own NFC form, and its white space is ASCII white space), and either returns exactly what
/// the string function of ``Normalise`` returns for that text, or nil when the text is not one of
/// the simple forms it knows. Nil never means a problem: the caller then takes the string path,
/// which reports the problem in its own words. So the fast path decides nothing on its own.
extension Normalise {
    /// Whether a byte is ASCII white space as `CharacterSet.whitespacesAndNewlines` has it
    /// (space, TAB, LF, VT, FF, CR).
    @inline(__always)
    static func isASCIISpace(_ byte: UInt8) -> Bool {
        byte == 0x20 || (byte &- 0x09) < 5
    }

    /// ``number(_:decimalMark:)`` for an optional sign, digits and at most one mark that is read as
    /// the decimal mark (`12`, `-3`, `32,6`, `0.5`), when the digits fit in 2^53 and the fraction
    /// in 22 digits. Nil otherwise, and for every text the string function rejects.
    ///
    /// Exact: the digits as an integer below 2^53 and a power of ten up to 10^22 are both exact
    /// doubles, so one division rounds correctly, as parsing the canonical text does.
    static func number(ascii bytes: UnsafeRawBufferPointer, decimalMark: DecimalMark?) -> Double? {
        let count = bytes.count
        var index = 0
        var negative = false
        if count > 0, bytes[0] == 0x2D || bytes[0] == 0x2B {
            negative = bytes[0] == 0x2D
            index = 1
        }
        let bodyStart = index
        var mantissa: UInt64 = 0
        var digits = 0
        var integerDigits = 0
        var fractionDigits = 0
        var mark: UInt8 = 0
        while index < count {
            let byte = bytes[index]
            let digit = byte &- 0x30
            if digit < 10 {
                guard digits < 19 else { return nil }
                mantissa = mantissa &* 10 &+ UInt64(digit)
                digits += 1
                if mark == 0 { integerDigits += 1 } else { fractionDigits += 1 }
            } else if byte == 0x2C || byte == 0x2E, mark == 0 {
                mark = byte
            } else {
                return nil
            }
            index += 1
        }
        guard digits > 0 else { return nil }
        if mark != 0 {
            // `5.` and `5,` have an empty fraction: a problem, left to the string path.
            guard fractionDigits > 0 else { return nil }
            switch decimalMark {
            case .comma:
                guard mark == 0x2C else { return nil }
            case .point:
                guard mark == 0x2E else { return nil }
            case nil:
                // `1,234` and `1.234` could group thousands: ambiguous, left to the string path.
                if fractionDigits == 3, (1...3).contains(integerDigits), bytes[bodyStart] != 0x30 { return nil }
            }
        }
        guard mantissa <= 1 << 53, fractionDigits <= 22 else { return nil }
        let magnitude = fractionDigits == 0 ? Double(mantissa) : Double(mantissa) / Normalise.powersOfTen[fractionDigits]
        return negative ? -magnitude : magnitude
    }

    /// 10^0 ... 10^22, every one an exact double.
    static let powersOfTen: [Double] = (0...22).map { exponent in
        (0..<exponent).reduce(1.0) { power, _ in power * 10 }
    }

    /// ``date(_:format:decimalMark:)`` for a well-formed date of the format (Excel serials through
    /// ``number(ascii:decimalMark:)``), with its year. Nil for anything else, impossible dates
    /// included.
    static func date(ascii bytes: UnsafeRawBufferPointer, format: DateFormat,
                     decimalMark: DecimalMark?) -> (date: CalendarDate, year: Int)? {
        let year: Int
        let month: Int
        let day: Int
        switch format {
        case .dayMonthYearDash, .dayMonthYearSlash:
            let separator: UInt8 = format == .dayMonthYearSlash ? 0x2F : 0x2D
            guard bytes.count == 10, bytes[2] == separator, bytes[5] == separator,
                  let parsedDay = digits(bytes, 0, 2), let parsedMonth = digits(bytes, 3, 2), let parsedYear = digits(bytes, 6, 4)
            else { return nil }
            (year, month, day) = (parsedYear, parsedMonth, parsedDay)
        case .iso:
            guard bytes.count == 10, bytes[4] == 0x2D, bytes[7] == 0x2D,
                  let parsedYear = digits(bytes, 0, 4), let parsedMonth = digits(bytes, 5, 2), let parsedDay = digits(bytes, 8, 2)
            else { return nil }
            (year, month, day) = (parsedYear, parsedMonth, parsedDay)
        case .dayMonthYearShort:
            guard let first = firstIndex(of: 0x2D, in: bytes, from: 0),
                  let second = firstIndex(of: 0x2D, in: bytes, from: first + 1),
                  (1...2).contains(first), (1...2).contains(second - first - 1), bytes.count - second - 1 == 4,
                  let parsedDay = digits(bytes, 0, first), let parsedMonth = digits(bytes, first + 1, second - first - 1),
                  let parsedYear = digits(bytes, second + 1, 4)
            else { return nil }
            (year, month, day) = (parsedYear, parsedMonth, parsedDay)
        case .excelSerial:
            guard let serial = number(ascii: bytes, decimalMark: decimalMark),
                  case .success(let date) = excelSerial(serial) else { return nil }
            return (date, date.year)
        }
        guard let date = CalendarDate(year: year, month: month, day: day) else { return nil }
        return (date, year)
    }

    /// ``castorMissingDate(_:)`` from the date's year.
    @inline(__always)
    static func castorMissingDate(year: Int) -> MissingReason? {
        (2995...2999).contains(year) ? MissingReason(castorCode: year - 2900) : nil
    }

    /// The number written by `count` ASCII digits at `start`; nil when one is not a digit.
    @inline(__always)
    private static func digits(_ bytes: UnsafeRawBufferPointer, _ start: Int, _ count: Int) -> Int? {
        var value = 0
        for index in start..<(start + count) {
            let digit = bytes[index] &- 0x30
            guard digit < 10 else { return nil }
            value = value * 10 + Int(digit)
        }
        return value
    }

    private static func firstIndex(of byte: UInt8, in bytes: UnsafeRawBufferPointer, from start: Int) -> Int? {
        var index = start
        while index < bytes.count {
            if bytes[index] == byte { return index }
            index += 1
        }
        return nil
    }

    /// Castor's user-missing codes of ``missingReason(_:codes:)`` (`-95`...`-99`,
    /// `##USER_MISSING_95##`...`##USER_MISSING_99##`); nil for any other text.
    @inline(__always)
    static func castorMissingReason(ascii bytes: UnsafeRawBufferPointer) -> MissingReason? {
        let count = bytes.count
        if count == 3, bytes[0] == 0x2D, bytes[1] == 0x39 {
            return MissingReason(castorCode: 90 + Int(bytes[2] &- 0x30))
        }
        guard count == 19, bytes[15] == 0x39, bytes[17] == 0x23, bytes[18] == 0x23 else { return nil }
        for (index, byte) in "##USER_MISSING_".utf8.enumerated() where bytes[index] != byte { return nil }
        return MissingReason(castorCode: 90 + Int(bytes[16] &- 0x30))
    }
}

/// The keys of a vocabulary (matching key → canonical value), looked up by a cell's bytes.
///
/// For trimmed ASCII text, ``PipelineSpec/Vocabularies/key(_:)`` is the text with its letters
/// lower-cased, so a cell matches an ASCII key exactly when its lower-cased bytes equal the key's
/// (`foldsCase`; declared missing codes match exactly, without it). A hit is the key the
/// dictionary finds for the text (two ASCII strings are equal only byte for byte, and a dictionary
/// holds no two equal keys). A miss says only that no ASCII key matches: the caller then looks the
/// text up by string, which also finds a non-ASCII key equal to it and reports the problem when
/// nothing matches.
///
/// Keys of at most 8 bytes are packed into one word each and found through a small open-addressed
/// table (one multiplication and, as a rule, one comparison); longer keys are compared byte by
/// byte. A class, so that a lookup uses the tables in place; it holds keys only (their values
/// stay with the caller, by key index: ``ByteLookup``), so that nothing generic stands in the way.
final class ByteVocabulary {
    let foldsCase: Bool
    /// Whether some key has a byte above 0x7F (then a miss is not conclusive).
    let hasNonASCIIKeys: Bool
    let isEmpty: Bool
    /// Slot → index of a short key in `shortKeys` plus one; 0 for an empty slot. Its size is a
    /// power of two at least twice the number of short keys.
    private let table: [Int]
    private let shortKeys: [UInt64]
    private let shortLengths: [Int]
    /// The index in the caller's key list of each short key, and of each long key.
    private let shortIndexes: [Int]
    private let longKeys: [[UInt8]]
    private let longIndexes: [Int]

    /// A vocabulary's entries in byte order of their keys, as the caller keeps them.
    static func entries<Element>(_ vocabulary: [String: Element]) -> (keys: [String], values: [Element]) {
        let sorted = vocabulary.sorted { $0.key.utf8.lexicographicallyPrecedes($1.key.utf8) }
        return (sorted.map(\.key), sorted.map(\.value))
    }

    init(keys: [String], foldsCase: Bool = true) {
        self.foldsCase = foldsCase
        var nonASCII = false
        var shortKeys: [UInt64] = []
        var shortLengths: [Int] = []
        var shortIndexes: [Int] = []
        var longKeys: [[UInt8]] = []
        var longIndexes: [Int] = []
        for (index, key) in keys.enumerated() {
            guard key.utf8.allSatisfy({ $0 < 0x80 }) else {
                nonASCII = true
                continue
            }
            let bytes = Array(key.utf8)
            if bytes.count <= 8 {
                shortKeys.append(bytes.enumerated().reduce(0) { $0 | UInt64($1.element) << UInt64($1.offset << 3) })
                shortLengths.append(bytes.count)
                shortIndexes.append(index)
            } else {
                longKeys.append(bytes)
                longIndexes.append(index)
            }
        }
        var size = 8
        while size < 2 * shortKeys.count { size *= 2 }
        var table = Array(repeating: 0, count: size)
        for index in shortKeys.indices {
            var slot = ByteVocabulary.hash(shortKeys[index], shortLengths[index]) & (size - 1)
            while table[slot] != 0 { slot = (slot + 1) & (size - 1) }
            table[slot] = index + 1
        }
        hasNonASCIIKeys = nonASCII
        isEmpty = shortKeys.isEmpty && longKeys.isEmpty
        self.table = table
        self.shortKeys = shortKeys
        self.shortLengths = shortLengths
        self.shortIndexes = shortIndexes
        self.longKeys = longKeys
        self.longIndexes = longIndexes
    }

    /// The index (in the caller's key list) of the ASCII key equal to the cell's (lower-cased)
    /// bytes; nil when none is.
    func index(of bytes: UnsafeRawBufferPointer) -> Int? {
        let count = bytes.count
        if count <= 8 {
            var packed: UInt64 = 0
            for index in 0..<count {
                packed |= UInt64(fold(bytes[index])) << UInt64(index << 3)
            }
            let mask = table.count - 1
            var slot = ByteVocabulary.hash(packed, count) & mask
            while true {
                let entry = table[slot]
                if entry == 0 { return nil }
                if shortKeys[entry - 1] == packed, shortLengths[entry - 1] == count { return shortIndexes[entry - 1] }
                slot = (slot + 1) & mask
            }
        }
        candidates: for index in longKeys.indices where longKeys[index].count == count {
            for position in 0..<count where fold(bytes[position]) != longKeys[index][position] {
                continue candidates
            }
            return longIndexes[index]
        }
        return nil
    }

    @inline(__always)
    private static func hash(_ packed: UInt64, _ length: Int) -> Int {
        Int(truncatingIfNeeded: ((packed &+ UInt64(length)) &* 0x9E37_79B9_7F4A_7C15) >> 40)
    }

    @inline(__always)
    private func fold(_ byte: UInt8) -> UInt8 {
        foldsCase && (byte &- 0x41) < 26 ? byte | 0x20 : byte
    }
}

/// A vocabulary read from bytes: its keys in a ``ByteVocabulary`` and their values beside them,
/// by key index.
struct ByteLookup<Value> {
    let keys: ByteVocabulary
    private let values: [Value]

    init(_ vocabulary: [String: Value], foldsCase: Bool = true) {
        let entries = ByteVocabulary.entries(vocabulary)
        keys = ByteVocabulary(keys: entries.keys, foldsCase: foldsCase)
        values = entries.values
    }

    /// The value of the key equal to the cell's bytes, as ``ByteVocabulary/index(of:)`` finds it.
    @inline(__always)
    subscript(bytes: UnsafeRawBufferPointer) -> Value? {
        keys.index(of: bytes).map { values[$0] }
    }
}
