import PipelineSpec
import StudyModel

/// Inputs the rules need but exports rarely carry directly, computed once and traced.
public enum DerivedInputs {

    /// Fills `age`, `duration_weeks`, `age_at_onset`, `ompsq_total`, `startback_total` and
    /// `startback_psychosocial` when they are absent (not collected, an empty cell or a
    /// missing-data code) and their sources are present, and says how. A value the export carries
    /// is kept as it is, and so is one a rule emptied (it stays empty).
    public static func derive(_ input: FieldValues) -> (values: FieldValues, derivations: [String]) {
        var derivations: [String] = []
        let values = fill(input) { derivations.append($0()) }
        return (values, derivations)
    }

    /// The values of ``derive(_:)`` alone, without the text of how each was derived.
    public static func values(_ input: FieldValues) -> FieldValues {
        fill(input) { _ in }
    }

    /// Fills the derived inputs of `input`; each one's description is handed to `note`, which
    /// makes the text only when it wants it.
    private static func fill(_ input: FieldValues, note: (() -> String) -> Void) -> FieldValues {
        var values = input

        if isAbsent(values[.age]), let birthYear = values[.birthYear]?.number,
           let screening = values[.screeningDate]?.date {
            let age = DerivedFormulas.age(birthYear: birthYear, screening: screening)
            values[.age] = .number(age)
            note { "age = \(Value.format(age)) from screening_date year \(screening.year) - birth_year \(Value.format(birthYear))" }
        }
        if isAbsent(values[.durationWeeks]), let onset = values[.onsetDate]?.date,
           let screening = values[.screeningDate]?.date {
            if let weeks = DerivedFormulas.durationWeeks(onset: onset, screening: screening) {
                values[.durationWeeks] = .number(weeks)
                note { "duration_weeks = \(Value.format(weeks)) from onset_date \(onset.iso) to screening_date \(screening.iso)" }
            } else {
                // As in staging's derivation: a symptom onset after screening gives no duration.
                note { "duration_weeks left empty: onset_date \(onset.iso) is after screening_date \(screening.iso)" }
            }
        }
        if isAbsent(values[.ageAtOnset]), let age = values[.age]?.number, let weeks = values[.durationWeeks]?.number {
            let ageAtOnset = DerivedFormulas.ageAtOnset(age: age, durationWeeks: weeks)
            values[.ageAtOnset] = .number(ageAtOnset)
            note { "age_at_onset = \(Value.format(ageAtOnset)) from age \(Value.format(age)) - duration_weeks \(Value.format(weeks)) / \(DerivedFormulas.weeksPerYear)" }
        }
        if isAbsent(values[.ompsqTotal]) {
            let items = Field.ompsqItems.map { values[$0]?.number }
            if let total = Questionnaires.ompsqTotal(items: items) {
                values[.ompsqTotal] = .number(total)
                note { "ompsq_total = \(Value.format(total)) from ompsq_1...ompsq_10 (items 3, 4, 8 reversed, item 1 by category)" }
            }
        }
        if isAbsent(values[.startBackTotal]) || isAbsent(values[.startBackPsychosocial]) {
            let items = Field.startBackItems.map { field -> Double? in
                switch values[field] {
                case .boolean(let flag)?: flag ? 1 : 0
                case .number(let number)?: number
                default: nil
                }
            }
            if let scores = Questionnaires.startBackScores(items: items) {
                let fillsTotal = isAbsent(values[.startBackTotal])
                let fillsSubscale = isAbsent(values[.startBackPsychosocial])
                if fillsTotal { values[.startBackTotal] = .number(scores.total) }
                if fillsSubscale { values[.startBackPsychosocial] = .number(scores.psychosocial) }
                note {
                    let filled = (fillsTotal ? ["startback_total = \(Value.format(scores.total))"] : [])
                        + (fillsSubscale ? ["startback_psychosocial = \(Value.format(scores.psychosocial))"] : [])
                    return filled.joined(separator: ", ") + " from startback_1...startback_9"
                }
            }
        }
        return values
    }

    /// No value to keep: not collected, an empty cell, or a missing-data code (the export has no
    /// value, and one can be computed as for an empty cell), also when `required` reported it
    /// under `null-field` (``MissingReason/isEmptiedRequirement``). A value lbp emptied itself
    /// (out of range under `null-field`, a questionnaire not scored: ``MissingReason/isInvalid``)
    /// is kept empty: a rule rejected what it held, and a value computed around it would decide
    /// the profile on data the clean tables do not hold.
    private static func isAbsent(_ value: Value?) -> Bool {
        guard let value else { return true }
        return value.missingReason.map { !$0.isInvalid || $0.isEmptiedRequirement } ?? false
    }
}

extension DerivedInputs {
    /// The fields ``derive(_:)`` computes `field` from when the export does not carry it; nil for
    /// a field it never computes.
    public static func sources(of field: Field) -> [Field]? {
        switch field {
        case .age: [.birthYear, .screeningDate]
        case .durationWeeks: [.onsetDate, .screeningDate]
        case .ageAtOnset: [.age, .durationWeeks]
        case .ompsqTotal: Field.ompsqItems
        case .startBackTotal, .startBackPsychosocial: Field.startBackItems
        default: nil
        }
    }

    /// Whether `field` can hold a value for some participant when the inputs collect `mapped`:
    /// it is mapped, or derivable from fields that are.
    public static func isAvailable(_ field: Field, mapped: Set<Field>) -> Bool {
        mapped.contains(field) || (sources(of: field)?.allSatisfy { isAvailable($0, mapped: mapped) } ?? false)
    }
}
