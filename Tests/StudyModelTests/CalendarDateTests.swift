import Testing
import StudyModel

@Suite struct CalendarDateTests {
    @Test(arguments: [
        (1970, 1, 1, 0), (2000, 3, 1, 11_017), (2024, 2, 29, 19_782), (1900, 1, 1, -25_567), (2999, 12, 31, 376_199),
    ])
    func daysSinceEpochMatchesReference(year: Int, month: Int, day: Int, expected: Int) throws {
        let date = try #require(CalendarDate(year: year, month: month, day: day))
        #expect(date.daysSinceEpoch == expected)
        #expect(date.components == (year, month, day))
    }

    @Test(arguments: [(2024, 2, 30), (2023, 2, 29), (1900, 2, 29), (2024, 4, 31), (2024, 13, 1), (2024, 0, 10), (2024, 1, 0)])
    func impossibleDatesAreRejectedNotRolledOver(year: Int, month: Int, day: Int) {
        #expect(CalendarDate(year: year, month: month, day: day) == nil)
    }

    @Test func roundTripsEveryDayOverFourCenturies() throws {
        var day = try #require(CalendarDate(year: 1800, month: 1, day: 1))
        for _ in 0..<(400 * 366) {
            let (y, m, d) = day.components
            #expect(CalendarDate(year: y, month: m, day: d) == day)
            day = day.adding(days: 1)
        }
    }

    @Test func isoFormatting() throws {
        #expect(try #require(CalendarDate(year: 2024, month: 3, day: 7)).iso == "2024-03-07")
        #expect(try #require(CalendarDate(year: 987, month: 11, day: 30)).iso == "0987-11-30")
        #expect(try #require(CalendarDate(year: 10_000, month: 1, day: 1)).iso == "10000-01-01")
        #expect(try #require(CalendarDate(year: -5, month: 1, day: 1)).iso == "-0005-01-01")
    }

    @Test func isoFormattingAgreesWithItsComponentsOverFourCenturies() throws {
        var day = try #require(CalendarDate(year: 1800, month: 1, day: 1))
        for _ in 0..<(400 * 366) {
            let (y, m, d) = day.components
            let expected = String(y) + "-" + (m < 10 ? "0" : "") + String(m) + "-" + (d < 10 ? "0" : "") + String(d)
            #expect(day.iso == expected)
            day = day.adding(days: 1)
        }
    }
}

/// The derived fields' formulas, against the README's definitions worked by hand.
@Suite struct DerivedFormulasTests {
    @Test func ageDurationAndAgeAtOnset() throws {
        let screening = try #require(CalendarDate(year: 2024, month: 1, day: 2))
        #expect(DerivedFormulas.age(birthYear: 1970, screening: screening) == 54)
        // 1 November 2023 to 2 January 2024: 30 + 31 + 1 = 62 days.
        let onset = try #require(CalendarDate(year: 2023, month: 11, day: 1))
        #expect(DerivedFormulas.durationWeeks(onset: onset, screening: screening) == 62.0 / 7)
        #expect(DerivedFormulas.durationWeeks(onset: screening, screening: screening) == 0)
        #expect(DerivedFormulas.durationWeeks(onset: screening, screening: onset) == nil)
        // A year of 365 days is 365 / 7 / 52.1775 years: just over one, so 51 gives just over 50.
        let ageAtOnset = DerivedFormulas.ageAtOnset(age: 51, durationWeeks: 365.0 / 7)
        #expect(abs(ageAtOnset - (51 - 365.0 / 365.2425)) < 1e-12)
        #expect(ageAtOnset > 50)
    }
}
