import PipelineSpec
import Staging
import StudyModel
import Testing
import TestSupport

@Suite struct NormaliseTests {
    // MARK: text

    @Test func textIsTrimmedAndComposed() throws {
        #expect(Normalise.text("  Jansen \t") == "Jansen")
        #expect(Normalise.text("\u{00A0}x\u{00A0}") == "x")
        let decomposed = "Zu\u{0308}rich"  // u + combining diaeresis
        #expect(Normalise.text(decomposed) == "Z\u{00FC}rich")
        #expect(Normalise.text(decomposed).unicodeScalars.count == 6)
        #expect(Normalise.text("") == "")
        // Line ends inside the text are the same whichever system wrote them.
        #expect(Normalise.text("regel 1\r\nregel 2\rregel 3\n") == "regel 1\nregel 2\nregel 3")
        #expect(Normalise.text(" h\u{00E9}\r\nd ") == "h\u{00E9}\nd")
    }

    /// Invisible format characters at either end go as white space does (a zero-width space
    /// from a web form, a byte-order mark pasted into a cell); inside the text they stay.
    @Test func invisibleCharactersAtTheEndsAreTrimmed() throws {
        #expect(Normalise.text("\u{200B}5") == "5")
        #expect(Normalise.text("5\u{FEFF}") == "5")
        #expect(Normalise.text("\u{2060} 12 \u{200D}") == "12")
        #expect(Normalise.text("a\u{200B}b") == "a\u{200B}b")
        #expect(Normalise.text("\u{00AD}Jansen\u{00AD}") == "Jansen")
        #expect(Normalise.text("Zü\u{00AD}") == "Zü")
        #expect(try Normalise.number(Normalise.text("5\u{FEFF}"), decimalMark: nil).get() == 5)
    }

    /// A message shows what a reader cannot see: controls, format characters and unusual spaces
    /// are written as escapes, so that a rejected value does not look like a valid one.
    @Test func messagesShowInvisibleCharacters() throws {
        #expect(Normalise.quoted("5\u{7}") == "'5\\u{7}'")
        #expect(Normalise.quoted("1\u{200B}2") == "'1\\u{200B}2'")
        #expect(Normalise.quoted("6\u{202F}5") == "'6\\u{202F}5'")
        // A very long cell is cut in a message, with its length.
        #expect(Normalise.quoted(String(repeating: "9", count: 1_000_000)) == "'" + String(repeating: "9", count: 100) + "...' (1000000 characters)")
        #expect(Normalise.quoted(String(repeating: "9", count: 100)) == "'" + String(repeating: "9", count: 100) + "'")
        #expect(Normalise.quoted("Zürich 5") == "'Zürich 5'")
        guard case .failure(let problem) = Normalise.number("5\u{7}", decimalMark: nil) else {
            Issue.record("accepted")
            return
        }
        #expect(problem.message.hasPrefix("'5\\u{7}' is not a number"))
    }

    // MARK: numbers

    @Test(arguments: [
        ("6,5", 6.5), ("6.5", 6.5), ("-2", -2), ("+3", 3), ("1.234,5", 1234.5), ("1,234.5", 1234.5),
        ("1.234.567", 1_234_567), ("1,234,567", 1_234_567), ("0,125", 0.125), ("0.125", 0.125), (",5", 0.5),
        ("12,3456", 12.3456), ("1234,567", 1234.567), ("10", 10),
    ])
    func unambiguousNumbers(text: String, expected: Double) throws {
        #expect(try Normalise.number(text, decimalMark: nil).get() == expected)
    }

    @Test(arguments: ["1,234", "1.234", "-1.500", "999,000"])
    func ambiguousNumbersNeedADeclaredMark(text: String) throws {
        guard case .failure(let problem) = Normalise.number(text, decimalMark: nil) else {
            Issue.record("'\(text)' was accepted")
            return
        }
        #expect(problem.rule == "number")
        #expect(problem.hint?.contains("declare 'decimal_mark'") == true)
        #expect(problem.text(for: "weight_kg") == "'\(text)' is not a number for 'weight_kg'; '\(text.contains(",") ? "," : ".")' "
            + "could be a decimal mark or a thousands separator; declare 'decimal_mark' for this input")
    }

    @Test func declaredDecimalMarkResolvesAmbiguity() throws {
        #expect(try Normalise.number("1,234", decimalMark: .comma).get() == 1.234)
        #expect(try Normalise.number("1,234", decimalMark: .point).get() == 1234)
        #expect(try Normalise.number("1.234", decimalMark: .comma).get() == 1234)
        #expect(try Normalise.number("1.234", decimalMark: .point).get() == 1.234)
        #expect(try Normalise.number("1.234.567,89", decimalMark: .comma).get() == 1_234_567.89)
    }

    @Test(arguments: [
        ("abc", nil), ("", nil), ("-", nil), ("1e3", nil), ("1 234", nil), ("1,2,3", nil), ("1.2.3", nil),
        ("12,34,567", nil), ("1,5", DecimalMark.point), ("1.5", DecimalMark.comma), ("5,", nil), ("€5", nil),
        ("1,5.5", nil), ("0.123.456", nil),
    ] as [(String, DecimalMark?)])
    func notNumbers(text: String, mark: DecimalMark?) throws {
        #expect(throws: ValueProblem.self) { try Normalise.number(text, decimalMark: mark).get() }
    }

    /// A number that the declared decimal mark cannot read says why.
    @Test(arguments: [
        ("1,234.5", DecimalMark.comma, "'1,234.5' is not a number: only digits may follow the decimal mark ','"),
        ("1.234,5", DecimalMark.point, "'1.234,5' is not a number: only digits may follow the decimal mark '.'"),
        ("6,", DecimalMark.comma, "'6,' is not a number: no digit after the decimal mark ','"),
        ("5,", nil, "'5,' is not a number: no digit after the decimal mark ','"),
        ("5.x", nil, "'5.x' is not a number: 'x' is not one of the digits 0-9 or a decimal mark"),
        ("180,5a", DecimalMark.comma, "'180,5a' is not a number: 'a' is not one of the digits 0-9 or a decimal mark"),
        ("5.-1", nil, "'5.-1' is not a number: '-' is not one of the digits 0-9 or a decimal mark"),
        ("abc", nil, "'abc' is not a number"),
        // A mark joined to a digit is named alone, and digits of another script are not 0-9.
        ("1\u{FE0F}5", nil, "'1\u{FE0F}5' is not a number: '\\u{FE0F}' is not one of the digits 0-9 or a decimal mark"),
        ("\u{0661}\u{0668}\u{0660}", nil, "'\u{0661}\u{0668}\u{0660}' is not a number: '\u{0661}' is not one of the digits 0-9 or a decimal mark"),
        ("-\u{FE0F}180", nil, "'-\u{FE0F}180' is not a number: '\\u{FE0F}' is not one of the digits 0-9 or a decimal mark"),
        ("--5", nil, "'--5' is not a number: '-' is not one of the digits 0-9 or a decimal mark"),
        // Numbers that are no decimal digits (a fraction, a superscript, Chinese numerals) are no digits.
        ("x\u{00BD}", nil, "'x\u{00BD}' is not a number"), ("\u{5341}\u{5206}", nil, "'\u{5341}\u{5206}' is not a number"),
        ("\u{00B2}", nil, "'\u{00B2}' is not a number"),
    ] as [(String, DecimalMark?, String)])
    func numbersTheDecimalMarkCannotReadSayWhy(text: String, mark: DecimalMark?, message: String) {
        guard case .failure(let problem) = Normalise.number(text, decimalMark: mark) else {
            Issue.record("'\(text)' was accepted")
            return
        }
        #expect(problem.message == message)
    }

    // MARK: dates

    @Test(arguments: [
        ("31-12-2024", DateFormat.dayMonthYearDash, 2024, 12, 31), ("01-02-2024", .dayMonthYearDash, 2024, 2, 1),
        ("1-2-2024", .dayMonthYearShort, 2024, 2, 1), ("01-12-2024", .dayMonthYearShort, 2024, 12, 1),
        ("2024-02-29", .iso, 2024, 2, 29), ("29/02/2000", .dayMonthYearSlash, 2000, 2, 29),
    ])
    func datesInDeclaredFormats(text: String, format: DateFormat, year: Int, month: Int, day: Int) throws {
        #expect(try Normalise.date(text, format: format).get() == CalendarDate(year: year, month: month, day: day))
    }

    @Test(arguments: [
        ("31-02-2024", DateFormat.dayMonthYearDash), ("29-02-2023", .dayMonthYearDash), ("00-01-2024", .dayMonthYearDash),
        ("15-13-2024", .dayMonthYearDash), ("2023-02-29", .iso), ("1900-02-29", .iso), ("31/04/2024", .dayMonthYearSlash),
    ])
    func impossibleDatesAreNotRolledOver(text: String, format: DateFormat) throws {
        guard case .failure(let problem) = Normalise.date(text, format: format) else {
            Issue.record("'\(text)' was accepted")
            return
        }
        #expect(problem.message.contains("is not a real date") || problem.message.contains("is not a date"))
    }

    /// Castor's `Randomized On` and REDCap's date-time fields write a time of day after the date:
    /// the day is read, the time dropped.
    @Test(arguments: [
        ("15-03-2022 10:12:33", DateFormat.dayMonthYearDash), ("15-03-2022 0:05", .dayMonthYearDash),
        ("2022-03-15 23:59", .iso), ("15/03/2022 10:12:33", .dayMonthYearSlash), ("15-3-2022 10:12", .dayMonthYearShort),
    ])
    func aTimeOfDayAfterTheDateIsDropped(text: String, format: DateFormat) throws {
        #expect(try Normalise.date(text, format: format).get() == CalendarDate(year: 2022, month: 3, day: 15))
    }

    @Test(arguments: ["15-03-2022 24:00", "15-03-2022 10:60", "15-03-2022 10", "15-03-2022 10:12:33:01",
                      "15-03-2022 10.12", "15-03-2022  10:12", "15-03-2022 T10:12", "15-03-2022 10:1", "10:12 15-03-2022"])
    func aTimeOfDayMustBeOne(text: String) throws {
        guard case .failure(let problem) = Normalise.date(text, format: .dayMonthYearDash) else {
            Issue.record("'\(text)' was accepted")
            return
        }
        #expect(problem.message.hasSuffix("(a time after it is written hh:mm or hh:mm:ss)") || text.hasPrefix("10:12"))
    }

    @Test func theImpossibleDateMessageSaysWhy() throws {
        guard case .failure(let problem) = Normalise.date("31-02-2024", format: .dayMonthYearDash) else {
            Issue.record("accepted")
            return
        }
        #expect(problem.message == "'31-02-2024' is not a real date (there is no day 31 in month 2 of 2024)")
    }

    @Test(arguments: [("08-13-2022", DateFormat.dayMonthYearDash), ("2022-00-08", .iso)])
    func aMonthOutsideTheYearIsNamedAsTheFault(text: String, format: DateFormat) throws {
        guard case .failure(let problem) = Normalise.date(text, format: format) else {
            Issue.record("accepted")
            return
        }
        let month = format == .iso ? 0 : 13
        #expect(problem.message == "'\(text)' is not a real date (there is no month \(month))")
    }

    @Test(arguments: [
        ("1-2-2024", DateFormat.dayMonthYearDash), ("2024-02-01", .dayMonthYearDash), ("01-02-24", .dayMonthYearDash),
        ("01/02/2024", .dayMonthYearDash), ("01-02-2024", .iso), ("2024-2-1", .iso), ("01-02-2024", .dayMonthYearSlash),
        ("1-2-2024T10:00", .dayMonthYearShort), ("001-2-2024", .dayMonthYearShort), ("", .iso),
    ])
    func otherFormatsAreNotGuessed(text: String, format: DateFormat) throws {
        #expect(throws: ValueProblem.self) { try Normalise.date(text, format: format).get() }
    }

    // Reference values: Excel shows these serials as these dates (1900 date system).
    @Test(arguments: [
        (1.0, 1900, 1, 1), (59, 1900, 2, 28), (61, 1900, 3, 1), (25_569, 1970, 1, 1), (36_526, 2000, 1, 1),
        (45_292, 2024, 1, 1), (45_351, 2024, 2, 29), (45_292.75, 2024, 1, 1),
    ])
    func excelSerials(serial: Double, year: Int, month: Int, day: Int) throws {
        #expect(try Normalise.excelSerial(serial).get() == CalendarDate(year: year, month: month, day: day))
    }

    @Test(arguments: [0.0, 60, -5, 3_000_000, .nan])
    func impossibleExcelSerials(serial: Double) throws {
        #expect(throws: ValueProblem.self) { try Normalise.excelSerial(serial).get() }
    }

    @Test func excelSerialsAsText() throws {
        #expect(try Normalise.date("45292", format: .excelSerial).get() == CalendarDate(year: 2024, month: 1, day: 1))
        #expect(try Normalise.date("45292,5", format: .excelSerial).get() == CalendarDate(year: 2024, month: 1, day: 1))
        #expect(throws: ValueProblem.self) { try Normalise.date("01-01-2024", format: .excelSerial).get() }
    }

    // MARK: booleans, codes, units

    @Test(arguments: [
        ("ja", true), ("Nee", false), ("J", true), ("n", false), ("YES", true), ("no", false), ("y", true),
        ("1", true), ("0", false), ("waar", true), ("Onwaar", false), ("true", true), ("FALSE", false),
    ])
    func defaultBooleans(text: String, expected: Bool) throws {
        #expect(try Normalise.boolean(text, vocabulary: Vocabularies.defaultBooleans).get() == expected)
    }

    @Test(arguments: ["misschien", "2", "x", "yes!"])
    func notBooleans(text: String) throws {
        #expect(throws: ValueProblem.self) { try Normalise.boolean(text, vocabulary: Vocabularies.defaultBooleans).get() }
    }

    @Test(arguments: [
        ("M", "M"), ("man", "M"), ("Male", "M"), ("1", "M"), ("V", "F"), ("F", "F"), ("vrouw", "F"), ("female", "F"),
        ("2", "F"),
    ])
    func defaultSexCodes(text: String, expected: String) throws {
        #expect(try Normalise.code(text, vocabulary: Vocabularies.defaultSex, what: "sex").get() == expected)
    }

    @Test func unknownSexCode() throws {
        guard case .failure(let problem) = Normalise.code("X", vocabulary: Vocabularies.defaultSex, what: "sex") else {
            Issue.record("accepted")
            return
        }
        #expect(problem == ValueProblem(rule: "vocabulary", message: "'X' is not a known sex code"))
    }

    @Test func durationUnits() throws {
        #expect(Normalise.weeks(14, unit: .days) == 2)
        #expect(Normalise.weeks(3, unit: .weeks) == 3)
        #expect(abs(Normalise.weeks(12, unit: .months) - 52.1775) < 1e-9)
        #expect(abs(Normalise.weeks(1, unit: .years) - 365.2425 / 7) < 1e-12)
        #expect(abs(Normalise.weeks(1, unit: .months) * 7 - 30.436875) < 1e-12)
        // Converted durations print as the decimals they are, without binary noise.
        for (months, text) in [(1.0, "4.348125"), (3, "13.044375"), (6, "26.08875"), (12, "52.1775"), (7, "30.436875"), (2.5, "10.8703125")] {
            #expect("\(Normalise.weeks(months, unit: .months))" == text, "\(months) months")
        }
        #expect("\(Normalise.weeks(10, unit: .days))" == "1.4285714286")
        #expect(Normalise.weeks(10.123456789012, unit: .weeks) == 10.123456789012)
        // Large durations too: 10 decimals there would need more digits than a double holds.
        for (months, text) in [(78_800.0, "342632.25"), (85_774, "372956.07375"), (22_999, "100002.526875")] {
            #expect("\(Normalise.weeks(months, unit: .months))" == text, "\(months) months")
        }
        #expect(Normalise.weeks(1e300, unit: .days) == 1e300 / 7)
    }

    /// Line ends inside a cell become LF by scalar, whatever character follows them.
    @Test func lineEndsBeforeCombiningCharacters() {
        for follower in ["\u{301}", "\u{308}", "\u{200C}", "\u{FE0F}", "\u{1F3FB}", "b"] {
            for lineEnd in ["\r\n", "\r", "\n"] {
                let text = Normalise.text("abc" + lineEnd + follower + "d")
                #expect(Array(text.unicodeScalars) == Array(("abc\n" + follower + "d").precomposedStringWithCanonicalMapping.unicodeScalars),
                        "\(lineEnd.unicodeScalars.map(\.value)) before \(follower.unicodeScalars.map(\.value))")
            }
        }
        #expect(Normalise.text("a\r\r\nb\n\rc") == "a\n\nb\n\nc")
    }

    // MARK: missing codes

    @Test func castorMissingCodes() throws {
        let castor = MissingCodes(castor: true)
        #expect(Normalise.missingReason("-95", codes: castor) == .measurementFailed)
        #expect(Normalise.missingReason("-96", codes: castor) == .notApplicable)
        #expect(Normalise.missingReason("-97", codes: castor) == .notAsked)
        #expect(Normalise.missingReason("-98", codes: castor) == .askedButUnknown)
        #expect(Normalise.missingReason("-99", codes: castor) == .notDone)
        #expect(Normalise.missingReason("##USER_MISSING_97##", codes: castor) == .notAsked)
        #expect(Normalise.missingReason("-94", codes: castor) == nil)
        #expect(Normalise.missingReason("-9", codes: castor) == nil)
        #expect(Normalise.missingReason("##USER_MISSING_94##", codes: castor) == nil)
        #expect(Normalise.missingReason("-99", codes: MissingCodes()) == nil)
        #expect(Normalise.missingReason("", codes: MissingCodes()) == .empty)
    }

    @Test func castorMissingDates() throws {
        let date = try #require(CalendarDate(year: 2995, month: 1, day: 1))
        #expect(Normalise.castorMissingDate(date) == .measurementFailed)
        let other = try #require(CalendarDate(year: 2999, month: 12, day: 31))
        #expect(Normalise.castorMissingDate(other) == .notDone)
        let real = try #require(CalendarDate(year: 2024, month: 12, day: 31))
        #expect(Normalise.castorMissingDate(real) == nil)
    }

    @Test func declaredMissingCodes() throws {
        let codes = MissingCodes(declared: ["UNK": .declared(code: "UNK", label: "asked but unknown")])
        #expect(Normalise.missingReason("UNK", codes: codes) == .declared(code: "UNK", label: "asked but unknown"))
        #expect(Normalise.missingReason("unk", codes: codes) == nil)
        #expect(Normalise.missingReason("-99", codes: codes) == nil)
    }
}

/// Normalising a normalised value changes nothing (canonical text uses `.` and ISO dates).
@Suite struct NormaliseIdempotenceTests {
    @Test func textIsIdempotent() throws {
        var generator = SeededGenerator(seed: 20_240_101)
        let alphabet: [String] = ["a", "é", "e\u{0301}", " ", "\t", "\u{00A0}", "Z", "ü", "u\u{0308}", "-", "1", "ß"]
        for _ in 0..<2000 {
            let length = Int.random(in: 0...12, using: &generator)
            let raw = (0..<length).map { _ in alphabet[Int.random(in: 0..<alphabet.count, using: &generator)] }.joined()
            let once = Normalise.text(raw)
            #expect(Normalise.text(once) == once, "text '\(raw)'")
        }
    }

    @Test func numbersAreIdempotent() throws {
        var generator = SeededGenerator(seed: 7)
        for _ in 0..<2000 {
            let whole = Int.random(in: -2_000_000...2_000_000, using: &generator)
            let decimals = Int.random(in: 0...3, using: &generator)
            let fraction = decimals == 0 ? "" : "," + String(Int.random(in: 0..<Int(pow10(decimals)), using: &generator))
                .leftPadded(to: decimals)
            let raw = grouped(whole) + fraction
            let once = try Normalise.number(raw, decimalMark: .comma).get()
            let again = try Normalise.number(Value.format(once), decimalMark: .point).get()
            #expect(again == once, "number '\(raw)'")
        }
    }

    /// Small and large magnitudes too, where `Double`'s own text turns to an exponent that no
    /// reader of the clean tables (lbp included) takes as a number.
    @Test func numbersOfEveryMagnitudeAreIdempotentAndPositional() throws {
        var generator = SeededGenerator(seed: 11)
        for _ in 0..<4000 {
            let digits = String(Int.random(in: 1...999_999, using: &generator))
            let shift = Int.random(in: -16...10, using: &generator)
            let raw: String
            if shift >= 0 {
                raw = digits + String(repeating: "0", count: shift)
            } else if digits.count <= -shift {
                raw = "0," + String(repeating: "0", count: -shift - digits.count) + digits
            } else {
                raw = digits.dropLast(-shift) + "," + digits.suffix(-shift)
            }
            let signed = Bool.random(using: &generator) ? "-" + raw : raw
            let once = try Normalise.number(signed, decimalMark: .comma).get()
            let text = Value.format(once)
            #expect(!text.contains("e"), "number '\(signed)' as '\(text)'")
            #expect(try Normalise.number(text, decimalMark: .point).get() == once, "number '\(signed)' as '\(text)'")
        }
        #expect(Value.format(1e-07) == "0.0000001")
        #expect(Value.format(-1.234e-06) == "-0.000001234")
        #expect(Value.format(1.5e16) == "15000000000000000")
        // Whole numbers from 10¹⁵, which `Double` writes positionally with a `.0`, lose it too.
        #expect(Value.format(1e15) == "1000000000000000")
        #expect(Value.format(9_007_199_254_740_992) == "9007199254740992")
        #expect(Value.format(-2e15) == "-2000000000000000")
        #expect(Value.format(1e15 + 0.5) == "1000000000000000.5")
        #expect(Value.format(0.5) == "0.5")
        #expect(Value.format(-123.25) == "-123.25")
    }

    @Test func datesAreIdempotent() throws {
        var generator = SeededGenerator(seed: 99)
        for _ in 0..<2000 {
            let date = CalendarDate(daysSinceEpoch: Int.random(in: -25_000...40_000, using: &generator))
            let (year, month, day) = date.components
            let raw = "\(day)-\(month)-\(year)"
            let once = try Normalise.date(raw, format: .dayMonthYearShort).get()
            #expect(once == date)
            #expect(try Normalise.date(once.iso, format: .iso).get() == once)
        }
    }

    @Test func codesAreIdempotent() throws {
        for code in Vocabularies.defaultSex.keys {
            let once = try Normalise.code(code, vocabulary: Vocabularies.defaultSex, what: "sex").get()
            #expect(try Normalise.code(once, vocabulary: Vocabularies.defaultSex, what: "sex").get() == once)
        }
        for code in Vocabularies.defaultBooleans.keys {
            let once = try Normalise.boolean(code, vocabulary: Vocabularies.defaultBooleans).get()
            let text = Value.boolean(once).canonicalText
            #expect(try Normalise.boolean(text, vocabulary: Vocabularies.defaultBooleans).get() == once)
        }
    }

    private func pow10(_ n: Int) -> Double { (0..<n).reduce(1) { value, _ in value * 10 } }

    /// Dutch grouping with `.` (1.234.567), written independently of the parser.
    private func grouped(_ value: Int) -> String {
        let digits = String(abs(value))
        var groups: [String] = []
        var end = digits.endIndex
        while end > digits.startIndex {
            let start = digits.index(end, offsetBy: -3, limitedBy: digits.startIndex) ?? digits.startIndex
            groups.insert(String(digits[start..<end]), at: 0)
            end = start
        }
        return (value < 0 ? "-" : "") + groups.joined(separator: ".")
    }
}

extension String {
    fileprivate func leftPadded(to width: Int) -> String {
        String(repeating: "0", count: max(0, width - count)) + self
    }
}
