import Foundation
import Testing
@testable import CSVKit

/// UTF-8 (with or without a byte-order mark), UTF-16 with a byte-order mark, Windows-1252 decided
/// from the bytes, mixed files and NUL bytes. Byte offsets count raw bytes, before transcoding.
@Suite struct CSVReaderEncodingTests {
    @Test func utf8ByteOrderMarkIsRemoved() {
        // The mark is bytes 0-2, "a;b\n" 3-6, so the record starts at 7.
        let outcome = readAll([0xEF, 0xBB, 0xBF] + Array("a;b\n1;é\n".utf8))
        #expect(outcome.header == ["a", "b"])
        #expect(outcome.records == [row(["1", "é"], line: 2, record: 1, offset: 7)])
        #expect(outcome.encoding == .utf8)
    }

    @Test(arguments: [false, true])
    func utf16WithByteOrderMarkIsTranscoded(bigEndian: Bool) {
        // Mark 2 bytes; "a;b\r\n" 5 units = 10 bytes; "1;€ü\r\n" 6 units = 12 bytes; the emoji is a
        // surrogate pair.
        let outcome = readAll(utf16("a;b\r\n1;€ü\r\n2;😀\r\n", bigEndian: bigEndian))
        #expect(outcome.error == nil)
        #expect(outcome.encoding == (bigEndian ? .utf16BigEndian : .utf16LittleEndian))
        #expect(outcome.header == ["a", "b"])
        #expect(outcome.records == [
            row(["1", "€ü"], line: 2, record: 1, offset: 12),
            row(["2", "😀"], line: 3, record: 2, offset: 24),
        ])
    }

    @Test func utf16WithoutByteOrderMarkWhenDeclared() {
        let outcome = readAll(utf16("a;b\n1;ë\n", bigEndian: false, byteOrderMark: false), encoding: .utf16LittleEndian)
        #expect(outcome.records == [row(["1", "ë"], line: 2, record: 1, offset: 8)])
    }

    @Test func utf16UnpairedSurrogateIsALocatedError() {
        // "a;b\n" is 8 bytes after the 2-byte mark; "1;" 4 more, so the lone surrogate is at 14.
        let bytes = utf16("a;b\n1;", bigEndian: false) + [0x00, 0xD8, 0x41, 0x00, 0x0A, 0x00]
        let outcome = readAll(bytes)
        #expect(outcome.error?.code == "csv.invalid-utf16")
        #expect(outcome.error?.position == at(line: 2, record: 1, offset: 14, column: 2))
    }

    @Test func utf16CutInTheMiddleOfACharacterIsAnError() {
        let outcome = readAll(utf16("a;b\n1;2", bigEndian: true) + [0x00])
        #expect(outcome.error?.code == "csv.invalid-utf16")
        #expect(outcome.records.isEmpty)
    }

    @Test func windows1252IsDetectedAndNotedOnceWithTheFirstLine() {
        // Line 2 starts at 4 ("a;b\n"); its first byte 0x80 is the euro sign in Windows-1252 (in
        // ISO-8859-1 it would be a C1 control). Line 3 has another non-UTF-8 byte: no second note.
        let bytes = Array("a;b\n".utf8) + [0x80, 0x3B, 0x45, 0xE9, 0x0A] + [0x31, 0x3B, 0xEB, 0x0A]
        let outcome = readAll(bytes)
        #expect(outcome.error == nil)
        #expect(outcome.encoding == .windows1252)
        #expect(outcome.records == [
            row(["€", "Eé"], line: 2, record: 1, offset: 4),
            row(["1", "ë"], line: 3, record: 2, offset: 9),
        ])
        #expect(outcome.diagnostics.count == 1)
        #expect(outcome.diagnostics.first?.code == "csv.windows-1252")
        #expect(outcome.diagnostics.first?.severity == .note)
        #expect(outcome.diagnostics.first?.position == at(line: 2, record: 1, offset: 4, column: 1))
    }

    /// A UTF-8 byte-order mark wins over a declared Windows-1252 (a glob of site files may mix
    /// encodings), with a warning; UTF-8 text without a mark is read as declared, warned once.
    @Test func aDeclaredWindows1252MeetsUTF8() {
        let text = Array("id;naam\nP1;Zoë\nP2;café\n".utf8)
        let marked = readAll([0xEF, 0xBB, 0xBF] + text, encoding: .windows1252)
        #expect(marked.error == nil)
        #expect(marked.encoding == .utf8)
        #expect(marked.header == ["id", "naam"])
        #expect(marked.rows == [["P1", "Zoë"], ["P2", "café"]])
        #expect(marked.diagnostics.map(\.code) == ["csv.encoding-overridden"])
        #expect(marked.diagnostics.first?.severity == .warning)

        let unmarked = readAll(text, encoding: .windows1252)
        #expect(unmarked.error == nil)
        #expect(unmarked.rows == [["P1", "ZoÃ«"], ["P2", "cafÃ©"]])
        #expect(unmarked.diagnostics.map(\.code) == ["csv.utf8-in-windows-1252"])
        #expect(unmarked.diagnostics.first?.severity == .warning)
        #expect(unmarked.diagnostics.first?.position.line == 2)

        // A UTF-16 mark wins too; a byte not UTF-8 after a UTF-8 mark is the mark's word broken.
        let wide = readAll(utf16("id;naam\nP1;Zoë\n", bigEndian: false), encoding: .windows1252)
        #expect(wide.error == nil)
        #expect(wide.rows == [["P1", "Zoë"]])
        #expect(wide.diagnostics.map(\.message) == [
            "the file starts with a UTF-16 byte-order mark, so it is read as UTF-16, not as the Windows-1252 declared for it",
        ])
        let broken = readAll([0xEF, 0xBB, 0xBF] + Array("id;naam\nP1;Zo".utf8) + [0xEB, 0x0A], encoding: .windows1252)
        #expect(broken.error?.code == "csv.invalid-utf8")
        #expect(broken.error?.message.hasSuffix("is not valid UTF-8, which the file's byte-order mark says it is") == true)

        // Windows-1252 text as declared: nothing to say.
        let plain = readAll(Array("id;naam\nP1;Zo".utf8) + [0xEB, 0x0A], encoding: .windows1252)
        #expect(plain.rows == [["P1", "Zoë"]])
        #expect(plain.diagnostics.isEmpty)
    }

    @Test func windows1252TableMatchesFoundation() throws {
        // One field holding every byte from 0x80 to 0xFF. Foundation's converter is the
        // reference; the five bytes Windows-1252 leaves undefined (Foundation refuses them) map to
        // the C1 control of the same value, as the WHATWG Encoding Standard does.
        let high = (0x80...0xFF).map(UInt8.init)
        let outcome = readAll(Array("x\n".utf8) + high + [0x0A], dialect: CSVDialect(delimiter: comma))
        let decoded = try #require(outcome.rows.first?.first)
        let scalars = Array(decoded.unicodeScalars)
        try #require(scalars.count == high.count)
        let undefined: Set<UInt8> = [0x81, 0x8D, 0x8F, 0x90, 0x9D]
        for (byte, scalar) in zip(high, scalars) {
            if undefined.contains(byte) {
                #expect(scalar.value == UInt32(byte))
            } else {
                let reference = try #require(String(bytes: [byte], encoding: .windowsCP1252))
                #expect(String(scalar) == reference, "byte 0x\(String(byte, radix: 16))")
            }
        }
    }

    @Test func utf8ThenInvalidByteIsAMixedFileNamingTheLine() {
        // Line 2 "x;é\n" is UTF-8 (bytes 4-8); line 3 starts at 9 with 0x80, which is not.
        let outcome = readAll(Array("a;b\nx;é\n".utf8) + [0x80, 0x3B, 0x31, 0x0A])
        #expect(outcome.records == [row(["x", "é"], line: 2, record: 1, offset: 4)])
        #expect(outcome.error?.code == "csv.mixed-encoding")
        #expect(outcome.error?.position == at(line: 3, record: 2, offset: 9, column: 1))
    }

    @Test func invalidByteThenUTF8IsAMixedFileNamingTheLine() {
        // Line 2 "1;\u{E9}\n" in Windows-1252 (bytes 4-7); line 3 "x;é" has UTF-8 "é" at 10.
        let outcome = readAll(Array("a;b\n1;".utf8) + [0xE9, 0x0A] + Array("x;é\n".utf8))
        #expect(outcome.records == [row(["1", "é"], line: 2, record: 1, offset: 4)])
        #expect(outcome.error?.code == "csv.mixed-encoding")
        #expect(outcome.error?.position == at(line: 3, record: 2, offset: 10, column: 2))
        #expect(outcome.error?.message.contains("line 2") == true)
    }

    /// Both encodings on one line, in either order: the line is said to have both.
    @Test func bothEncodingsOnOneLineAreSaidToBeThat() {
        for line in [Array("x;é;".utf8) + [0xE9], [0xE9, 0x3B] + Array("é".utf8)] {
            let outcome = readAll(Array("a;b;c\n".utf8) + line + [0x0A])
            #expect(outcome.error?.code == "csv.mixed-encoding")
            #expect(outcome.error?.message.hasPrefix("line 2 has both UTF-8 text and bytes that are not UTF-8: ") == true,
                    "\(outcome.error?.message ?? "")")
        }
    }

    @Test func declaredUTF8RejectsInvalidBytes() {
        let outcome = readAll(Array("a;b\n1;".utf8) + [0xE9, 0x0A], encoding: .utf8)
        #expect(outcome.error?.code == "csv.invalid-utf8")
        #expect(outcome.error?.position == at(line: 2, record: 1, offset: 6, column: 2))
    }

    @Test func byteOrderMarkMakesInvalidBytesAnError() {
        let outcome = readAll([0xEF, 0xBB, 0xBF] + Array("a;b\n1;".utf8) + [0xE9, 0x0A])
        #expect(outcome.error?.code == "csv.invalid-utf8")
    }

    @Test func declaredWindows1252ReadsUTF8BytesAsWindows1252() {
        let outcome = readAll(Array("a;b\n1;é\n".utf8), encoding: .windows1252)
        #expect(outcome.error == nil)
        #expect(outcome.rows == [["1", "Ã©"]])
        #expect(outcome.diagnostics.map(\.code) == ["csv.utf8-in-windows-1252"])
    }

    @Test func asciiFileIsUTF8() {
        let outcome = readAll("a;b\n1;2\n")
        #expect(outcome.encoding == .utf8)
    }

    @Test func nulByteIsALocatedError() {
        // "a;b\n" 0-3, "1;2\n" 4-7, then "3;x" with NUL at 11 in field 2.
        let outcome = readAll(Array("a;b\n1;2\n3;x".utf8) + [0x00] + Array("y\n".utf8))
        #expect(outcome.records == [row(["1", "2"], line: 2, record: 1, offset: 4)])
        #expect(outcome.error?.code == "csv.nul-byte")
        #expect(outcome.error?.position == at(line: 3, record: 2, offset: 11, column: 2))
    }

    @Test func utf16WithoutByteOrderMarkHitsANulWithAHint() {
        let outcome = readAll(utf16("a;b\n", bigEndian: false, byteOrderMark: false))
        #expect(outcome.error?.code == "csv.nul-byte")
        #expect(outcome.error?.position == at(line: 1, record: 0, offset: 1, column: 1))
        #expect(outcome.error?.message.contains("UTF-16") == true)
    }

    @Test func utf16NulIsALocatedError() {
        let outcome = readAll(utf16("a;b\n1;\0\n", bigEndian: true))
        #expect(outcome.error?.code == "csv.nul-byte")
        #expect(outcome.error?.position == at(line: 2, record: 1, offset: 14, column: 2))
    }

    @Test(arguments: [
        // Overlong, surrogate, beyond U+10FFFF, lone continuation, cut short.
        [0xC0, 0xAF], [0xED, 0xA0, 0x80], [0xF4, 0x90, 0x80, 0x80], [0x80], [0xE2, 0x82],
    ] as [[UInt8]])
    func malformedUTF8IsNotUTF8(sequence: [UInt8]) {
        let bytes = sequence + [0x41, 0x41, 0x41]
        let length = bytes.withUnsafeBufferPointer {
            TextDecoding.utf8SequenceLength($0.baseAddress! + 0, available: sequence.count)
        }
        #expect(length == 0)
    }

    @Test(arguments: [[0xC3, 0xA9], [0xE2, 0x82, 0xAC], [0xF0, 0x9F, 0x98, 0x80], [0xF4, 0x8F, 0xBF, 0xBF]] as [[UInt8]])
    func wellFormedUTF8IsUTF8(sequence: [UInt8]) {
        let length = sequence.withUnsafeBufferPointer {
            TextDecoding.utf8SequenceLength($0.baseAddress! + 0, available: sequence.count)
        }
        #expect(length == sequence.count)
        #expect(String(validating: sequence, as: UTF8.self) != nil)
    }
}
