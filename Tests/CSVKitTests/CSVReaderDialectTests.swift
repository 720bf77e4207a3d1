import Testing
@testable import CSVKit

/// Delimiter sniffing, the caller's override, Excel's `sep=` line and the header setting.
@Suite struct CSVReaderDialectTests {
    @Test(arguments: [
        ("a,b,c\n1,2,3\n", comma),
        ("a;b;c\n1,5;2,5;3\n4,1;5;6\n", semicolon),
        ("a\tb\n1\t2\n", tab),
        ("a|b\n1|2\n", pipe),
        // Delimiters inside quotes do not count: only the comma splits these records.
        ("\"x;y\",b\n\"1;2\",3\n\"p;q\",r", comma),
        // Nor inside a quoted field that spans lines.
        ("a;b\n\"multi\nline, with, commas\";2\n3;4\n", semicolon),
        // Decimal commas vary per row; the semicolon is consistent.
        ("Participant Id;weight_kg;bmi\nAMC-1;79,3;28,8\nAMC-2;80;24,1\nAMC-3;61,5;22\n", semicolon),
        // A header-only file still has its delimiter.
        ("Participant Id;Site Abbreviation", semicolon),
    ])
    func sniffsTheDelimiter(text: String, expected: UInt8) {
        let outcome = readAll(text)
        #expect(outcome.delimiter == expected)
        #expect(outcome.error == nil)
    }

    /// A header longer than the sniffing sample (a wide REDCap export) is all there is to go by:
    /// its delimiter is found from the part read, not ',' by default, which read the file as one
    /// column.
    @Test(arguments: [UInt8(ascii: ";"), UInt8(ascii: ","), UInt8(ascii: "\t")])
    func aHeaderLongerThanTheSampleTellsTheDelimiter(delimiter: UInt8) {
        let separator = String(UnicodeScalar(delimiter))
        let names = (0..<9_000).map { "field_\($0)" }
        #expect(names.joined(separator: separator).utf8.count > CSVReader.sniffSampleBytes)
        let values = (0..<9_000).map { String($0 % 10) }
        let outcome = readAll(names.joined(separator: separator) + "\n" + values.joined(separator: separator) + "\n")
        #expect(outcome.delimiter == delimiter)
        #expect(outcome.header.count == 9_000)
        #expect(outcome.rows.first?.count == 9_000)
        #expect(outcome.error == nil)
    }

    @Test func theCallersDelimiterWins() {
        let outcome = readAll("a;b\n1;2\n", dialect: CSVDialect(delimiter: comma))
        #expect(outcome.header == ["a;b"])
        #expect(outcome.rows == [["1;2"]])
    }

    @Test func excelSeparatorLineIsHonouredAndIsNotTheHeader() {
        // "sep=;\r\n" is bytes 0-6, "A;B\r\n" 7-11, "1;2\r\n" from 12; the file would sniff as ','.
        let outcome = readAll("sep=;\r\nA;B\r\n1,5;2\r\n")
        #expect(outcome.delimiter == semicolon)
        #expect(outcome.header == ["A", "B"])
        #expect(outcome.records == [row(["1,5", "2"], line: 3, record: 1, offset: 12)])
        #expect(outcome.blankLines == 0)
        #expect(outcome.diagnostics.isEmpty)
    }

    @Test func separatorLineIsMatchedWithoutRegardToCase() throws {
        let reader = try CSVReader(bytes: Array("SEP=|\nA|B\n".utf8), displayName: testFile)
        #expect(reader.hasSeparatorLine)
        #expect(reader.delimiter == pipe)
        #expect(reader.header == ["A", "B"])
    }

    @Test func separatorLineOverriddenByTheCallerIsReported() {
        let outcome = readAll("sep=|\nA;B\n1;2\n", dialect: CSVDialect(delimiter: semicolon))
        #expect(outcome.header == ["A", "B"])
        #expect(outcome.records == [row(["1", "2"], line: 3, record: 1, offset: 10)])
        #expect(outcome.diagnostics.map(\.code) == ["csv.separator-line-overridden"])
        #expect(outcome.diagnostics.first?.severity == .warning)
    }

    @Test func aLineThatOnlyLooksLikeASeparatorLineIsData() {
        let outcome = readAll("sep=;x\n1\n", dialect: CSVDialect(delimiter: comma))
        #expect(outcome.header == ["sep=;x"])
        #expect(outcome.rows == [["1"]])
    }

    @Test func singleColumnFileIsNoted() {
        let outcome = readAll("name\nJansen\nde Vries\n")
        #expect(outcome.delimiter == comma)
        #expect(outcome.rows == [["Jansen"], ["de Vries"]])
        #expect(outcome.diagnostics.map(\.code) == ["csv.single-column"])
        #expect(outcome.diagnostics.first?.severity == .note)
    }

    @Test(arguments: [UInt8(ascii: "\""), 0x0A, 0x0D, 0x00, 0xE9])
    func impossibleDelimiterIsRefused(delimiter: UInt8) {
        let outcome = readAll("a;b\n", dialect: CSVDialect(delimiter: delimiter))
        #expect(outcome.error?.code == "csv.bad-delimiter")
    }

    @Test func sniffingLooksAtTheFirstTwentyRecordsOnly() {
        let counts = DialectSniffer.split(Array(String(repeating: "a;b\n", count: 30).utf8)[...], at: semicolon, isWholeFile: true)
            .map(\.fields)
        #expect(counts == Array(repeating: 2, count: 20))
    }

    /// Quoted notes that hold `;` on several lines make more `;` records than `,` ones, but split
    /// at `;` their quotes are stray, where `,` reads them as fields over several lines: the comma wins.
    @Test func sniffingLeavesOutADelimiterThatBreaksQuotedLinesApart() {
        var text = "record_id,redcap_event_name,visit_date,nrs_pain,visit_remark\n"
        for id in ["R1", "R2", "R3"] {
            text += "\(id),screening_arm_1,,,\n"
            text += "\(id),baseline_arm_1,2024-03-15,5,\"ochtend: pijn 6; stijfheid 3\nmiddag: pijn 4; stijfheid 2\navond: pijn 5; stijfheid 2\"\n"
            text += "\(id),week_6_arm_1,2024-04-26,3,\"ochtend: pijn 3; stijfheid 1\navond: pijn 2; stijfheid 1\"\n"
        }
        let bytes = Array(text.utf8)[...]
        #expect(DialectSniffer.split(bytes, at: semicolon, isWholeFile: true).map(\.strayQuotes).reduce(0, +) == 12)
        #expect(DialectSniffer.split(bytes, at: comma, isWholeFile: true).allSatisfy { $0.fields == 5 && $0.strayQuotes == 0 })
        #expect(DialectSniffer.split(bytes, at: comma, isWholeFile: true).map(\.multilineFields).reduce(0, +) == 6)
        let outcome = readAll(text)
        #expect(outcome.delimiter == comma)
        #expect(outcome.rows.count == 9)
        #expect(outcome.rows.allSatisfy { $0.count == 5 })
        // A quote after text, or text after a closing quote, is stray; a quoted field is not.
        #expect(DialectSniffer.split(Array("a;b\"c;\"d\"e;\"f\"\n".utf8)[...], at: semicolon, isWholeFile: true).first?.strayQuotes == 2)
    }

    /// Shapes around quotes, each read with the delimiter its header is written in: a `;` file
    /// with decimal commas whose notes hold a quoted part after a comma (a literal quote at `;`,
    /// once or in every row, also beside a comma in a header name), and comma or tab files whose
    /// quoted header name and notes over several lines hold the other delimiter.
    static let quotedShapes: [(text: String, delimiter: UInt8, fields: Int)] = [
        ("id;site;arm;age;note\nP0;S1;A;40,5;\nP1;S1;A;41,5;\nP2;S1;A;42,5;val van trap,\"geen trauma\"\nP3;S1;A;43,5;\nP4;S1;A;44,5;\n", UInt8(ascii: ";"), 5),
        ("id;site;arm;age;note\nP0;S1;A;40,5;x,\"y\",z\nP1;S1;A;41,5;x,\"y\",z\nP2;S1;A;42,5;x,\"y\",z\n", UInt8(ascii: ";"), 5),
        ("id;arm;gewicht;opmerking (kort, vrij)\n1;A;72;val van trap,\"geen trauma\"\n2;B;80;fietsongeluk,\"licht\"\n3;A;66;geen\n", UInt8(ascii: ";"), 4),
        ("id,arm,gewicht,\"opmerking; vrij\"\n1,A,72.5,\"klacht: rug; been\nbeloop: 6 wk; beter\nnb: geen; trauma\"\n"
            + "2,B,80.1,\"klacht: rug; nek\nbeloop: 2 wk; gelijk\nnb: val; trap\"\n3,A,66,geen\n", UInt8(ascii: ","), 4),
        ("id\tarm\tgewicht\t\"opmerking, vrij\"\n1\tA\t72.5\t\"klacht: rug, been\nbeloop: 6 wk, beter\nnb: geen, trauma\"\n"
            + "2\tB\t80.1\t\"klacht: rug, nek\nadvies: oefenen, werk\nnb: val, trap\"\n3\tA\t66\tgeen\n", 0x09, 4),
        ("\"id\",\"arm\",\"gewicht\",\"opmerking; vrij\"\n1,A,72.5,\"regel een; twee\nregel drie; vier\nslot; einde\"\n"
            + "2,B,80.1,\"a; b\nc; d\ne; f\"\n", UInt8(ascii: ","), 4),
        // A ditto mark after a comma opens, at ',', a quote that runs on over lines; ',' does not
        // split the header, so the literal quote at ';' or TAB decides nothing.
        ("id;arm;gewicht;opmerking\n1;A;61,5;geen\n2;B;62,5;zie boven,\"\n3;A;63,5;geen\n", UInt8(ascii: ";"), 4),
        ("id\tarm\tgewicht\topmerking\n1\tA\t61.5\tgeen\n2\tB\t62.5\tzie boven,\"\n3\tA\t63.5\tgeen\n", 0x09, 4),
    ]

    @Test(arguments: quotedShapes.indices)
    func sniffingReadsQuotedShapesWithTheirHeadersDelimiter(index: Int) {
        let shape = Self.quotedShapes[index]
        let outcome = readAll(shape.text)
        #expect(outcome.delimiter == shape.delimiter)
        #expect(outcome.header.count == shape.fields)
        #expect(!outcome.rows.isEmpty && outcome.rows.allSatisfy { $0.count == shape.fields }, "\(outcome.rows)")
    }

    @Test func sniffingCountsTheCutLastRecordOnlyForTheWholeFile() {
        let sample = Array("a;b\n1;2;3".utf8)[...]
        #expect(DialectSniffer.split(sample, at: semicolon, isWholeFile: true).map(\.fields) == [2, 3])
        #expect(DialectSniffer.split(sample, at: semicolon, isWholeFile: false).map(\.fields) == [2])
    }
}
