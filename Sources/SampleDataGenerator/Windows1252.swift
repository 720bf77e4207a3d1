/// Windows-1252 (the "ANSI" code page of a Dutch Windows spreadsheet), both ways.
///
/// Bytes 0x00–0x7F and 0xA0–0xFF are the Unicode scalars of the same number; 0x80–0x9F hold the
/// 27 characters below (€, curly quotes, dashes, ...), and 0x81, 0x8D, 0x8F, 0x90 and 0x9D are
/// undefined.
public enum Windows1252 {
    /// Unicode scalar of each byte 0x80...0x9F; nil where the code page leaves the byte undefined.
    static let high: [UInt32?] = [
        0x20AC, nil, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021,
        0x02C6, 0x2030, 0x0160, 0x2039, 0x0152, nil, 0x017D, nil,
        nil, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013, 0x2014,
        0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, nil, 0x017E, 0x0178,
    ]

    /// A character that Windows-1252 cannot hold.
    public struct UnmappableCharacter: Error, Hashable, Sendable, CustomStringConvertible {
        public var scalar: Unicode.Scalar
        public var description: String {
            "the character 'U+\(String(scalar.value, radix: 16, uppercase: true))' has no Windows-1252 byte"
        }
    }

    /// Transcodes UTF-8 bytes (as written by CSVWriter) to Windows-1252.
    public static func encode(utf8 bytes: [UInt8]) throws -> [UInt8] {
        var output: [UInt8] = []
        output.reserveCapacity(bytes.count)
        for scalar in String(decoding: bytes, as: UTF8.self).unicodeScalars {
            output.append(try byte(for: scalar))
        }
        return output
    }

    /// Decodes Windows-1252 bytes to a string; nil when a byte is undefined in the code page.
    public static func decode(_ bytes: [UInt8]) -> String? {
        var scalars = String.UnicodeScalarView()
        for byte in bytes {
            if byte < 0x80 || byte >= 0xA0 {
                scalars.append(Unicode.Scalar(byte))
            } else if let value = high[Int(byte - 0x80)], let scalar = Unicode.Scalar(value) {
                scalars.append(scalar)
            } else {
                return nil
            }
        }
        return String(scalars)
    }

    static func byte(for scalar: Unicode.Scalar) throws -> UInt8 {
        let value = scalar.value
        if value < 0x80 || (0xA0...0xFF).contains(value) { return UInt8(value) }
        if let offset = high.firstIndex(of: value) { return 0x80 + UInt8(offset) }
        throw UnmappableCharacter(scalar: scalar)
    }
}
