import Testing

@testable import SampleDataGenerator

struct Windows1252Tests {
    @Test func dutchCharactersGetTheirCodePageBytes() throws {
        // Windows-1252 code chart: é E9, ë EB, ï EF, ö F6, ü FC, € 80, ' 27.
        #expect(try Windows1252.encode(utf8: Array("é ë ï ö ü € '".utf8))
            == [0xE9, 0x20, 0xEB, 0x20, 0xEF, 0x20, 0xF6, 0x20, 0xFC, 0x20, 0x80, 0x20, 0x27])
    }

    @Test func everyDefinedByteRoundTrips() throws {
        let undefined: Set<UInt8> = [0x81, 0x8D, 0x8F, 0x90, 0x9D]
        let bytes = (0...255).map(UInt8.init).filter { !undefined.contains($0) }
        let text = try #require(Windows1252.decode(bytes))
        #expect(text.unicodeScalars.count == bytes.count)
        #expect(try Windows1252.encode(utf8: Array(text.utf8)) == bytes)
    }

    @Test func undefinedBytesDoNotDecode() {
        for byte: UInt8 in [0x81, 0x8D, 0x8F, 0x90, 0x9D] {
            #expect(Windows1252.decode([0x41, byte]) == nil)
        }
    }

    @Test func charactersOutsideTheCodePageAreRefused() {
        #expect(throws: Windows1252.UnmappableCharacter.self) {
            try Windows1252.encode(utf8: Array("Łódź".utf8))
        }
    }

    @Test func everyScreeningRemarkFitsTheCodePage() throws {
        for remark in ParticipantFactory.screeningRemarks {
            let bytes = try Windows1252.encode(utf8: Array(remark.utf8))
            #expect(Windows1252.decode(bytes) == remark)
        }
    }
}
