import StudyModel
import Testing
import TestSupport
@testable import Profiling

/// `Rule.truth(_:)` decides assignments on its own, so it must agree with the full evaluation on
/// every rule and every kind of value: present, missing, absent and of the wrong kind.
@Suite struct RuleTruthTests {
    private static let signs: [Field] = [.rfNightPain, .rfMalaise, .rfTrauma]

    /// A random rule of depth at most `depth`: conditions of each test kind, combined by every
    /// combinator (with zero to three members and thresholds from 0 to 3).
    private static func rule(_ generator: inout SeededGenerator, depth: Int) -> Rule {
        let pick = Int(generator.next() % 5)
        if depth == 0 || pick < 2 {
            switch generator.next() % 3 {
            case 0: return .condition(Condition(field: signs[Int(generator.next() % 3)], test: .isTrue))
            case 1: return .condition(Condition(field: .age, test: .compare(.greaterThan, Double(generator.next() % 3) * 20)))
            default: return .condition(Condition(field: .sex, test: .code(.equal, "F")))
            }
        }
        let members = (0..<Int(generator.next() % 4)).map { _ in rule(&generator, depth: depth - 1) }
        let name: String? = generator.next() % 2 == 0 ? nil : "rule \(depth)"
        switch pick {
        case 2: return .anyOf(name: name, members)
        case 3: return .allOf(name: name, members)
        default: return .atLeast(name: name, k: Int(generator.next() % 4), members)
        }
    }

    /// Random values for the fields the rules read: absent, missing, a value of the field's
    /// kind, or one of the wrong kind.
    private static func values(_ generator: inout SeededGenerator) -> FieldValues {
        var values = FieldValues(level: .participant)
        for field in signs + [.age, .sex] {
            let right: Value = switch field {
            case .age: .number(Double(generator.next() % 60))
            case .sex: .text(generator.next() % 2 == 0 ? "F" : "m")
            default: .boolean(generator.next() % 2 == 0)
            }
            switch generator.next() % 4 {
            case 0: values[field] = nil
            case 1: values[field] = .missing(.notDone)
            case 2: values[field] = right
            default: values[field] = field == .age ? .text("old") : .number(1)
            }
        }
        return values
    }

    @Test func truthAgreesWithTheFullEvaluation() {
        var generator = SeededGenerator(seed: 61)
        var seen: [Truth: Int] = [:]
        for _ in 0..<3_000 {
            let rule = Self.rule(&generator, depth: 3)
            for _ in 0..<4 {
                let values = Self.values(&generator)
                let truth = rule.truth(values)
                #expect(truth == rule.evaluate(values).truth, "\(rule)")
                seen[truth, default: 0] += 1
            }
        }
        // Every outcome came up often enough for the comparison to mean something.
        for truth in [Truth.yes, .no, .unknown] {
            #expect(seen[truth, default: 0] > 500, "\(truth): \(seen[truth, default: 0])")
        }
    }
}
