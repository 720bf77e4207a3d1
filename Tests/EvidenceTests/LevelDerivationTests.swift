import StudyModel
import Testing

@testable import Evidence

/// One row of the decision table: grades (with optional shared ids) and the level each variant
/// gives according to DOMAIN.md §6 (variant A: current EBRO notes; variant B: older CBO table).
struct LevelCase: CustomTestStringConvertible, Sendable {
    var label: String
    /// (study id, grade); distinct ids are independent studies.
    var studies: [(String, EvidenceGrade)]
    var variantA: EvidenceLevel?
    var variantB: EvidenceLevel?

    var testDescription: String { label }

    var graded: [GradedStudy] {
        studies.map { GradedStudy(studyID: $0.0, citation: "\($0.0) 2000", grade: $0.1) }
    }
}

let levelCases: [LevelCase] = [
    LevelCase(label: "one A1", studies: [("s1", .a1)], variantA: .one, variantB: .one),
    LevelCase(label: "two independent A2", studies: [("s1", .a2), ("s2", .a2)], variantA: .one, variantB: .one),
    LevelCase(label: "A1 with A2", studies: [("s1", .a1), ("s2", .a2)], variantA: .one, variantB: .one),
    LevelCase(label: "one A2", studies: [("s1", .a2)], variantA: .two, variantB: .three),
    LevelCase(label: "one A2 reported twice (same id)", studies: [("s1", .a2), ("s1", .a2)], variantA: .two, variantB: .three),
    LevelCase(label: "one A2 and one B", studies: [("s1", .a2), ("s2", .b)], variantA: .two, variantB: .two),
    LevelCase(label: "one A2 and one C", studies: [("s1", .a2), ("s2", .c)], variantA: .two, variantB: .three),
    LevelCase(label: "two independent B", studies: [("s1", .b), ("s2", .b)], variantA: .two, variantB: .two),
    LevelCase(label: "three independent B", studies: [("s1", .b), ("s2", .b), ("s3", .b)], variantA: .two, variantB: .two),
    LevelCase(label: "two B sharing an id", studies: [("s1", .b), ("s1", .b)], variantA: .three, variantB: .three),
    LevelCase(label: "one B", studies: [("s1", .b)], variantA: .three, variantB: .three),
    LevelCase(label: "one B and one C", studies: [("s1", .b), ("s2", .c)], variantA: .three, variantB: .three),
    LevelCase(label: "one C", studies: [("s1", .c)], variantA: .three, variantB: .three),
    LevelCase(label: "two C", studies: [("s1", .c), ("s2", .c)], variantA: .three, variantB: .three),
    LevelCase(label: "B with expert opinion", studies: [("s1", .b), ("wg", .d)], variantA: .three, variantB: .three),
    LevelCase(label: "expert opinion only", studies: [("wg", .d)], variantA: .four, variantB: .four),
    LevelCase(label: "nothing", studies: [], variantA: nil, variantB: nil),
    LevelCase(label: "A2 and B given for one id count once as B", studies: [("s1", .a2), ("s1", .b)],
              variantA: .three, variantB: .three),
]

@Test(arguments: levelCases)
func variantADecidesTheLevel(_ testCase: LevelCase) {
    #expect(EBROVariant.a.deriveLevel(from: testCase.graded).level == testCase.variantA)
}

@Test(arguments: levelCases)
func variantBDecidesTheLevel(_ testCase: LevelCase) {
    #expect(EBROVariant.b.deriveLevel(from: testCase.graded).level == testCase.variantB)
}

@Test func reasonNamesTheRuleAndTheStudies() {
    let studies = [
        GradedStudy(studyID: "iles2008", citation: "Iles 2008", grade: .b),
        GradedStudy(studyID: "turner2008", citation: "Turner 2008", grade: .b),
    ]
    let derivation = EBROVariant.a.deriveLevel(from: studies)
    #expect(derivation.level == .two)
    #expect(derivation.reason.hasPrefix("2 independent B studies: Iles 2008, Turner 2008"))
    #expect(derivation.reason.contains("level 1 needs 1 A1 study, or at least 2 independent A2 studies"))
    #expect(derivation.decidingStudies == ["Iles 2008", "Turner 2008"])
}

@Test func mixedGradesAreListedWithTheirGrade() {
    let studies = [
        GradedStudy(studyID: "a", citation: "Alpha 2001", grade: .a2),
        GradedStudy(studyID: "b", citation: "Beta 2002", grade: .b),
    ]
    let derivation = EBROVariant.b.deriveLevel(from: studies)
    #expect(derivation.level == .two)
    #expect(derivation.reason.hasPrefix("2 independent studies graded B or higher: Alpha 2001 (A2), Beta 2002 (B)"))
}

@Test func sharedStudyIDIsNamedInTheReason() {
    let studies = [
        GradedStudy(studyID: "review", citation: "Schonstein 2003", grade: .b),
        GradedStudy(studyID: "review", citation: "Schaafsma 2009", grade: .b),
    ]
    let derivation = EBROVariant.a.deriveLevel(from: studies)
    #expect(derivation.level == .three)
    #expect(derivation.countedStudies == ["Schonstein 2003"])
    #expect(derivation.reason.contains("'Schonstein 2003' and 'Schaafsma 2009' share study id 'review' and count once"))
}

@Test func conflictingGradesAreReportedAtTheirRow() throws {
    let first = SourceLocation(file: "studies.csv", line: 2, column: 4)
    let second = SourceLocation(file: "studies.csv", line: 5, column: 4)
    let studies = [
        GradedStudy(studyID: "x", citation: "Xu 2004", grade: .a2, source: first),
        GradedStudy(studyID: "x", citation: "Xu 2004", grade: .b, source: second),
    ]
    let derivation = EBROVariant.a.deriveLevel(from: studies)
    let conflict = try #require(derivation.conflicts.first)
    #expect(conflict.gradeUsed == .b)
    let diagnostic = conflict.diagnostic(fallback: SourceLocation(file: "studies.csv"))
    #expect(diagnostic.location == second)
    #expect(diagnostic.severity == .error)
    #expect(diagnostic.message.contains("'Xu 2004' A2, 'Xu 2004' B"))
}

@Test func dutchAndEnglishWordingPerLevel() {
    #expect(EvidenceLevel.one.dutchWording == "het is aangetoond dat")
    #expect(EvidenceLevel.two.dutchWording == "het is aannemelijk dat")
    #expect(EvidenceLevel.three.dutchWording == "er zijn aanwijzingen dat")
    #expect(EvidenceLevel.four.dutchWording == "de werkgroep is van mening dat")
    #expect(EvidenceLevel(text: "Niveau 2") == .two)
    #expect(EvidenceLevel(text: " 4 ") == .four)
    #expect(EvidenceLevel(text: "5") == nil)
    #expect(EvidenceGrade(code: " a2") == .a2)
    #expect(EvidenceGrade(code: "E") == nil)
    #expect(EBROVariant(setting: "variant B") == .b)
    #expect(EBROVariant(setting: "ebro-a") == .a)
    #expect(EBROVariant(setting: "C") == nil)
}
