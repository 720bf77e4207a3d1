import PipelineSpec
import StudyModel

/// The fixed catalogue of derived fields, as pure functions of a record's values.
public enum Derive {
    /// The derived value of `field`, or nil when an input was not collected at all. A missing
    /// input gives a missing result with that input's reason; an invalid combination (onset after
    /// screening) gives a value emptied with reason `invalid` (the rule that found it reports it).
    public static func value(_ field: Field, _ derivation: Derivation, from inputs: [Field: Value]) -> Value? {
        value(field, derivation, inputs: DerivationInputFields(derivation.inputs(for: field)), from: DictionaryInputs(values: inputs))
    }

    /// The derived value of `field` from a record's values; `inputs` are
    /// `derivation.inputs(for: field)`, looked up once per file by the caller. Reads each input
    /// where it is needed, by its type, so a row allocates and copies nothing.
    static func value<Inputs: DerivationInputs>(_ field: Field, _ derivation: Derivation, inputs needed: DerivationInputFields,
                                                from values: Inputs) -> Value? {
        // A missing input gives its reason (the first one in order); one not collected gives nil.
        for index in 0..<needed.count {
            let source = needed[index]
            guard values.contains(source) else { return nil }
            if values.isMissing(source) { return values.value(source) }
        }
        switch derivation {
        case .fromBirthYear:
            guard let birthYear = values.number(needed[0]), let screening = values.date(needed[1]) else { return nil }
            return .number(DerivedFormulas.age(birthYear: birthYear, screening: screening))
        case .fromOnsetDate:
            guard let onset = values.date(needed[0]), let screening = values.date(needed[1]) else { return nil }
            guard let weeks = DerivedFormulas.durationWeeks(onset: onset, screening: screening) else {
                return RowReader.invalid(CrossFieldRule.onsetAfterBaseline.rawValue)
            }
            return .number(weeks)
        case .fromAgeAndOnset:
            guard let age = values.number(needed[0]), let onset = values.date(needed[1]),
                  let screening = values.date(needed[2]) else { return nil }
            guard let weeks = DerivedFormulas.durationWeeks(onset: onset, screening: screening) else {
                return RowReader.invalid(CrossFieldRule.onsetAfterBaseline.rawValue)
            }
            return .number(DerivedFormulas.ageAtOnset(age: age, durationWeeks: weeks))
        case .ompsq10:
            // Scored by StudyModel's Questionnaires, the one place that knows the ÖMPSQ-10. Every
            // item is there (see above): no total means one is outside its scoring range.
            guard needed.count == 10 else { return nil }
            guard let total = Questionnaires.ompsqTotal(item: { values.number(needed[$0]) }) else { return unscorable }
            return .number(total)
        case .startBack:
            guard let total = startBack(needed, from: values) else { return unscorable }
            return .number(Double(total))
        }
    }

    /// A questionnaire total whose items are all there but one is outside its scoring range (an
    /// out-of-range item kept under a `warning` severity, an ÖMPSQ item 1 of 0): not scored, with
    /// a reason, so that it is not taken for an empty cell.
    static let unscorable = Value.missing(.declared(code: MissingReason.invalidCode, label: "not scored: an item is outside its scoring range"))

    /// STarT Back (Hill 2008): items 1...8 count 1 when agreed; item 9 (bothersomeness 1...5)
    /// counts 1 for 'very much' (4) or 'extremely' (5). Total over items 1...9 (0...9);
    /// psychosocial subscale over items 5...9 (0...5). `items` are the item fields in order (all
    /// nine, or items 5...9 for the subscale), read from `values`; nil when an item is not a yes
    /// or no, or item 9 is outside 1...5.
    static func startBack<Inputs: DerivationInputs>(_ items: DerivationInputFields, from values: Inputs) -> Int? {
        guard items.count > 0, let last = values.number(items[items.count - 1]), (1...5).contains(last) else { return nil }
        var agreed = 0
        for index in 0..<(items.count - 1) {
            guard let answer = values.boolean(items[index]) else { return nil }
            if answer { agreed += 1 }
        }
        return Int(Questionnaires.startBackCount(agreedItems: agreed, bothersomeness: last))
    }
}

/// The input fields of one derivation (`Derivation.inputs(for:)`, at most 16) as plain bytes, so
/// that a row walks them without touching an array.
struct DerivationInputFields {
    private var storage: (UInt64, UInt64) = (0, 0)
    let count: Int

    init(_ fields: [Field]) {
        count = min(fields.count, 16)
        withUnsafeMutableBytes(of: &storage) { bytes in
            for (index, field) in fields.prefix(16).enumerated() {
                bytes.storeBytes(of: field, toByteOffset: index, as: Field.self)
            }
        }
    }

    subscript(index: Int) -> Field {
        withUnsafeBytes(of: storage) { $0.load(fromByteOffset: index, as: Field.self) }
    }
}

/// The values a derivation reads, by field and by type (each as `value(field)?.number` and so on).
protocol DerivationInputs {
    func value(_ field: Field) -> Value?
    func contains(_ field: Field) -> Bool
    func isMissing(_ field: Field) -> Bool
    func number(_ field: Field) -> Double?
    func date(_ field: Field) -> CalendarDate?
    func boolean(_ field: Field) -> Bool?
}

/// A row's participant values being read.
extension FieldValuesBuilder: DerivationInputs {
    func value(_ field: Field) -> Value? { self[field] }
}

/// A staged record's values.
extension FieldValues: DerivationInputs {
    func value(_ field: Field) -> Value? { self[field] }
}

/// Values given as a dictionary (the public ``Derive/value(_:_:from:)``).
struct DictionaryInputs: DerivationInputs {
    let values: [Field: Value]

    func value(_ field: Field) -> Value? { values[field] }
    func contains(_ field: Field) -> Bool { values[field] != nil }
    func isMissing(_ field: Field) -> Bool { values[field]?.isMissing == true }
    func number(_ field: Field) -> Double? { values[field]?.number }
    func date(_ field: Field) -> CalendarDate? { values[field]?.date }
    func boolean(_ field: Field) -> Bool? { values[field]?.boolean }
}
