import StudyModel

/// Builds participant `index` of a study of `count` from the seed alone, so that any participant can
/// be rebuilt on its own and every export file can be written in a single streaming pass.
///
/// The intended profile is drawn first; then signs consistent with it under the default rules:
/// profile-1 participants fire their cluster on known signs, everyone else stays below every red-flag
/// threshold even if each unknown sign were true, profile-3 participants have at most one radicular
/// sign. A few participants (index ≡ 37 mod 75) lose a decisive input on purpose and are truly
/// unclassified.
struct ParticipantFactory {
    let seed: UInt64
    let count: Int

    /// Participant-id number width: at least four digits.
    var idWidth: Int { max(4, String(count).count) }

    /// Planted-unclassified participants: index 37 of every block of 75 (8 in 600).
    static func unclassifiedReason(index: Int) -> UnclassifiedReason? {
        guard index % 75 == 37 else { return nil }
        let reasons = UnclassifiedReason.allCases
        return reasons[(index / 75) % reasons.count]
    }

    func make(index: Int) -> SyntheticParticipant {
        var random = RandomStream(seed: seed, index: index, purpose: .screening)
        let site = Site.all[random.weightedIndex(Site.all.map(\.weight))]
        let id = site.abbreviation + "-" + Self.zeroPadded(index + 1, width: idWidth)
        let screeningDate = StudyDesign.recruitmentStart.adding(
            days: Int((Int64(index) * Int64(StudyDesign.recruitmentDays)) / Int64(max(count, 1))))
        let creationSecond = random.integer(in: (8 * 3600)...(17 * 3600))

        let unclassified = Self.unclassifiedReason(index: index)
        let profile: IntendedProfile
        if unclassified != nil {
            profile = random.element(of: [.profile3a, .profile3aY, .profile3b, .profile3bY])
        } else {
            let profiles: [IntendedProfile] = [.profile1, .profile2, .profile3a, .profile3aY, .profile3b, .profile3bY]
            profile = profiles[random.weightedIndex([0.05, 0.15, 0.8 * 0.4 * 0.72, 0.8 * 0.4 * 0.28, 0.8 * 0.6 * 0.6, 0.8 * 0.6 * 0.4])]
        }
        let cluster: RedFlagCluster? = profile == .profile1
            ? RedFlagCluster.allCases[random.weightedIndex([0.30, 0.25, 0.15, 0.20, 0.10])] : nil

        var screening = drawScreening(
            profile: profile, cluster: cluster, unclassified: unclassified, screeningDate: screeningDate,
            creationSecond: creationSecond, site: site, random: &random)

        var randomisation: Randomisation?
        var visits: [VisitMeasurement] = []
        var status = ParticipantStatus.excluded
        if profile != .profile1 {
            let date = screeningDate.adding(days: random.integer(in: StudyDesign.randomisationDelayDays))
            let arm = TrialArm.allCases[random.integer(in: 0...2)]
            randomisation = Randomisation(date: date, arm: arm)
            var outcomes = RandomStream(seed: seed, index: index, purpose: .outcomes)
            visits = OutcomeModel.visits(
                profile: profile, arm: arm, randomisationDate: date, screeningDate: screeningDate, random: &outcomes)
            status = visits.last?.visit == .week26 ? .completed : .stopped
        }
        screening.remark = drawScreeningRemark(site: site, random: &random)
        return SyntheticParticipant(
            index: index, id: id, site: site, intendedProfile: profile, intendedCluster: cluster,
            unclassifiedReason: unclassified, screening: screening, randomisation: randomisation, visits: visits,
            status: status)
    }

    // MARK: - Screening

    private func drawScreening(
        profile: IntendedProfile, cluster: RedFlagCluster?, unclassified: UnclassifiedReason?,
        screeningDate: CalendarDate, creationSecond: Int, site: Site, random: inout RandomStream
    ) -> Screening {
        // Demographics and the duration of the current episode, shaped by the intended profile.
        var sex: Sex = random.chance(0.55) ? .female : .male
        var age = random.normal(mean: 46, sd: 13).roundedClamped(to: 18...79)
        var durationDays: Int
        switch profile {
        case .profile3a, .profile3aY: durationDays = random.integer(in: 3...80)
        case .profile3b, .profile3bY: durationDays = 88 + Int(random.uniform() * random.uniform() * 1400)
        case .profile2: durationDays = random.chance(0.6) ? random.integer(in: 7...80) : random.integer(in: 88...700)
        case .profile1: durationDays = random.integer(in: 7...200)
        }
        switch cluster {
        case .malignancy:
            age = random.integer(in: 56...82)
            durationDays = random.integer(in: 14...150)
        case .osteoporoticFracture:
            sex = .female
            age = random.integer(in: 63...86)
        case .ankylosingSpondylitis, .spondylolisthesis:
            if cluster == .ankylosingSpondylitis { sex = .male }
            age = random.integer(in: 23...40)
            // Complaints since adolescence: onset between 15 and 18.5 years of age.
            let onsetAge = 15 + random.uniform() * 3.5
            durationDays = Int((Double(age) - onsetAge) * 365.2425)
        case .vertebralFracture:
            durationDays = random.integer(in: 1...20)
        case nil:
            break
        }
        if unclassified == .malignancyUndetermined {
            // Onset before 50 and no ankylosing-spondylitis picture, so only malignancy stays open.
            sex = .female
            age = min(max(age, 25), 49)
        }
        let birthYear = screeningDate.year - age
        let onsetDate = screeningDate.adding(days: -durationDays)

        // Red flags: background prevalence, then the intended cluster's signs.
        let background: [(RedFlag, Double)] = [
            (.continuousPain, 0.04), (.nightPain, 0.10), (.malaise, 0.03), (.historyMalignancy, 0.03),
            (.weightLoss, 0.02), (.corticosteroids, 0.03), (.heightLoss, 0.02), (.kyphosis, 0.04),
            (.lowBodyWeight, 0.01), (.iridocyclitis, 0.01), (.arthritisOrIBD, 0.02), (.morningStiffness, 0.10),
            (.betterWithMovement, 0.15), (.nsaidResponse, 0.08), (.trauma, 0), (.palpableStep, 0.01),
        ]
        var redFlags = Array(repeating: false, count: RedFlag.allCases.count)
        for (flag, probability) in background where random.chance(probability) {
            redFlags[flag.rawValue - 1] = true
        }
        var pinned: [RedFlag] = []
        switch cluster {
        case .malignancy:
            pinned = pick(2...3, of: [.continuousPain, .nightPain, .malaise, .historyMalignancy, .weightLoss], &random)
        case .osteoporoticFracture:
            pinned = pick(2...3, of: [.corticosteroids, .heightLoss, .kyphosis, .lowBodyWeight], &random)
        case .ankylosingSpondylitis:
            pinned = pick(2...3, of: [.iridocyclitis, .arthritisOrIBD, .nightPain, .morningStiffness,
                                      .betterWithMovement, .nsaidResponse], &random)
        case .vertebralFracture:
            pinned = [.trauma]
        case .spondylolisthesis:
            pinned = [.palpableStep]
        case nil:
            redFlags[RedFlag.trauma.rawValue - 1] = false
        }
        if unclassified == .malignancyUndetermined {
            // Two malignancy signs known, the ESR left undone: the cluster can neither fire nor be ruled out.
            for flag in [RedFlag.continuousPain, .malaise, .weightLoss] { redFlags[flag.rawValue - 1] = false }
            pinned = [.historyMalignancy, .nightPain]
        }
        for flag in pinned { redFlags[flag.rawValue - 1] = true }

        let esrDone = !random.chance(0.3)
        let esrRaised = cluster == .malignancy || cluster == .ankylosingSpondylitis ? random.chance(0.5) : random.chance(0.02)
        var raisedESR: Observed<Bool> = esrDone ? .value(esrRaised) : .missing(.notDone)

        // Radicular signs: two or more (or cauda equina) for profile 2, at most one otherwise.
        var radicular = Array(repeating: false, count: RadicularSign.allCases.count)
        var caudaEquina: Observed<Bool> = .value(false)
        if profile == .profile2 {
            let signs = pick(2...4, of: RadicularSign.allCases, &random)
            for sign in signs { radicular[sign.rawValue - 1] = true }
            if random.chance(0.04) {
                caudaEquina = .value(true)
                radicular[random.integer(in: 0...3)] = false
            }
        } else if random.chance(0.25) {
            radicular[random.integer(in: 0...3)] = true
        }

        // Body size; a low body weight sign goes with a BMI below 18.5.
        let heightCM = (sex == .female ? random.normal(mean: 168, sd: 7) : random.normal(mean: 181, sd: 7))
            .roundedClamped(to: 148...205)
        let bmiDraw = random.normal(mean: 26, sd: 3.5)
        let heightM = Double(heightCM) / 100
        let weightDecimals = random.chance(0.4)
        let heightMissing = random.chance(0.02)
        let weightMissing = random.chance(0.02)
        let startBackNotAsked = random.chance(0.01)
        let onsetForgotten = random.chance(0.10)

        // Questionnaires.
        let yellow = profile.hasYellowFlags || (!profile.isProfile3 && random.chance(0.3))
        let category = Self.ompsqDurationCategory(days: durationDays)
        let target = yellow ? random.integer(in: 52...80) : random.integer(in: 18...44)
        var ompsq = Self.ompsqItems(category: category, total: target, random: &random).map { Observed.value($0) }
        var startBack: [Observed<Int>] = []
        for item in 1...8 {
            let probability = item <= 4 ? (profile == .profile2 ? 0.6 : 0.45) : (yellow ? 0.55 : 0.2)
            startBack.append(.value(random.chance(probability) ? 1 : 0))
        }
        startBack.append(.value(yellow ? random.integer(in: 3...5) : random.integer(in: 1...4)))
        if startBackNotAsked { startBack[8] = .missing(.notAsked) }
        let unansweredItem = random.integer(in: 1...9)

        var screening = Screening(
            screeningDate: screeningDate, creationSecond: creationSecond, sex: sex, birthYear: birthYear,
            heightCM: heightMissing ? .missing(.measurementFailed) : .value(heightCM),
            weightTenthsKG: .value(0), onsetDate: .value(onsetDate), redFlags: redFlags, raisedESR: raisedESR,
            radicular: radicular, caudaEquina: caudaEquina, ompsq: ompsq, startBack: startBack,
            remark: .missing(.empty))
        let bmi = screening.redFlag(.lowBodyWeight) ? 16.5 + random.uniform() * 1.8 : min(40, max(19.5, bmiDraw))
        let weight = bmi * heightM * heightM
        let weightTenths = weightDecimals ? (weight * 10).roundedClamped(to: 300...2000)
            : weight.roundedClamped(to: 30...200) * 10
        screening.weightTenthsKG = weightMissing ? .missing(.askedButUnknown) : .value(weightTenths)

        // The planted unclassified participants lose their decisive input.
        switch unclassified {
        case .onsetUnknown: screening.onsetDate = .missing(.askedButUnknown)
        case .ompsqItemNotAsked: ompsq[unansweredItem] = .missing(.notAsked)
        case .ompsqItemEmpty: ompsq[unansweredItem] = .missing(.empty)
        case .malignancyUndetermined: raisedESR = .missing(.notDone)
        case .caudaEquinaUnknown:
            screening.caudaEquina = .missing(.askedButUnknown)
        case nil:
            // Profile 2 does not need the duration: some onset dates were not remembered.
            if profile == .profile2, onsetForgotten { screening.onsetDate = .missing(.askedButUnknown) }
        }
        screening.ompsq = ompsq
        screening.raisedESR = raisedESR

        if profile != .profile1 {
            Self.keepBelowRedFlagThresholds(
                &screening, pinned: pinned, keepUndetermined: unclassified == .malignancyUndetermined ? "malignancy" : nil,
                random: &random)
        }
        return screening
    }

    /// Clears unpinned red flags (and, as a last resort, records the ESR as normal) until no
    /// profile-1 cluster could fire even if every unknown sign were true.
    static func keepBelowRedFlagThresholds(
        _ screening: inout Screening, pinned: [RedFlag], keepUndetermined: String?, random: inout RandomStream
    ) {
        let members: [String: [RedFlag]] = [
            "malignancy": [.continuousPain, .nightPain, .malaise, .historyMalignancy, .weightLoss],
            "osteoporotic_fracture": [.lowBodyWeight, .corticosteroids, .heightLoss, .kyphosis],
            "ankylosing_spondylitis": [.iridocyclitis, .arthritisOrIBD, .nightPain, .morningStiffness,
                                       .betterWithMovement, .nsaidResponse],
            "vertebral_fracture": [.trauma],
            "spondylolisthesis": [.palpableStep],
        ]
        for _ in 0..<64 {
            let truth = DefaultProfileRules.classify(screening)
            let age = truth.age ?? 0
            let clusters = DefaultProfileRules.profile1Clusters(screening, age: age, ageAtOnset: truth.ageAtOnset)
            guard let offending = clusters.first(where: { $0.state != .notFired && $0.name != keepUndetermined }) else {
                return
            }
            let clearable = (members[offending.name] ?? []).filter { screening.redFlag($0) && !pinned.contains($0) }
            if clearable.isEmpty {
                screening.raisedESR = .value(false)
            } else {
                screening.setRedFlag(random.element(of: clearable), false)
            }
        }
    }

    // MARK: - Questionnaire helpers

    /// ÖMPSQ-10 item 1 category for a duration (whole weeks): 1: 0-1 wk, 2: 1-2 wk, 3: 3-4 wk,
    /// 4: 4-5 wk, 5: 6-8 wk, 6: 9-11 wk, 7: 3-6 mo, 8: 6-9 mo, 9: 9-12 mo, 10: over 1 year.
    static func ompsqDurationCategory(days: Int) -> Int {
        switch days / 7 {
        case ..<1: 1
        case 1...2: 2
        case 3: 3
        case 4...5: 4
        case 6...8: 5
        case 9...11: 6
        case 12...25: 7
        case 26...38: 8
        case 39...51: 9
        default: 10
        }
    }

    /// Raw ÖMPSQ-10 answers whose total (items 3, 4 and 8 reversed) is exactly `total`.
    static func ompsqItems(category: Int, total: Int, random: inout RandomStream) -> [Int] {
        let rest = min(90, max(0, total - category))
        var scored = (0..<9).map { _ in
            random.normal(mean: Double(rest) / 9, sd: 2).roundedClamped(to: 0...10)
        }
        var sum = scored.reduce(0, +)
        while sum != rest {
            let slot = random.integer(in: 0...8)
            if sum < rest, scored[slot] < 10 {
                scored[slot] += 1
                sum += 1
            } else if sum > rest, scored[slot] > 0 {
                scored[slot] -= 1
                sum -= 1
            }
        }
        // Items 2...10 are slots 0...8; items 3, 4 and 8 are asked the other way round.
        let raw = scored.enumerated().map { slot, score in [1, 2, 6].contains(slot) ? 10 - score : score }
        return [category] + raw
    }

    private func pick<T>(_ count: ClosedRange<Int>, of items: [T], _ random: inout RandomStream) -> [T] {
        let n = random.integer(in: count)
        return Array(random.shuffled(items).prefix(n))
    }

    // MARK: - Remarks

    /// Screening remarks; several carry é, ë, ï, ü or € so that the Windows-1252 site file really
    /// differs from UTF-8.
    static let screeningRemarks = [
        "Patiënt is gemotiveerd om te starten",
        "Verwezen door huisarts, eerder fysiotherapie gehad",
        "Cliënt werkt in de zorg, wisselende diensten",
        "Geïnteresseerd in groepstraining",
        "Café-eigenaar, veel staand werk",
        "Eigen bijdrage €15 per zitting besproken",
        "Reünie gepland, eerste afspraak daarna",
        "Komt met de fiets",
        "Wil graag snel beginnen",
        "Partner begeleidt naar afspraken",
        "Oefent thuis al met een app",
        "Büro-werk, zit veel",
    ]

    private func drawScreeningRemark(site: Site, random: inout RandomStream) -> Observed<String> {
        let probability = site.windows1252 ? 0.5 : 0.15
        let draw = random.uniform()
        let remark = random.element(of: Self.screeningRemarks)
        return draw < probability ? .value(remark) : .missing(.empty)
    }

    static func zeroPadded(_ value: Int, width: Int) -> String {
        let digits = String(value)
        return String(repeating: "0", count: max(0, width - digits.count)) + digits
    }
}
