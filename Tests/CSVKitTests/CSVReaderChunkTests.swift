import Testing
@testable import CSVKit

/// Chunk boundaries must not change anything: the same input read in chunks of 1, 2, 3, 7 and
/// 65536 bytes gives the same records, positions, diagnostics, counts and errors. Tiny chunks put a
/// boundary inside every CRLF, every multi-byte character, every UTF-16 surrogate pair and every
/// quoted field.
@Suite struct CSVReaderChunkTests {
    static let inputs: [(name: String, bytes: [UInt8], encoding: CSVEncoding?)] = [
        ("crlf", Array("Participant Id;Site\r\nP1;AMC\r\n\r\nP2;\"UMC\r\nU\"\r\n".utf8), nil),
        ("cr only", Array("a,b\r1,2\r\r3,\"x\ry\"\r".utf8), nil),
        ("lf, quotes and blanks", Array("a|b\n\n\"1|\"\"2\"\"\"|x\n;\n \n3|4".utf8), nil),
        ("separator line", Array("sep=;\r\nA;B\r\n1,5;2\r\n".utf8), nil),
        ("utf-8 with mark", [0xEF, 0xBB, 0xBF] + Array("naam;stad\nJosé;Zürich\n😀;€\r\n".utf8), nil),
        ("utf-8 multi-byte everywhere", Array("é;ü\n€€€;😀😀\n\"中\n文\";ë\n".utf8), nil),
        ("windows-1252", Array("a;b\n".utf8) + [0x80, 0x3B, 0xE9, 0x0D, 0x0A, 0x93, 0x71, 0x94, 0x3B, 0xEB, 0x0A], nil),
        ("utf-16le", utf16("a;b\r\n1;€\r\n\"x\r\ny\";😀\r\n", bigEndian: false), nil),
        ("utf-16be", utf16("a;b\n1;ü\n\n2;😀😀\n", bigEndian: true), nil),
        ("stray quotes and ragged rows", Array("a;b;c\n1;x\"y;3\n4;5\n6;7;8;9\n".utf8), nil),
        ("header only", Array("a;b\r\n".utf8), nil),
        ("empty", [], nil),
        ("unterminated quote", Array("a;b\n1;2\n3;\"open\n4;5\n".utf8), nil),
        ("text after quote", Array("a;b\n1;\"x\"y\n".utf8), nil),
        ("nul byte", Array("a;b\n1;é".utf8) + [0] + Array("\n".utf8), nil),
        ("mixed encodings", Array("a;b\nx;é\n".utf8) + [0xE9, 0x0A], nil),
        ("declared windows-1252", Array("a;b\n1;é\n".utf8), .windows1252),
        ("utf-16 surrogate cut by the end", utf16("a;b\n1;", bigEndian: false) + [0x3D, 0xD8], nil),
    ]

    @Test(arguments: Self.inputs.indices)
    func chunkSizeChangesNothing(index: Int) {
        let input = Self.inputs[index]
        let reference = readAll(input.bytes, encoding: input.encoding, chunkSize: 65_536)
        for chunkSize in chunkSizes.dropLast() {
            let outcome = readAll(input.bytes, encoding: input.encoding, chunkSize: chunkSize)
            #expect(outcome == reference, "\(input.name) with chunks of \(chunkSize)")
        }
    }

    @Test(arguments: chunkSizes)
    func crlfSplitAcrossChunksIsOneLineEnd(chunkSize: Int) {
        // "P1;AMC\r\n" starts at 21, then a blank "\r\n" at 29-30, then the quoted record at 31.
        let outcome = readAll(Self.inputs[0].bytes, chunkSize: chunkSize)
        #expect(outcome.records == [
            row(["P1", "AMC"], line: 2, record: 1, offset: 21),
            row(["P2", "UMC\r\nU"], line: 4, record: 2, offset: 31),
        ])
        #expect(outcome.blankLines == 1)
    }

    @Test(arguments: chunkSizes)
    func multiByteCharactersSplitAcrossChunksAreDecoded(chunkSize: Int) {
        // "é;ü\n" is 6 bytes; "€€€;😀😀\n" 19 (three 3-byte, two 4-byte characters, 2 ASCII).
        let outcome = readAll(Self.inputs[5].bytes, chunkSize: chunkSize)
        #expect(outcome.header == ["é", "ü"])
        #expect(outcome.records == [
            row(["€€€", "😀😀"], line: 2, record: 1, offset: 6),
            row(["中\n文", "ë"], line: 3, record: 2, offset: 25),
        ])
        #expect(outcome.encoding == .utf8)
    }

    @Test(arguments: chunkSizes)
    func windows1252SplitAcrossChunks(chunkSize: Int) {
        // Line 2 "€;é CRLF" is bytes 4-8; line 3 starts at 9.
        let outcome = readAll(Self.inputs[6].bytes, chunkSize: chunkSize)
        #expect(outcome.records == [
            row(["€", "é"], line: 2, record: 1, offset: 4),
            row(["\u{201C}q\u{201D}", "ë"], line: 3, record: 2, offset: 9),
        ])
        #expect(outcome.diagnostics.map(\.code) == ["csv.windows-1252"])
    }

    @Test(arguments: chunkSizes)
    func utf16SplitAcrossChunks(chunkSize: Int) {
        // Mark 2; "a;b\n" 8 bytes; "1;ü\n" 8; a blank line 2; "2;😀😀\n" from 20.
        let outcome = readAll(Self.inputs[8].bytes, chunkSize: chunkSize)
        #expect(outcome.records == [
            row(["1", "ü"], line: 2, record: 1, offset: 10),
            row(["2", "😀😀"], line: 4, record: 2, offset: 20),
        ])
        #expect(outcome.blankLines == 1)
    }
}
