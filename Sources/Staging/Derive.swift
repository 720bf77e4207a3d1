import PipelineSpec
import StudyModel

/// The fixed catalogue of derived fields, as pure functions of a record's values.
public enum Derive {
    /// The derived value of `field`, or nil when an input was not collected at all. A missing
    /// input gives a missing result with that input's reason; an invalid combination (onset after
    /// screening) gives a value emptied with reason `invalid` (the rule that found it reports it).
    public static func value(_ field: Field, _ derivation: Derivation, from inputs: [Field: Value]) -> Value? {
        let needed = derivation.inputs(for: field)
        var values: [Value] = []
        for source in needed {
            guard let value = inputs[source] else { return nil }
            if value.isMissing { return value }
            values.append(value)
        }
        switch derivation {
        case .fromBirthYear:
            guard let birthYear = values[0].number, let screening = values[1].date else { return nil }
            return .number(Double(screening.year) - birthYear)
        case .fromOnsetDate:
            guard let onset = values[0].date, let screening = values[1].date else { return nil }
            let days = onset.days(to: screening)
            guard days >= 0 else { return RowReader.invalid(CrossFieldRule.onsetAfterBaseline.rawValue) }
            return .number(Double(days) / 7)
        case .fromAgeAndOnset:
            guard let age = values[0].number, let onset = values[1].date, let screening = values[2].date else { return nil }
            let days = onset.days(to: screening)
            guard days >= 0 else { return RowReader.invalid(CrossFieldRule.onsetAfterBaseline.rawValue) }
            return .number(age - Double(days) / 7 / DurationUnit.weeksPerYear)
        case .ompsq10:
            let items = values.compactMap(\.number)
            guard items.count == 10, let total = ompsq10Total(items) else { return nil }
            return .number(total)
        case .startBack:
            guard let total = startBack(values, psychosocialOnly: field == .startBackPsychosocial) else { return nil }
            return .number(Double(total))
        }
    }

    /// ÖMPSQ-10 total (Linton 2011), scored by ``StudyModel/Questionnaires/ompsqTotal(items:)``:
    /// item 1 counts its duration category (1...10); items 3, 4 and 8 are reversed (10 − value);
    /// range 1...100. nil when an item is out of range (validation reports it first).
    public static func ompsq10Total(_ items: [Double]) -> Double? {
        Questionnaires.ompsqTotal(items: items)
    }

    /// STarT Back (Hill 2008): items 1...8 count 1 when agreed; item 9 (bothersomeness 1...5)
    /// counts 1 for 'very much' (4) or 'extremely' (5). Total over items 1...9 (0...9);
    /// psychosocial subscale over items 5...9 (0...5). `values` are the items in order (all nine,
    /// or items 5...9 for the subscale).
    static func startBack(_ values: [Value], psychosocialOnly: Bool) -> Int? {
        guard let last = values.last?.number else { return nil }
        let agreed = values.dropLast().compactMap(\.boolean)
        guard agreed.count == values.count - 1 else { return nil }
        return Int(Questionnaires.startBackCount(agreed: agreed, bothersomeness: last))
    }
}
