import StudyModel

/// Locale-free text for the values the exports write.
enum CellFormat {
    /// `dd-mm-yyyy` (Castor, Dutch spreadsheets).
    static func dutchDate(_ date: CalendarDate) -> String {
        let (year, month, day) = date.components
        return dutchDate(day: day, month: month, year: year)
    }

    static func dutchDate(day: Int, month: Int, year: Int) -> String {
        pad(day, 2) + "-" + pad(month, 2) + "-" + pad(year, 4)
    }

    /// `yyyy-mm-dd` (REDCap raw export).
    static func isoDate(day: Int, month: Int, year: Int) -> String {
        pad(year, 4) + "-" + pad(month, 2) + "-" + pad(day, 2)
    }

    /// `dd-mm-yyyy hh:mm:ss` (Castor's Participant Creation Date).
    static func dutchDateTime(_ date: CalendarDate, second: Int) -> String {
        dutchDate(date) + " " + pad(second / 3600, 2) + ":" + pad(second / 60 % 60, 2) + ":" + pad(second % 60, 2)
    }

    /// A value held in tenths, with one decimal only when needed: `65` → `6,5` (or `6.5`), `60` → `6`.
    static func tenths(_ value: Int, decimalSeparator: String) -> String {
        let sign = value < 0 ? "-" : ""
        let magnitude = abs(value)
        let whole = String(magnitude / 10)
        let fraction = magnitude % 10
        return sign + whole + (fraction == 0 ? "" : decimalSeparator + String(fraction))
    }

    static func pad(_ value: Int, _ width: Int) -> String {
        let digits = String(value)
        return String(repeating: "0", count: max(0, width - digits.count)) + digits
    }
}

/// How Castor writes a missing value in each kind of field.
enum CastorMissing {
    /// Numeric and option fields: -95 ... -99; empty when the cell was simply left empty.
    static func number(_ reason: MissingReason) -> String {
        reason.castorNumber.map { "-" + String($0) } ?? ""
    }

    /// Text fields: `##USER_MISSING_95##` ...
    static func text(_ reason: MissingReason) -> String {
        reason.castorNumber.map { "##USER_MISSING_" + String($0) + "##" } ?? ""
    }

    /// Date fields: 1 January of the year 2995 ... 2999.
    static func date(_ reason: MissingReason) -> String {
        reason.castorNumber.map { CellFormat.dutchDate(day: 1, month: 1, year: 2900 + $0) } ?? ""
    }
}
