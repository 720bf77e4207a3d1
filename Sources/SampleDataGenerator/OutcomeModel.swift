import StudyModel

/// An outcome the generator simulates at every visit.
public enum Outcome: String, CaseIterable, Sendable {
    case painNRS = "pain_nrs"
    case rmdq
    case odi

    public var field: Field {
        switch self {
        case .painNRS: .painNRS
        case .rmdq: .rmdq
        case .odi: .odi
        }
    }
}

/// The treatment effects planted in the sample data, as extra mean improvement (points on the
/// outcome's own scale, positive = more improvement) over the reference arm, general exercise.
///
/// The arm × profile interaction is planted in RMDQ and pain NRS only: graded activity helps people
/// with chronic pain and yellow flags (3b+Y) much more than anyone else, while motor control helps a
/// little in every profile. ODI has arm effects that are identical in every profile, so at the
/// default size an honest analysis finds no interaction there. The full effect applies at weeks 12
/// and 26 and half of it at week 6. Values are clamped to their scales: the floor at 0 takes about a
/// quarter of an effect in profile 3a, which recovers most, so batches of thousands of participants
/// find an ODI interaction that the floor made (SampleData/README.md).
public enum PlantedEffects {
    /// Share of the full effect reached at each follow-up.
    public static func timeShare(_ visit: VisitName) -> Double {
        switch visit {
        case .baseline: 0
        case .week6: 0.5
        case .week12, .week26: 1
        }
    }

    /// Full extra improvement of `arm` over general exercise in `profile` for `outcome`.
    public static func fullEffect(outcome: Outcome, arm: TrialArm, profile: IntendedProfile) -> Double {
        switch (outcome, arm) {
        case (_, .generalExercise): 0
        case (.rmdq, .motorControl): 1.5
        case (.rmdq, .gradedActivity): profile == .profile3bY ? 4.0 : 0
        case (.painNRS, .motorControl): 0.5
        case (.painNRS, .gradedActivity): profile == .profile3bY ? 1.5 : 0
        case (.odi, .motorControl): 4.0
        case (.odi, .gradedActivity): 2.0
        }
    }

    /// Extra improvement over general exercise at a visit.
    public static func effect(outcome: Outcome, arm: TrialArm, profile: IntendedProfile, visit: VisitName) -> Double {
        fullEffect(outcome: outcome, arm: arm, profile: profile) * timeShare(visit)
    }

    /// The profiles randomised in the trial, in report order.
    public static let randomisedProfiles: [IntendedProfile] = [
        .profile2, .profile3a, .profile3aY, .profile3b, .profile3bY,
    ]
}

/// How outcomes evolve without treatment differences: baseline means and the share of the baseline
/// score that an average participant loses by each visit (natural course plus usual care).
enum NaturalCourse {
    static func baselineMean(_ outcome: Outcome, _ profile: IntendedProfile) -> Double {
        switch (outcome, profile) {
        case (.painNRS, .profile2): 6.8
        case (.painNRS, .profile3a): 6.0
        case (.painNRS, .profile3aY): 6.8
        case (.painNRS, .profile3b): 5.5
        case (.painNRS, .profile3bY): 6.5
        case (.painNRS, .profile1): 6.5
        case (.rmdq, .profile2): 13
        case (.rmdq, .profile3a): 9
        case (.rmdq, .profile3aY): 12
        case (.rmdq, .profile3b): 10
        case (.rmdq, .profile3bY): 14
        case (.rmdq, .profile1): 12
        case (.odi, .profile2): 42
        case (.odi, .profile3a): 28
        case (.odi, .profile3aY): 36
        case (.odi, .profile3b): 30
        case (.odi, .profile3bY): 38
        case (.odi, .profile1): 38
        }
    }

    static func baselineSD(_ outcome: Outcome) -> Double {
        switch outcome {
        case .painNRS: 1.4
        case .rmdq: 4
        case .odi: 12
        }
    }

    /// Visit-to-visit noise around a participant's expected improvement.
    static func noiseSD(_ outcome: Outcome) -> Double {
        switch outcome {
        case .painNRS: 1.2
        case .rmdq: 2.5
        case .odi: 8
        }
    }

    static func recoveredShare(_ profile: IntendedProfile, _ visit: VisitName) -> Double {
        let shares: (Double, Double, Double) =
            switch profile {
            case .profile2, .profile1: (0.30, 0.45, 0.55)
            case .profile3a: (0.40, 0.60, 0.70)
            case .profile3aY: (0.25, 0.40, 0.50)
            case .profile3b: (0.15, 0.25, 0.30)
            case .profile3bY: (0.10, 0.15, 0.20)
            }
        switch visit {
        case .baseline: return 0
        case .week6: return shares.0
        case .week12: return shares.1
        case .week26: return shares.2
        }
    }
}

/// Draws the visits of one randomised participant: dates inside the windows, outcome values,
/// drop-out (about 10 % gone by week 12, 20 % by week 26) and occasional single missed visits.
enum OutcomeModel {
    /// Benign visit remarks (never starting with a character a spreadsheet would run as a formula).
    static let remarks = [
        "Oefeningen thuis goed volgehouden",
        "Afspraak verzet op verzoek van patiënt",
        "Meer pijn na tuinieren",
        "Telefonisch afgenomen",
        "Vragenlijst deels nagevraagd, daarna compleet",
        "Cliënt was op vakantie, bezoek later",
        "Fietst weer naar het werk",
        "Werkt halve dagen",
        "Geen bijzonderheden",
        "Loopt weer 5 km zonder pijn",
    ]

    static func visits(
        profile: IntendedProfile, arm: TrialArm, randomisationDate: CalendarDate, screeningDate: CalendarDate,
        random: inout RandomStream
    ) -> [VisitMeasurement] {
        // Draw everything for every visit first so that attendance never shifts the values.
        let responsiveness = min(1.7, max(0.3, random.normal(mean: 1, sd: 0.25)))
        let painBase = random.normal(mean: NaturalCourse.baselineMean(.painNRS, profile), sd: NaturalCourse.baselineSD(.painNRS))
        let rmdqBase = random.normal(mean: NaturalCourse.baselineMean(.rmdq, profile), sd: NaturalCourse.baselineSD(.rmdq))
        let odiBase = random.normal(mean: NaturalCourse.baselineMean(.odi, profile), sd: NaturalCourse.baselineSD(.odi))
        let painHalfSteps = random.chance(0.3)
        let odiDecimals = random.chance(0.25)

        let baselinePain = roundPain(painBase, halfSteps: painHalfSteps, range: 10...100)
        let baselineRMDQ = rmdqBase.roundedClamped(to: 2...24)
        let baselineODI = roundODI(odiBase, decimals: odiDecimals, range: 40...900)

        var all: [VisitMeasurement] = []
        for visit in VisitName.allCases {
            let spread = visit.drawnSpreadDays
            var date = randomisationDate.adding(days: visit.nominalDay + random.integer(in: -spread...spread))
            if visit == .baseline, date < screeningDate { date = screeningDate }
            let share = NaturalCourse.recoveredShare(profile, visit) * responsiveness
            let painNoise = visit.isFollowUp ? random.normal(mean: 0, sd: NaturalCourse.noiseSD(.painNRS)) : 0
            let rmdqNoise = visit.isFollowUp ? random.normal(mean: 0, sd: NaturalCourse.noiseSD(.rmdq)) : 0
            let odiNoise = visit.isFollowUp ? random.normal(mean: 0, sd: NaturalCourse.noiseSD(.odi)) : 0
            let gpeNoise = random.normal(mean: 0, sd: 0.12)
            let odiNotDone = random.chance(0.01)
            let remarkDraw = random.uniform()
            let remarkChoice = random.element(of: remarks)

            let pain: Int
            let rmdq: Int
            let odi: Int
            if visit == .baseline {
                pain = baselinePain
                rmdq = baselineRMDQ
                odi = baselineODI
            } else {
                let painGain = Double(baselinePain) / 10 * share
                    + PlantedEffects.effect(outcome: .painNRS, arm: arm, profile: profile, visit: visit) + painNoise
                pain = roundPain(Double(baselinePain) / 10 - painGain, halfSteps: painHalfSteps, range: 0...100)
                let rmdqGain = Double(baselineRMDQ) * share
                    + PlantedEffects.effect(outcome: .rmdq, arm: arm, profile: profile, visit: visit) + rmdqNoise
                rmdq = (Double(baselineRMDQ) - rmdqGain).roundedClamped(to: 0...24)
                let odiGain = Double(baselineODI) / 10 * share
                    + PlantedEffects.effect(outcome: .odi, arm: arm, profile: profile, visit: visit) + odiNoise
                odi = roundODI(Double(baselineODI) / 10 - odiGain, decimals: odiDecimals, range: 0...1000)
            }
            let gpe: Int? = visit.isFollowUp ? globalPerceivedEffect(
                baseline: baselineRMDQ, followUp: rmdq, noise: gpeNoise) : nil
            let remark: Observed<String> =
                if remarkDraw < 0.01 { .missing(.notApplicable) }
                else if remarkDraw < 0.09 { .value(remarkChoice) }
                else { .missing(.empty) }
            all.append(VisitMeasurement(
                visit: visit, date: date, painTenths: pain, rmdq: rmdq,
                odiTenths: odiNotDone ? .missing(.notDone) : .value(odi), gpe: gpe, remark: remark))
        }

        // Drop-out after the last attended visit, then occasional single missed follow-ups.
        let dropDraw = random.uniform()
        let lastAttended: VisitName =
            if dropDraw < 0.02 { .baseline }
            else if dropDraw < 0.07 { .week6 }
            else if dropDraw < 0.20 { .week12 }
            else { .week26 }
        var attended: [VisitMeasurement] = []
        for measurement in all {
            let missed = random.chance(0.03)
            guard measurement.visit <= lastAttended else { continue }
            if measurement.visit.isFollowUp, measurement.visit != lastAttended, missed { continue }
            attended.append(measurement)
        }
        return attended
    }

    /// Pain in tenths: whole numbers, or half steps for participants who use them.
    static func roundPain(_ value: Double, halfSteps: Bool, range: ClosedRange<Int>) -> Int {
        if halfSteps { return (value * 2).roundedClamped(to: (range.lowerBound / 5)...(range.upperBound / 5)) * 5 }
        return value.roundedClamped(to: (range.lowerBound / 10)...(range.upperBound / 10)) * 10
    }

    /// ODI in tenths: whole percentages, or one decimal for participants with skipped ODI items.
    static func roundODI(_ value: Double, decimals: Bool, range: ClosedRange<Int>) -> Int {
        if decimals { return (value * 10).roundedClamped(to: range) }
        return value.roundedClamped(to: (range.lowerBound / 10)...(range.upperBound / 10)) * 10
    }

    /// GPE 1 (completely recovered) ... 7 (worse than ever) from the relative RMDQ improvement.
    static func globalPerceivedEffect(baseline: Int, followUp: Int, noise: Double) -> Int {
        let relative = Double(baseline - followUp) / Double(max(baseline, 1)) + noise
        if relative >= 0.75 { return 1 }
        if relative >= 0.45 { return 2 }
        if relative >= 0.15 { return 3 }
        if relative >= -0.10 { return 4 }
        if relative >= -0.30 { return 5 }
        if relative >= -0.60 { return 6 }
        return 7
    }
}
