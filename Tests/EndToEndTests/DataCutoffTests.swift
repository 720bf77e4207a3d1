@testable import Analysis
import Evidence
import Foundation
@testable import PipelineRunner
import Testing
import TestSupport

/// A batch exported while the trial runs (`analysis.data_cutoff`): a randomised participant's
/// follow-up visit that is not recorded and whose window had not closed by the cut-off is not
/// due, and is in no analysis of that visit. Every count is recounted here from the run's clean
/// tables, with the dates worked out by Foundation's calendar.
@Suite struct DataCutoffTests {
    static let cutoff = "2024-06-01"
    /// The sample schedule's follow-up visits: week and window in days.
    static let schedule: [(visit: String, week: Int, window: Int)] = [("week6", 6, 7), ("week12", 12, 14), ("week26", 26, 21)]

    static func day(_ iso: String) -> Date? {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC") ?? .current
        let parts = iso.split(separator: "-").compactMap { Int($0) }
        guard parts.count == 3 else { return nil }
        return calendar.date(from: DateComponents(year: parts[0], month: parts[1], day: parts[2]))
    }

    @Test func visitsNotDueAreInNoAnalysisOfTheirVisit() throws {
        let folder = try TemporaryDirectory(prefix: "lbp-cutoff")
        defer { folder.remove() }
        let pipeline = try LoadedPipelineTests.samplePipeline(in: folder) {
            $0.replacingOccurrences(of: "  interaction: exploratory\n", with: "  interaction: exploratory\n  data_cutoff: \(Self.cutoff)\n")
        }
        let out = folder.file("out")
        #expect(Run.run(pipeline: pipeline, outputFolder: out).exitCode == 0)
        let participants = try LossToFollowUpTests.table(out + "/clean/participants.csv")
        let visits = try LossToFollowUpTests.table(out + "/clean/visits.csv")
        let cutoff = try #require(Self.day(Self.cutoff))

        // Who is randomised to which arm, and whose visit was due at each follow-up.
        let arms = Dictionary(participants.compactMap { row in
            (row["arm"] ?? "").isEmpty ? nil : row["participant_id"].map { ($0, row["arm"] ?? "") }
        }, uniquingKeysWith: { first, _ in first })
        let recorded = Set(visits.map { "\($0["participant_id"] ?? "")/\($0["visit"] ?? "")" })
        let baselineDates = Dictionary(visits.filter { $0["visit"] == "baseline" }.map { ($0["participant_id"] ?? "", $0["visit_date"] ?? "") },
                                       uniquingKeysWith: { first, _ in first })
        let randomisationDates = Dictionary(participants.map { ($0["participant_id"] ?? "", $0["randomisation_date"] ?? "") },
                                            uniquingKeysWith: { first, _ in first })
        func isDue(_ id: String, _ visit: (visit: String, week: Int, window: Int)) -> Bool {
            if recorded.contains("\(id)/\(visit.visit)") { return true }
            let anchor = (randomisationDates[id] ?? "").isEmpty ? baselineDates[id] ?? "" : randomisationDates[id] ?? ""
            guard let start = Self.day(anchor) else { return true }
            return start.addingTimeInterval(Double(visit.week * 7 + visit.window) * 86_400) <= cutoff
        }
        let measured = Dictionary(grouping: visits.filter { row in ["pain_nrs", "rmdq", "odi", "gpe"].contains { !(row[$0] ?? "").isEmpty } },
                                  by: { $0["visit"] ?? "" }).mapValues { Set($0.compactMap { $0["participant_id"] }) }

        let flow = try LossToFollowUpTests.table(out + "/flow.csv")
        func flowCount(_ stage: String, _ arm: String, _ visit: String) -> Int? {
            flow.first { $0["stage"] == stage && $0["arm"] == arm && $0["timepoint"] == visit }.flatMap { Int($0["n"] ?? "") }
        }
        let response = try LossToFollowUpTests.table(out + "/response.csv")
        var notDueInAll = 0
        for arm in Set(arms.values).sorted() {
            let members = arms.filter { $0.value == arm }.map(\.key)
            for visit in Self.schedule {
                let due = members.filter { isDue($0, visit) }
                let analysed = due.filter { measured[visit.visit]?.contains($0) == true }.count
                notDueInAll += members.count - due.count
                #expect(flowCount("not_due", arm, visit.visit) == members.count - due.count, "\(arm) \(visit.visit)")
                #expect(flowCount("analysed", arm, visit.visit) == analysed, "\(arm) \(visit.visit)")
                #expect(flowCount("missing", arm, visit.visit) == due.count - analysed, "\(arm) \(visit.visit)")
                // Non-responder imputation counts everyone due, and only them.
                let nri = response.first {
                    $0["grouping"] == "all" && $0["arm"] == arm && $0["outcome"] == "rmdq" && $0["timepoint"] == visit.visit
                        && $0["approach"] == "nri"
                }
                #expect(nri?["randomised"] == String(due.count) && nri?["responder_n"] == String(due.count), "\(arm) \(visit.visit)")
            }
        }
        // The cut-off leaves some visits undue, so the test can fail.
        #expect(notDueInAll >= 10)
        // A participant's trail says which visit was not due.
        let week26Visit = try #require(Self.schedule.last)
        let undue = try #require(arms.keys.sorted().first { !isDue($0, week26Visit) })
        let trail = Explain.explain(pipeline: pipeline, participant: undue).lines
        #expect(trail.contains("    week26: not due by the data cut-off \(Self.cutoff) (its window had not closed): in no analysis of this visit"),
                "\(trail)")

        // The trial's own EBRO grade counts its losses at the last visit among those due: 20.2 %
        // of everyone randomised in the sample, which the grade states, but not more than 20 %
        // of those due by the cut-off.
        let week26 = try #require(Self.schedule.last)
        let dueAtLast = arms.keys.filter { isDue($0, week26) }
        let lostAtLast = dueAtLast.filter { measured[week26.visit]?.contains($0) != true }.count
        #expect(Double(lostAtLast) / Double(dueAtLast.count) <= 0.2)
        #expect(Double(arms.keys.filter { measured[week26.visit]?.contains($0) != true }.count) / Double(arms.count) > 0.2)

        // GRADE's losses to follow-up are of those due.
        let findings = try LossToFollowUpTests.table(out + "/summary_of_findings.csv")
        let profiles = try LossToFollowUpTests.table(out + "/profiles.csv")
        var checked = 0
        for finding in findings {
            guard let reasons = finding["reasons"],
                  let range = reasons.range(of: #"[0-9.]+ % lost to follow-up at \w+"#, options: .regularExpression) else { continue }
            let stated = reasons[range].split(separator: " ")
            let (percent, visitName) = (String(stated[0]), String(stated[stated.count - 1]))
            let visit = try #require(Self.schedule.first { $0.visit == visitName })
            let comparisonArms = (finding["comparison"] ?? "").components(separatedBy: " vs ")
            let group = finding["profile"] ?? ""
            let due = Set(profiles.filter { comparisonArms.contains($0["arm"] ?? "") && (group == "all" || $0["profile"] == group) }
                .compactMap { $0["participant_id"] }.filter { isDue($0, visit) })
            let column = ["rmdq": "rmdq", "pain_nrs": "pain_nrs", "odi": "odi", "gpe_success": "gpe"][finding["outcome"] ?? ""] ?? ""
            let withValue = Set(visits.filter { $0["visit"] == visitName && !($0[column] ?? "").isEmpty }.compactMap { $0["participant_id"] })
            let recounted = (Double(due.subtracting(withValue).count) / Double(due.count) * 100 * 10).rounded() / 10
            #expect(Double(percent) == recounted, "\(finding["outcome"] ?? "") \(group) \(comparisonArms) \(visitName): \(percent) % stated")
            checked += 1
        }
        #expect(checked >= 1)

        let summary = try String(contentsOfFile: out + "/summary.txt", encoding: .utf8)
        let sampleSummary = try String(contentsOfFile: Repository.path("Reports/sample-castor/summary.txt"), encoding: .utf8)
        func unwrapped(_ text: String) -> String { text.split(whereSeparator: \.isWhitespace).joined(separator: " ") }
        #expect(unwrapped(sampleSummary).contains("losses to follow-up at most 20 % (20.2 % at week26)"))
        #expect(!unwrapped(summary).contains("losses to follow-up at most 20 %"))
        #expect(summary.contains("Data cut-off:    \(Self.cutoff): a follow-up visit not recorded"))
        let manifest = try String(contentsOfFile: out + "/manifest.json", encoding: .utf8)
        #expect(manifest.contains("\"data_cutoff\" : \"\(Self.cutoff)\""))
        // Without a cut-off every visit is due: the sample's flow has no such row.
        let sampleFlow = try String(contentsOfFile: Repository.path("Reports/sample-castor/flow.csv"), encoding: .utf8)
        #expect(!sampleFlow.contains("not_due"))
    }

    /// With nobody due at any analysed visit by the cut-off, the trial's loss cannot be judged,
    /// and its EBRO grade says why rather than "not reported".
    @Test func aCutoffBeforeAnyFollowUpLeavesTheLossUnknown() throws {
        let folder = try TemporaryDirectory(prefix: "lbp-cutoff")
        defer { folder.remove() }
        let loaded = try LoadedPipeline.load(try LoadedPipelineTests.samplePipeline(in: folder))
        let reason = "no analysed visit due for half the participants by the data cut-off 2022-01-01"
        let unknown = try #require(EvidenceInputs.ownStudy(loaded.spec.evidence, randomised: 568, followUp: nil, unknownLoss: reason))
        #expect(unknown.grade(settings: EvidenceSettings()).reason.hasSuffix("losses to follow-up at most 20 % (\(reason))"))
        let known = try #require(EvidenceInputs.ownStudy(loaded.spec.evidence, randomised: 568, followUp: ("week26", 500, 60)))
        // 60 of 500 due is 12 %: within the 20 %, so no loss among what the grade lacks.
        #expect(!known.grade(settings: EvidenceSettings()).reason.contains("losses to follow-up"))
        let lossy = try #require(EvidenceInputs.ownStudy(loaded.spec.evidence, randomised: 568, followUp: ("week26", 500, 110)))
        #expect(lossy.grade(settings: EvidenceSettings()).reason.hasSuffix("losses to follow-up at most 20 % (22 % at week26)"))
    }

    /// A visit whose row was rejected in validation took place: it is due, so missing, not left
    /// out as not due (GRO-0541, randomised 26-11-2023, has no week-26 visit otherwise).
    @Test(arguments: [
        // A pain score of 99 on the 0-10 scale rejects the row.
        "GRO-0541;GRO;Week 26;20-05-2024;99;7;26;2;",
        // A field too many: the row is not read, but its id and visit are there.
        "GRO-0541;GRO;Week 26;20-05-2024;3;7;26;2;;extra",
    ])
    func aVisitWithARejectedRowIsDue(row: String) throws {
        let folder = try TemporaryDirectory(prefix: "lbp-cutoff")
        defer { folder.remove() }
        let visits = try String(contentsOfFile: Repository.path("SampleData/castor/visits.csv"), encoding: .utf8)
        func run(_ name: String, extra: String) throws -> (flow: [[String: String]], trail: [String]) {
            // Before the export's last line, whose quote is never closed (a planted problem).
            var lines = visits.components(separatedBy: "\n")
            lines.insert(contentsOf: extra.isEmpty ? [] : [extra], at: max(0, lines.count - 2))
            _ = try folder.write(lines.joined(separator: "\n"), to: "\(name)/visits.csv")
            let pipeline = try LoadedPipelineTests.samplePipeline(in: folder) {
                $0.replacingOccurrences(of: Repository.path("SampleData") + "/castor/visits.csv", with: folder.file("\(name)/visits.csv"))
                    .replacingOccurrences(of: "  interaction: exploratory\n", with: "  interaction: exploratory\n  data_cutoff: \(Self.cutoff)\n")
                    .replacingOccurrences(of: "max_errors: 10", with: "max_errors: 20")
            }
            #expect(Run.run(pipeline: pipeline, outputFolder: folder.file("\(name)/out")).exitCode == 0)
            return (try LossToFollowUpTests.table(folder.file("\(name)/out/flow.csv")),
                    Explain.explain(pipeline: pipeline, participant: "GRO-0541").lines)
        }
        let without = try run("without", extra: "")
        let with = try run("with", extra: row)
        func total(_ flow: [[String: String]], _ stage: String) -> Int {
            flow.filter { $0["stage"] == stage && $0["timepoint"] == "week26" }.reduce(0) { $0 + (Int($1["n"] ?? "") ?? 0) }
        }
        #expect(without.trail.contains { $0.hasPrefix("    week26: not due by the data cut-off") })
        #expect(!with.trail.contains { $0.hasPrefix("    week26: not due") } && with.trail.contains { $0.hasPrefix("    week26: not measured") })
        #expect(total(with.flow, "not_due") == total(without.flow, "not_due") - 1)
        #expect(total(with.flow, "missing") == total(without.flow, "missing") + 1)
    }

    /// The trial's EBRO grade counts its losses at the last visit among those due by the cut-off:
    /// 30 randomised, 4 of them not due and 5 missing at week 26 is 5 lost of 26 due; with nobody
    /// due at week 26, at the last visit anyone was due at.
    @Test func theTrialsLossIsAmongThoseDue() {
        func row(_ stage: String, _ arm: String, _ visit: String, _ count: Int) -> FlowRow {
            FlowRow(stage: stage, arm: arm, profile: "", timepoint: visit, reason: "", count: count)
        }
        let flow = [row("randomised", "a", "", 16), row("randomised", "b", "", 14),
                    row("analysed", "a", "week26", 10), row("missing", "a", "week26", 3), row("not_due", "a", "week26", 3),
                    row("analysed", "b", "week26", 11), row("missing", "b", "week26", 2), row("not_due", "b", "week26", 1),
                    row("missing", "a", "week12", 7), row("not_due", "a", "week12", 6)]
        let atWeek26 = EvidenceInputs.followUp(at: ["week12", "week26"], flow: flow, randomised: 30)
        #expect(atWeek26.map { "\($0.visit) \($0.due) \($0.lost)" } == "week26 26 5")
        // Nobody due at week 26 yet: the loss is judged at week 12, the last visit anyone was due at.
        let nobodyAtWeek26 = flow + [row("not_due", "b", "week26", 26)]
        #expect(EvidenceInputs.followUp(at: ["week12", "week26"], flow: nobodyAtWeek26, randomised: 30).map { "\($0.visit) \($0.due) \($0.lost)" }
            == "week12 24 7")
        #expect(EvidenceInputs.followUp(at: [], flow: flow, randomised: 30) == nil)
        // One of 30 due at week 26 (a row rejected, say) does not judge the trial: fewer than half.
        let oneAtWeek26 = flow + [row("not_due", "b", "week26", 25)]
        #expect(EvidenceInputs.followUp(at: ["week12", "week26"], flow: oneAtWeek26, randomised: 30).map(\.visit) == "week12")
        // Half of them due at week 26 is enough.
        let halfAtWeek26 = flow + [row("not_due", "b", "week26", 11)]
        #expect(EvidenceInputs.followUp(at: ["week12", "week26"], flow: halfAtWeek26, randomised: 30).map(\.visit) == "week26")
    }

    @Test(arguments: [("2024-02-29", nil), ("2025-02-29", "found '2025-02-29'"), ("01-12-2023", "found '01-12-2023'"),
                      ("2023-12-1", "found '2023-12-1'"), ("", "'data_cutoff' in 'analysis' needs a value"), ("~", "'data_cutoff' in 'analysis' needs a value")])
    func theCutoffIsADateWrittenYearMonthDay(text: String, refused: String?) throws {
        let folder = try TemporaryDirectory(prefix: "lbp-cutoff")
        defer { folder.remove() }
        let pipeline = try LoadedPipelineTests.samplePipeline(in: folder) {
            $0.replacingOccurrences(of: "  interaction: exploratory\n", with: "  interaction: exploratory\n  data_cutoff: \(text)\n")
        }
        let checked = Validation.check(pipeline: pipeline)
        if let refused {
            #expect(checked.problems.contains { $0.contains("data_cutoff") && $0.contains(refused) }, "\(checked.problems)")
            #expect(checked.exitCode == 2)
        } else {
            #expect(checked.exitCode == 0, "\(checked.problems)")
        }
    }
}
