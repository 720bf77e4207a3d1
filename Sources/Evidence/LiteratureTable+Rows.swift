extension LiteratureTable {
    /// One `evidence_table.csv` row per accepted study row, in file order, with the text as printed.
    public func evidenceRows() -> [EvidenceTableRow] {
        studies.map { study in
            EvidenceTableRow(
                study: study.author, year: study.year, level: study.grade.rawValue, studyType: study.studyType,
                inclusionCriteria: study.inclusionCriteria, population: Self.population(of: study), description: study.description,
                effectMeasure: study.effectMeasure, result: study.result, source: .literature, studyID: study.studyID,
                conclusionIDs: study.conclusionIDs, outcome: study.outcome, estimate: study.estimate, ciLow: study.ciLow,
                ciHigh: study.ciHigh, standardError: study.standardError)
        }
    }

    /// The evidence table's population cell, which includes the size (chapter 5: "Populatie
    /// (inclusief grootte)"): the text as printed, followed by `(n=1885)` when the study states a
    /// size the text does not already give as a number of its own (`1885 werknemers in de VS`
    /// stays as it is; `werknemers in de VS` becomes `werknemers in de VS (n=1885)`).
    static func population(of study: LiteratureStudy) -> String {
        guard let size = study.size else { return study.population }
        if numbers(in: study.population).contains(size) { return study.population }
        return study.population.isEmpty ? "n=\(size)" : "\(study.population) (n=\(size))"
    }

    /// The whole numbers a text writes, a group separator (`.`, `,`, a no-break or a narrow
    /// no-break space) read as one when it follows a first group of one to three digits and
    /// separates groups of exactly three, the same separator throughout: `1.885 werknemers` and
    /// `12,345,678` hold one number each; `2,5 jaar`, `1234.567`, `31.12.2005` and `40 120` more.
    static func numbers(in text: String) -> [Int] {
        let characters = Array(text)
        let separators: Set<Character> = [".", ",", "\u{00A0}", "\u{202F}"]
        func isDigit(_ position: Int) -> Bool {
            position < characters.count && characters[position].isASCII && characters[position].isNumber
        }
        var numbers: [Int] = []
        var index = 0
        while index < characters.count {
            guard isDigit(index) else {
                index += 1
                continue
            }
            var end = index
            while isDigit(end) { end += 1 }
            var digits = String(characters[index..<end])
            // Groups of three after a short first group, all behind the same separator.
            if digits.count <= 3, end < characters.count, separators.contains(characters[end]) {
                let separator = characters[end]
                var groupEnd = end
                while groupEnd < characters.count, characters[groupEnd] == separator,
                      (1...3).allSatisfy({ isDigit(groupEnd + $0) }), !isDigit(groupEnd + 4) {
                    digits += String(characters[(groupEnd + 1)...(groupEnd + 3)])
                    groupEnd += 4
                }
                end = groupEnd
            }
            if let number = Int(digits) { numbers.append(number) }
            index = end
        }
        return numbers
    }

    /// One `conclusions.csv` row per conclusion, in file order.
    ///
    /// The Dutch line pairs the derived level's label and fixed opening with the conclusion as
    /// printed and its stated support: `Niveau 3 — er zijn aanwijzingen dat: Voor werknemers ...
    /// (B Kuijer 2006)`. The English line says what the level rests on.
    public func conclusionRows(settings: EvidenceSettings = EvidenceSettings()) -> [ConclusionRow] {
        assessConclusions(variant: settings.variant).map(Self.conclusionRow)
    }

    static func conclusionRow(_ assessment: ConclusionAssessment) -> ConclusionRow {
        let conclusion = assessment.conclusion
        let derivation = assessment.derivation
        let dutch: String
        let english: String
        if let level = derivation.level {
            dutch = "\(level.dutchLabel) — \(level.dutchWording): \(conclusion.text) (\(conclusion.statedSupport))"
            english = "\(level.englishLabel) — \(level.englishWording): guideline conclusion \(conclusion.conclusionID) "
                + "(stated level \(conclusion.statedLevel.rawValue)) rests on \(derivation.reason)"
        } else {
            dutch = "Geen niveau af te leiden: \(conclusion.text) (\(conclusion.statedSupport))"
            english = "No level derivable: guideline conclusion \(conclusion.conclusionID) (stated level "
                + "\(conclusion.statedLevel.rawValue)) has no supporting studies in the table"
        }
        // Each study once, at the grade it counted at (rows sharing a study id are one study).
        var listed = Set<String>()
        let supporting = assessment.counted.filter { listed.insert($0.studyID).inserted }.map { "\($0.citation) (\($0.grade.rawValue))" }
        let outcomes = Set(assessment.studies.map(\.outcome))
        return ConclusionRow(
            conclusionID: conclusion.conclusionID, source: .literature,
            outcome: outcomes.count == 1 ? outcomes.first ?? "" : "",
            profile: "", comparison: "", timepoint: "", statedLevel: conclusion.statedLevel, derivedLevel: derivation.level,
            variant: derivation.variant, match: assessment.match, reason: assessment.reason,
            dutchWording: derivation.level?.dutchWording ?? "", dutch: dutch, english: english,
            supportingStudies: supporting.joined(separator: "; "))
    }
}
