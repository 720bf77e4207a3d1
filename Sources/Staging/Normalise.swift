import Foundation
import PipelineSpec
import StudyModel

/// Why a cell could not become a value. The message is one sentence in sentence case with the
/// value in single quotes; `rule` groups problems in issue lists.
public struct ValueProblem: Error, Hashable, Sendable {
    public var rule: String
    /// What is wrong with the value (`'1,234' is not a number`); a caller may name the field after it.
    public var message: String
    /// What to do about it, said after the field (`declare 'decimal_mark' for this input`).
    public var hint: String?

    public init(rule: String, message: String, hint: String? = nil) {
        self.rule = rule
        self.message = message
        self.hint = hint
    }

    /// The message with the field named after it, then the hint.
    public func text(for field: String) -> String {
        "\(message) for '\(field)'" + (hint.map { "; " + $0 } ?? "")
    }
}

/// Pure normalisation of single cells: text, numbers, dates, booleans, codes and units.
///
/// Every function is total and locale-independent; none guesses: a value that could mean two
/// things (`1,234`, `03-04-2024` without a declared format) is a problem, never a coin toss.
/// Normalising the canonical text of a normalised value gives the same value again.
public enum Normalise {
    /// Trims white space (including no-break spaces) and invisible format characters (soft hyphen,
    /// zero-width space and joiners, word joiner, byte-order mark) from both ends, and composes
    /// Unicode to NFC, so that `é` typed as `e` + combining accent equals the precomposed `é`.
    /// Line ends inside the text become `\n` (a cell over several lines from an Excel file ends
    /// its lines with CR LF, from elsewhere with LF: the same text either way).
    public static func text(_ raw: String) -> String {
        trimmedText(raw).withLineFeeds
    }

    private static func trimmedText(_ raw: String) -> String {
        // ASCII text is already NFC: trim its bytes without a trip through Foundation.
        let bytes = raw.utf8
        if bytes.allSatisfy({ $0 < 0x80 }) {
            let isSpace = { (byte: UInt8) in byte == 0x20 || (0x09...0x0D).contains(byte) }
            guard let first = bytes.firstIndex(where: { !isSpace($0) }),
                  let last = bytes.lastIndex(where: { !isSpace($0) }) else { return "" }
            if first == bytes.startIndex, last == bytes.index(before: bytes.endIndex) { return raw }
            return String(raw[first...last])
        }
        if let latin = latinText(raw) { return latin }
        return raw.trimmingCharacters(in: trimmed).precomposedStringWithCanonicalMapping
    }

    /// What ``text(_:)`` trims from both ends of non-ASCII text: white space and line ends, and
    /// the invisible format characters that spreadsheets and web forms leave there (zero-width
    /// space, joiners, word joiner, a byte-order mark inside a cell, a soft hyphen).
    private static let trimmed = CharacterSet.whitespacesAndNewlines
        .union(CharacterSet(charactersIn: "\u{00AD}\u{200B}\u{200C}\u{200D}\u{2060}\u{FEFF}"))

    /// `text` between single quotes for a message, with every character a reader could not see
    /// written as `\u{…}` (controls, format characters such as a zero-width space, and spaces
    /// other than U+0020), so that `'5\u{200B}' is not a number` says why. A value longer than
    /// `limit` characters (``quotedLimit``) is cut there and its length given: the message says
    /// which value it is, the issue's `value` and `rejected/` hold it whole. With no limit, it is
    /// quoted whole.
    public static func quoted(_ text: String, limit: Int? = quotedLimit) -> String {
        let scalars = text.unicodeScalars
        if let limit, scalars.count > limit {
            return quoted(String(String.UnicodeScalarView(scalars.prefix(limit)))).dropLast()
                + "...' (\(scalars.count) characters)"
        }
        return "'" + text.unseenEscaped + "'"
    }

    /// The most characters of a value a message quotes.
    public static let quotedLimit = 100

    /// ``text(_:)`` for text whose scalars are all below U+0300 (Latin-1 and Latin Extended,
    /// without combining marks): such text is already NFC (only combining marks and a few scripts
    /// above U+0300 compose with what precedes them), and its white space is the six ASCII
    /// characters, NEL (U+0085) and the no-break space (U+00A0). Nil for any other text.
    static func latinText(_ raw: String) -> String? {
        let scalars = raw.unicodeScalars
        guard scalars.allSatisfy({ $0.value < 0x300 }) else { return nil }
        let isSpace = { (scalar: Unicode.Scalar) in
            scalar.value == 0x20 || (0x09...0x0D).contains(scalar.value) || scalar.value == 0x85 || scalar.value == 0xA0
                || scalar.value == 0xAD
        }
        guard let first = scalars.firstIndex(where: { !isSpace($0) }),
              let last = scalars.lastIndex(where: { !isSpace($0) }) else { return "" }
        if first == scalars.startIndex, last == scalars.index(before: scalars.endIndex) { return raw }
        return String(scalars[first...last])
    }

    // MARK: - Numbers

    /// A decimal number. With a declared decimal mark the other mark may group thousands (in
    /// groups of three); without one, a number is accepted only when its reading is unambiguous:
    /// `6,5` and `6.5` are 6.5, `1.234,5` and `1,234.5` are 1234.5, but `1,234` and `1.234`
    /// could be either and are rejected. No exponents, no spaces inside, no currency.
    public static func number(_ text: String, decimalMark: DecimalMark?) -> Result<Double, ValueProblem> {
        let problem = { (why: String) in
            Result<Double, ValueProblem>.failure(ValueProblem(rule: "number", message: "\(quoted(text)) is not a number\(why)"))
        }
        var body = Substring(text)
        var negative = false
        if let sign = body.first, sign == "-" || sign == "+" {
            negative = sign == "-"
            body = body.dropFirst()
        }
        guard !body.isEmpty, body.utf8.allSatisfy({ (0x30...0x39).contains($0) || $0 == 0x2E || $0 == 0x2C }),
              body.utf8.contains(where: { (0x30...0x39).contains($0) })
        else {
            // A number with something else in it (`5.x`, `180,5a`, `1e3`, `١٨٠`) says what: the
            // first scalar that is none of 0-9 `.` `,` (a mark joined to a digit is named alone).
            let allowed = { (scalar: Unicode.Scalar) in ("0"..."9").contains(scalar) || scalar == "." || scalar == "," }
            // A sign with a mark joined to it is one character, not taken off above: its sign is
            // skipped, so that the mark is named. Digits of any script count as digits here.
            let all = body.unicodeScalars
            let signed = body.startIndex == text.startIndex && (all.first == "-" || all.first == "+")
            let scalars = signed ? all.dropFirst() : all
            if scalars.contains(where: { $0.properties.generalCategory == .decimalNumber }),
               let other = scalars.first(where: { !allowed($0) }) {
                // A mark alone would sit on the quote: written as its code, as invisible ones are.
                let isMark = [.nonspacingMark, .enclosingMark, .spacingMark].contains(other.properties.generalCategory)
                let shown = isMark ? "'\\u{" + String(other.value, radix: 16, uppercase: true) + "}'" : quoted(String(other))
                return problem(": \(shown) is not one of the digits 0-9 or a decimal mark")
            }
            return problem("")
        }
        let commas = body.filter { $0 == "," }.count
        let points = body.filter { $0 == "." }.count
        let decimal: Character?
        switch decimalMark {
        case .comma: decimal = commas > 0 ? "," : nil
        case .point: decimal = points > 0 ? "." : nil
        case nil:
            if commas > 0, points > 0 {
                // Both marks: the last one is the decimal mark.
                decimal = body.lastIndex(of: ",").flatMap { comma in body.lastIndex(of: ".").map { comma > $0 ? "," : "." } }
            } else if commas + points == 1 {
                let mark: Character = commas == 1 ? "," : "."
                let parts = body.split(separator: mark, omittingEmptySubsequences: false)
                let before = parts[0]
                let after = parts[1]
                let couldGroup = after.count == 3 && !before.isEmpty && before.count <= 3 && before.first != "0"
                if couldGroup {
                    return .failure(ValueProblem(rule: "number", message: "\(quoted(text)) is not a number",
                                                 hint: "'\(mark)' could be a decimal mark or a thousands separator; "
                                                     + "declare 'decimal_mark' for this input"))
                }
                decimal = mark
            } else if commas + points == 0 {
                decimal = nil
            } else {
                // Repeated marks of one kind can only be thousands separators.
                decimal = nil
            }
        }
        let groupMark: Character? = decimal == "," ? "." : decimal == "." ? "," : (commas > 0 ? "," : points > 0 ? "." : nil)
        var integerPart = body
        var fractionPart: Substring = ""
        if let decimal {
            let pieces = body.split(separator: decimal, omittingEmptySubsequences: false)
            guard pieces.count == 2 else { return problem(": more than one decimal mark") }
            integerPart = pieces[0]
            fractionPart = pieces[1]
            guard !fractionPart.isEmpty else { return problem(": no digit after the decimal mark '\(decimal)'") }
            guard fractionPart.allSatisfy(Normalise.isDigit) else { return problem(": only digits may follow the decimal mark '\(decimal)'") }
        }
        if let groupMark, integerPart.contains(groupMark) {
            let groups = integerPart.split(separator: groupMark, omittingEmptySubsequences: false)
            let valid = !groups[0].isEmpty && groups[0].count <= 3 && groups[0].first != "0"
                && groups.dropFirst().allSatisfy { $0.count == 3 }
            guard valid else { return problem(": '\(groupMark)' does not separate groups of three digits") }
            integerPart = Substring(groups.joined())
        }
        guard integerPart.allSatisfy(Normalise.isDigit), !(integerPart.isEmpty && fractionPart.isEmpty) else { return problem("") }
        let canonical = (integerPart.isEmpty ? "0" : String(integerPart)) + (fractionPart.isEmpty ? "" : "." + fractionPart)
        guard let magnitude = Double(canonical), magnitude.isFinite else { return problem("") }
        return .success(negative ? -magnitude : magnitude)
    }

    /// An ASCII digit `0`...`9` (Unicode digits such as `٣` are not accepted in numbers or dates).
    static func isDigit(_ character: Character) -> Bool {
        guard let ascii = character.asciiValue else { return false }
        return (0x30...0x39).contains(ascii)
    }

    // MARK: - Dates

    /// A date in the declared format. Impossible dates (31-02-2024, month 13) are problems, never
    /// rolled over; two-digit years are not accepted by any format. A time of day after the date
    /// and one space (`15-03-2022 10:12:33`, as Castor's `Randomized On` and REDCap's date-time
    /// fields write it; `hh:mm` or `hh:mm:ss`, hours 0-23) is dropped: the study's dates are days.
    public static func date(_ text: String, format: DateFormat, decimalMark: DecimalMark? = nil) -> Result<CalendarDate, ValueProblem> {
        let problem = ValueProblem(rule: "date", message: "\(quoted(text)) is not a date in the format '\(format.rawValue)'")
        if format == .excelSerial {
            switch number(text, decimalMark: decimalMark) {
            case .failure: return .failure(problem)
            case .success(let serial): return excelSerial(serial, text: text)
            }
        }
        var day = Substring(text)
        if let space = text.firstIndex(of: " ") {
            guard isTimeOfDay(text[text.index(after: space)...]) else {
                return .failure(ValueProblem(rule: "date", message: "\(quoted(text)) is not a date in the format "
                    + "'\(format.rawValue)' (a time after it is written hh:mm or hh:mm:ss)"))
            }
            day = text[..<space]
        }
        let separator: Character = format == .dayMonthYearSlash ? "/" : "-"
        let parts = day.split(separator: separator, omittingEmptySubsequences: false)
        guard parts.count == 3, parts.allSatisfy({ !$0.isEmpty && $0.allSatisfy(Normalise.isDigit) }) else {
            return .failure(problem)
        }
        let widths: [ClosedRange<Int>]
        let order: (day: Int, month: Int, year: Int)
        switch format {
        case .dayMonthYearDash, .dayMonthYearSlash: (widths, order) = ([2...2, 2...2, 4...4], (0, 1, 2))
        case .dayMonthYearShort: (widths, order) = ([1...2, 1...2, 4...4], (0, 1, 2))
        case .iso: (widths, order) = ([4...4, 2...2, 2...2], (2, 1, 0))
        case .excelSerial: return .failure(problem)
        }
        guard zip(parts, widths).allSatisfy({ $1.contains($0.count) }),
              let day = Int(parts[order.day]), let month = Int(parts[order.month]), let year = Int(parts[order.year])
        else { return .failure(problem) }
        guard let date = CalendarDate(year: year, month: month, day: day) else {
            let reason = (1...12).contains(month) ? "there is no day \(day) in month \(month) of \(year)"
                : "there is no month \(month)"
            return .failure(ValueProblem(rule: "date", message: "\(quoted(text)) is not a real date (\(reason))"))
        }
        return .success(date)
    }

    /// `hh:mm` or `hh:mm:ss` (`h:mm` too), hours 0-23, minutes and seconds 0-59.
    static func isTimeOfDay(_ text: Substring) -> Bool {
        let parts = text.split(separator: ":", omittingEmptySubsequences: false)
        guard (2...3).contains(parts.count), parts.allSatisfy({ !$0.isEmpty && $0.allSatisfy(Normalise.isDigit) }),
              (1...2).contains(parts[0].count), parts.dropFirst().allSatisfy({ $0.count == 2 }),
              let hour = Int(parts[0]), hour < 24
        else { return false }
        return parts.dropFirst().allSatisfy { (Int($0) ?? 60) < 60 }
    }

    /// An Excel serial day number in the 1900 date system: 1 is 1900-01-01; Excel counts a
    /// 29 February 1900 that never was (serial 60, kept from Lotus 1-2-3), so serials from 61 on
    /// are one day ahead and serial 60 is rejected. A fraction (time of day) is dropped.
    public static func excelSerial(_ serial: Double, text: String? = nil) -> Result<CalendarDate, ValueProblem> {
        let shown = text ?? Value.format(serial)
        let day = serial.rounded(.down)
        guard serial.isFinite, day >= 1, day < 2_958_466 else {
            return .failure(ValueProblem(rule: "date", message: "\(quoted(shown)) is not an Excel serial date (1 is 1900-01-01)"))
        }
        let whole = Int(day)
        if whole == 60 {
            return .failure(ValueProblem(rule: "date", message: "\(quoted(shown)) is Excel's 29 February 1900, a day that does not exist"))
        }
        // 1899-12-31 is serial 0 before the phantom leap day, 1899-12-30 after it.
        let base = whole < 60 ? CalendarDate(year: 1899, month: 12, day: 31) : CalendarDate(year: 1899, month: 12, day: 30)
        guard let base else { return .failure(ValueProblem(rule: "date", message: "\(quoted(shown)) is not an Excel serial date")) }
        return .success(base.adding(days: whole))
    }

    // MARK: - Codes

    /// Yes or no from the boolean vocabulary (matched by ``Vocabularies/key(_:)``).
    public static func boolean(_ text: String, vocabulary: [String: Bool]) -> Result<Bool, ValueProblem> {
        if let value = vocabulary[Vocabularies.key(text)] { return .success(value) }
        return .failure(ValueProblem(rule: "vocabulary", message: "\(quoted(text)) is not a yes/no answer of the boolean vocabulary"))
    }

    /// A canonical code from a vocabulary; `what` names the vocabulary in the message.
    public static func code(_ text: String, vocabulary: [String: String], what: String) -> Result<String, ValueProblem> {
        if let value = vocabulary[Vocabularies.key(text)] { return .success(value) }
        return .failure(ValueProblem(rule: "vocabulary", message: "\(quoted(text)) is not a known \(what) code"))
    }

    /// A duration in `unit`, in weeks, without binary noise (``withoutBinaryNoise(_:magnitude:)``):
    /// 12 months is 52.1775 weeks, not 52.17750000000001, and 78 800 months 342632.25, not
    /// 342632.2500000001. Weeks are taken as they are.
    public static func weeks(_ value: Double, unit: DurationUnit) -> Double {
        guard unit != .weeks else { return value }
        let weeks = value * unit.weeks
        return withoutBinaryNoise(weeks, magnitude: abs(weeks))
    }

    // MARK: - Missing codes

    /// The reason a cell stands for instead of a value, or nil when it holds a value. Empty cells
    /// are `.empty`; Castor's codes apply when enabled (`-95`...`-99`, `##USER_MISSING_95##`...);
    /// declared codes match exactly after trimming. Castor's missing dates (years 2995...2999)
    /// are recognised by ``castorMissingDate(_:)`` after parsing.
    public static func missingReason(_ text: String, codes: MissingCodes) -> MissingReason? {
        if text.isEmpty { return .empty }
        if let declared = codes.declared[text] { return declared }
        guard codes.castor else { return nil }
        if text.count == 3, text.hasPrefix("-"), let code = Int(text.dropFirst()), let reason = MissingReason(castorCode: code) {
            return reason
        }
        if text.hasPrefix("##USER_MISSING_"), text.hasSuffix("##"), text.count == 19,
           let code = Int(text.dropFirst(15).dropLast(2)), let reason = MissingReason(castorCode: code) {
            return reason
        }
        return nil
    }

    /// Castor writes a user-missing date as a date in the year 2995...2999 (the year's last two
    /// digits are the code).
    public static func castorMissingDate(_ date: CalendarDate) -> MissingReason? {
        castorMissingDate(year: date.year)
    }
}
