/// The formulas of the derived fields (the pipeline file's `derive` catalogue), in one place for
/// staging, which derives them per row and per merged record, and for the profile rules, which
/// derive what a record still lacks. The questionnaire totals are in ``Questionnaires``.
public enum DerivedFormulas {
    /// Weeks in a mean Gregorian year (365.2425 days / 7).
    public static let weeksPerYear = 52.1775

    /// `age` from `birth_year`: the year of screening minus the birth year (the true age is this
    /// or one less).
    public static func age(birthYear: Double, screening: CalendarDate) -> Double {
        Double(screening.year) - birthYear
    }

    /// `duration_weeks` from `onset_date`: the days from onset to screening over 7; nil when the
    /// onset is after screening.
    public static func durationWeeks(onset: CalendarDate, screening: CalendarDate) -> Double? {
        let days = onset.days(to: screening)
        return days >= 0 ? Double(days) / 7 : nil
    }

    /// `age_at_onset`: the age at screening minus the duration in years.
    public static func ageAtOnset(age: Double, durationWeeks: Double) -> Double {
        age - durationWeeks / weeksPerYear
    }
}
