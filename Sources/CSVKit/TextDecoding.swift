/// Byte-level helpers for the reader's encoding decisions: a word-at-a-time ASCII scan, a strict
/// UTF-8 sequence check, and Windows-1252 and UTF-16 to UTF-8 transcoding.
enum TextDecoding {
    /// True when no byte is 0x80 or above. Checks 32 bytes per step: most CSV text is ASCII, so
    /// this is the reader's fast path (NUL bytes are found separately, with `memchr`).
    @inline(__always)
    static func isASCII(_ bytes: UnsafePointer<UInt8>, count: Int) -> Bool {
        let highBits: UInt64 = 0x8080_8080_8080_8080
        let raw = UnsafeRawPointer(bytes)
        var index = 0
        while index + 32 <= count {
            let merged = raw.loadUnaligned(fromByteOffset: index, as: UInt64.self)
                | raw.loadUnaligned(fromByteOffset: index + 8, as: UInt64.self)
                | raw.loadUnaligned(fromByteOffset: index + 16, as: UInt64.self)
                | raw.loadUnaligned(fromByteOffset: index + 24, as: UInt64.self)
            if merged & highBits != 0 { return false }
            index += 32
        }
        while index + 8 <= count {
            if raw.loadUnaligned(fromByteOffset: index, as: UInt64.self) & highBits != 0 { return false }
            index += 8
        }
        while index < count {
            if bytes[index] >= 0x80 { return false }
            index += 1
        }
        return true
    }

    /// Index of the first byte that is NUL or not ASCII (0x80 and above), or `count` if none.
    ///
    /// Checks eight bytes at a time.
    @inline(__always)
    static func firstNonPlainByte(_ bytes: UnsafePointer<UInt8>, count: Int) -> Int {
        let highBits: UInt64 = 0x8080_8080_8080_8080
        let lowBits: UInt64 = 0x0101_0101_0101_0101
        let raw = UnsafeRawPointer(bytes)
        var index = 0
        while index + 8 <= count {
            let word = raw.loadUnaligned(fromByteOffset: index, as: UInt64.self)
            // A byte is zero exactly when the classic (word - 0x01..) & ~word test sets its high bit
            // somewhere in the word; a byte at or above 0x80 has its own high bit set.
            if (word | ((word &- lowBits) & ~word)) & highBits != 0 { break }
            index += 8
        }
        while index < count {
            let byte = bytes[index]
            if byte == 0 || byte >= 0x80 { return index }
            index += 1
        }
        return count
    }

    /// Length of the well-formed UTF-8 sequence starting at `bytes[0]` (a byte at or above 0x80),
    /// or 0 when it is not one (stray continuation byte, overlong form, surrogate, beyond U+10FFFF,
    /// or cut short within `available` bytes). Follows the Unicode Standard, table 3-7.
    static func utf8SequenceLength(_ bytes: UnsafePointer<UInt8>, available: Int) -> Int {
        let lead = bytes[0]
        let length: Int
        var secondLow: UInt8 = 0x80
        var secondHigh: UInt8 = 0xBF
        switch lead {
        case 0xC2...0xDF: length = 2
        case 0xE0: length = 3; secondLow = 0xA0
        case 0xE1...0xEC, 0xEE...0xEF: length = 3
        case 0xED: length = 3; secondHigh = 0x9F
        case 0xF0: length = 4; secondLow = 0x90
        case 0xF1...0xF3: length = 4
        case 0xF4: length = 4; secondHigh = 0x8F
        default: return 0
        }
        guard available >= length else { return 0 }
        guard bytes[1] >= secondLow, bytes[1] <= secondHigh else { return 0 }
        for index in 2..<length where bytes[index] < 0x80 || bytes[index] > 0xBF {
            return 0
        }
        return length
    }

    /// Number of bytes at the end of `bytes[0..<count]` that start a UTF-8 sequence the end cuts
    /// short; the reader keeps them back until the next chunk arrives.
    static func incompleteUTF8Tail(_ bytes: UnsafePointer<UInt8>, count: Int) -> Int {
        var back = 1
        while back <= 3, back <= count {
            let byte = bytes[count - back]
            if byte < 0x80 { return 0 }
            if byte >= 0xC0 {
                let needed = byte >= 0xF0 ? 4 : byte >= 0xE0 ? 3 : 2
                return needed > back ? back : 0
            }
            back += 1
        }
        return 0
    }

    /// Unicode scalars of Windows-1252 bytes 0x80...0x9F (0xA0...0xFF equal their code points).
    /// The five bytes the code page leaves undefined (0x81, 0x8D, 0x8F, 0x90, 0x9D) map to the C1
    /// control of the same value, as the WHATWG Encoding Standard does.
    static let windows1252Block80: [UInt32] = [
        0x20AC, 0x0081, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021,
        0x02C6, 0x2030, 0x0160, 0x2039, 0x0152, 0x008D, 0x017D, 0x008F,
        0x0090, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013, 0x2014,
        0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0x009D, 0x017E, 0x0178,
    ]

    /// The Unicode scalar of a Windows-1252 byte.
    @inline(__always)
    static func windows1252Scalar(_ byte: UInt8) -> UInt32 {
        (0x80...0x9F).contains(byte) ? windows1252Block80[Int(byte) - 0x80] : UInt32(byte)
    }

    /// Number of UTF-8 bytes that encode `scalar`.
    @inline(__always)
    static func utf8Count(_ scalar: UInt32) -> Int {
        scalar < 0x80 ? 1 : scalar < 0x800 ? 2 : scalar < 0x1_0000 ? 3 : 4
    }

    /// Appends the UTF-8 encoding of `scalar` (a valid Unicode scalar value).
    @inline(__always)
    static func appendUTF8(_ scalar: UInt32, to output: inout [UInt8]) {
        switch scalar {
        case 0..<0x80:
            output.append(UInt8(scalar))
        case 0x80..<0x800:
            output.append(UInt8(0xC0 | (scalar >> 6)))
            output.append(UInt8(0x80 | (scalar & 0x3F)))
        case 0x800..<0x1_0000:
            output.append(UInt8(0xE0 | (scalar >> 12)))
            output.append(UInt8(0x80 | ((scalar >> 6) & 0x3F)))
            output.append(UInt8(0x80 | (scalar & 0x3F)))
        default:
            output.append(UInt8(0xF0 | (scalar >> 18)))
            output.append(UInt8(0x80 | ((scalar >> 12) & 0x3F)))
            output.append(UInt8(0x80 | ((scalar >> 6) & 0x3F)))
            output.append(UInt8(0x80 | (scalar & 0x3F)))
        }
    }

    /// The UTF-16 code unit at `bytes[0...1]`.
    @inline(__always)
    static func utf16Unit(_ bytes: UnsafePointer<UInt8>, bigEndian: Bool) -> UInt16 {
        bigEndian
            ? UInt16(bytes[0]) << 8 | UInt16(bytes[1])
            : UInt16(bytes[1]) << 8 | UInt16(bytes[0])
    }

    /// A byte view of UTF-16 text for dialect sniffing: ASCII units as themselves, anything else as
    /// 0x80 (sniffing looks only at delimiters, quotes and line ends).
    static func asciiView(ofUTF16 bytes: ArraySlice<UInt8>, bigEndian: Bool) -> [UInt8] {
        var view: [UInt8] = []
        view.reserveCapacity(bytes.count / 2)
        var index = bytes.startIndex
        while index + 1 < bytes.endIndex {
            let unit = bigEndian
                ? UInt16(bytes[index]) << 8 | UInt16(bytes[index + 1])
                : UInt16(bytes[index + 1]) << 8 | UInt16(bytes[index])
            view.append(unit < 0x80 ? UInt8(unit) : 0x80)
            index += 2
        }
        return view
    }
}
