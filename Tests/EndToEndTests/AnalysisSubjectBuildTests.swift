import Analysis
import Profiling
import Reporting
import StudyModel
@testable import PipelineRunner
import Testing
import TestSupport

extension SamplePipelineTests {
    /// The run builds its analysis subjects from visits grouped by participant and assignments in
    /// participant order; any other order must give the same subjects.
    @Test func analysisSubjectsDoNotDependOnTheOrderOfVisitsOrAssignments() throws {
        let (folder, result) = try Self.run("sample-castor")
        defer { folder.remove() }
        let computation = try #require(result.computation)
        // A run lets the staged records go once its subjects are built; the same staging, by
        // `validate`, keeps them.
        #expect(computation.study.participants.isEmpty && computation.study.visits.isEmpty)
        let validated = Self.inRepository {
            Validation.run(pipeline: "Pipelines/sample-castor.yml", outputFolder: folder.file("validated"))
        }
        let study = try #require(validated.study)
        #expect(result.summary.contains("\(study.participants.count) participants, \(study.visits.count) visits"))
        func build(_ visits: [VisitRecord], _ assignments: [ProfileAssignment])
            -> ([AnalysisSubject], OutcomeColumns, CharacteristicColumns) {
            var outcomes = computation.analysis.outcomeColumns(count: study.participants.count)
            var characteristics = CharacteristicColumns(count: study.participants.count)
            let subjects = AnalysisSubject.build(participants: study.participants, visits: visits, assignments: assignments,
                                                 outcomes: &outcomes, characteristics: &characteristics)
            return (subjects, outcomes, characteristics)
        }
        let (built, outcomes, characteristics) = build(study.visits, computation.assignments)
        #expect(built == computation.subjects)
        #expect(outcomes == computation.outcomes)
        #expect(characteristics == computation.characteristics)
        #expect(built.contains { $0.profile != nil })
        #expect(built.allSatisfy { $0.measurementList.isEmpty && $0.characteristicList.isEmpty })
        // The characteristics are each participant's values with the derived inputs filled in.
        for (index, participant) in study.participants.enumerated() {
            let derived = DerivedInputs.values(participant.values)
            for field in CharacteristicColumns.continuousFields {
                #expect(characteristics.number(field, subject: index) == derived[field]?.number, "\(participant.id) \(field)")
            }
            #expect(characteristics.sex(subject: index) == derived[.sex]?.text)
        }
        // Every column holds, per participant, the value of the last visit at its timepoint (a
        // later visit replaces the whole of an earlier one), read here by id.
        var expected: [String: [String: FieldValues]] = [:]
        for visit in study.visits { expected[visit.participantID, default: [:]][visit.timepoint.name] = visit.values }
        var measured = 0
        for (index, participant) in study.participants.enumerated() {
            for timepoint in outcomes.timepoints {
                for field in outcomes.fields {
                    let value = expected[participant.id]?[timepoint]?.number(field)
                    #expect(outcomes.value(field, at: timepoint, subject: index) == value, "\(participant.id) \(field) \(timepoint)")
                    if value != nil { measured += 1 }
                }
            }
        }
        #expect(measured > study.participants.count)
        // Visits by timepoint (each participant's visits far apart), assignments reversed.
        let byTimepoint = study.visits.enumerated().sorted { left, right in
            left.element.timepoint.name != right.element.timepoint.name
                ? left.element.timepoint.name < right.element.timepoint.name : left.offset < right.offset
        }.map(\.element)
        let reordered = build(byTimepoint, computation.assignments.reversed())
        #expect(reordered.0 == built)
        #expect(reordered.1 == outcomes)
        #expect(reordered.2 == characteristics)
    }
}

extension SamplePipelineTests {
    /// The profile distribution matches assignments with subjects by position when the run's two
    /// lists align; assignments in another order must count the same.
    @Test func profileDistributionDoesNotDependOnTheOrderOfAssignments() throws {
        let (folder, result) = try Self.run("sample-castor")
        defer { folder.remove() }
        let computation = try #require(result.computation)
        func lines(_ assignments: [ProfileAssignment]) -> [String] {
            SummaryText.profileDistribution(assignments, subjects: computation.subjects, arms: computation.pipeline.arms,
                                            order: computation.analysis.order, urgentRules: computation.pipeline.ruleSet.urgent)
        }
        let inOrder = lines(computation.assignments)
        #expect(inOrder.count > 3)
        #expect(lines(computation.assignments.reversed()) == inOrder)
        #expect(lines(Array(computation.assignments.dropFirst())) != inOrder)
    }

    /// The urgent line names the rule set's own urgent rules, and says when it has none.
    @Test func theUrgentLineNamesTheRuleSetsUrgentRules() throws {
        let (folder, result) = try Self.run("sample-castor")
        defer { folder.remove() }
        let computation = try #require(result.computation)
        func urgentLine(_ rules: [Rule]) -> String? {
            SummaryText.profileDistribution(computation.assignments, subjects: computation.subjects, arms: computation.pipeline.arms,
                                            order: computation.analysis.order, urgentRules: rules).first { $0.hasPrefix("Urgent") }
        }
        let urgent = computation.assignments.filter(\.urgent).map(\.participantID).sorted()
        #expect(!urgent.isEmpty)
        #expect(urgentLine(computation.pipeline.ruleSet.urgent) == "Urgent (cauda_equina; refer at once): " + urgent.joined(separator: ", "))
        let other = Rule.allOf(name: "old_male", [.condition(try Condition(parsing: "sex = M"))])
        #expect(urgentLine([other])?.hasPrefix("Urgent (old_male; refer at once): ") == true)
        #expect(urgentLine([]) == "Urgent: the rule set has no urgent rules")
    }

    /// Long site names would make the profile distribution wider than a summary line: its site
    /// columns are then numbered and named below, and the columns split over tables, with every
    /// count as in the one table of short names.
    @Test func profileDistributionKeepsLongSiteNamesWithinTheLineLimit() throws {
        let (folder, result) = try Self.run("sample-castor")
        defer { folder.remove() }
        let computation = try #require(result.computation)
        func lines(_ subjects: [AnalysisSubject]) -> [String] {
            SummaryText.profileDistribution(computation.assignments, subjects: subjects, arms: computation.pipeline.arms,
                                            order: computation.analysis.order, urgentRules: computation.pipeline.ruleSet.urgent)
        }
        let short = lines(computation.subjects)
        let long = lines(computation.subjects.map { subject in
            var renamed = subject
            renamed.site = "Universitair Medisch Centrum, afdeling fysiotherapie " + subject.site
            return renamed
        })
        #expect(short.allSatisfy { $0.count <= SummaryText.lineLimit })
        #expect(long.allSatisfy { $0.count <= SummaryText.lineLimit }, "\(long.map(\.count).max() ?? 0)")
        let sites = Set(computation.subjects.map(\.site)).sorted()
        for (index, site) in sites.enumerated() {
            #expect(long.contains("site \(index + 1): Universitair Medisch Centrum, afdeling fysiotherapie \(site)"))
        }
        let groups = Set(short.dropFirst(2).prefix { !$0.isEmpty }.compactMap { $0.split(separator: " ").first.map(String.init) })
        func counts(_ lines: [String]) -> [Int] {
            lines.filter { line in line.split(separator: " ").first.map { groups.contains(String($0)) } ?? false }
                .flatMap { $0.split(separator: " ").dropFirst().compactMap { Int($0) } }.sorted()
        }
        #expect(!counts(short).isEmpty)
        #expect(counts(long) == counts(short))
        // A name longer than a line is wrapped in the list below the table.
        let longest = String(repeating: "Universitair Medisch Centrum Groningen ", count: 4)
        let wrapped = lines(computation.subjects.map { subject in
            var renamed = subject
            if renamed.site == sites[0] { renamed.site = longest + subject.site }
            return renamed
        })
        #expect(wrapped.allSatisfy { $0.count <= SummaryText.lineLimit }, "\(wrapped.map(\.count).max() ?? 0)")
        let list = try #require(wrapped.firstIndex { $0.hasPrefix("site 1: ") })
        #expect(wrapped[list - 1].isEmpty, "a blank line before the list")
        let entry = try #require(wrapped.firstIndex { $0.contains(": Universitair") })
        #expect(wrapped[entry + 1].hasPrefix("    "))
        let joined = ([wrapped[entry]] + wrapped[(entry + 1)...].prefix { $0.hasPrefix("    ") })
            .map { $0.trimmingCharacters(in: .whitespaces) }.joined(separator: " ")
        #expect(joined.hasSuffix(": " + longest.trimmingCharacters(in: .whitespaces) + " " + sites[0]))
        // Thirty sites do not fit in one table even numbered: the columns go over several.
        let many = lines(computation.subjects.enumerated().map { index, subject in
            var renamed = subject
            renamed.site = "centre \(index % 30)"
            return renamed
        })
        #expect(many.allSatisfy { $0.count <= SummaryText.lineLimit })
        #expect(many.filter { $0.hasPrefix("subprofile ") }.count >= 2)
        #expect(many.filter { $0.hasPrefix("site ") }.count == 30)
        // The same participants, only spread over other sites: the counts add up alike.
        let manySum = counts(many).reduce(0, +)
        let shortSum = counts(short).reduce(0, +)
        #expect(manySum == shortSum)
    }
}

extension SamplePipelineTests {
    /// Each visit gives one value per outcome field, however often the plan names the field, and
    /// a later visit of the same timepoint replaces all of the earlier one's values.
    @Test func analysisSubjectsHoldOneValuePerFieldAndVisit() {
        func visit(_ timepoint: String, week: Int, _ values: [Field: Double]) -> VisitRecord {
            var fields = FieldValues(level: .visit)
            for (field, value) in values { fields[field] = .number(value) }
            return VisitRecord(participantID: "P1", timepoint: Timepoint(name: timepoint, week: week, windowDays: 7),
                               values: fields, source: SourceLocation(file: "visits.csv", line: 2))
        }
        let participant = ParticipantRecord(id: "P1", site: "S", arm: nil, values: FieldValues(level: .participant),
                                            sources: [])
        let visits = [
            visit("baseline", week: 0, [.rmdq: 14, .painNRS: 7]),
            visit("week6", week: 6, [.rmdq: 10, .painNRS: 5]),
            visit("week12", week: 12, [.rmdq: 8, .odi: 20]),
            visit("week6", week: 6, [.rmdq: 9, .gpe: 2]),
            visit("week26", week: 26, [.rmdq: 3]),
        ]
        var outcomes = OutcomeColumns(fields: [.rmdq, .painNRS, .rmdq, .gpe, .odi],
                                      timepoints: ["baseline", "week6", "week12"], count: 1)
        var characteristics = CharacteristicColumns(count: 1)
        let subjects = AnalysisSubject.build(participants: [participant], visits: visits, assignments: [],
                                             outcomes: &outcomes, characteristics: &characteristics)
        #expect(subjects.count == 1)
        #expect(subjects.first?.measurementList.isEmpty == true)
        #expect(outcomes.fields == [.rmdq, .painNRS, .gpe, .odi])
        var held: [String: [Field: Double]] = [:]
        for timepoint in outcomes.timepoints {
            for field in outcomes.fields {
                if let value = outcomes.value(field, at: timepoint, subject: 0) { held[timepoint, default: [:]][field] = value }
            }
        }
        #expect(held == ["baseline": [.rmdq: 14, .painNRS: 7], "week12": [.rmdq: 8, .odi: 20], "week6": [.rmdq: 9, .gpe: 2]])
        #expect(outcomes.value(.rmdq, at: "week26", subject: 0) == nil)
    }
}
