import Foundation
import PipelineRunner
import Testing
import TestSupport

/// The response table's suppression seen as a reader sees it: a trial where one arm has nobody in
/// profile 2 (a row of 0 analysed) beside profiles 3a and 3b. The reader knows that row's
/// responders are 0, so `all = 2 + 3a + 3b` may not leave exactly one responder count hidden.
@Suite struct ResponseSuppressionTests {
    static let pipeline = """
        study:
          name: tiny
        report:
          max_errors: 1000
        inputs:
          - path: part.csv
            source: generic
            holds: participants
            delimiter: ","
          - path: visits.csv
            source: generic
            holds: visits
            delimiter: ","
            date_format: yyyy-mm-dd
        fields:
          participant_id: id
          site: site
          arm: arm
          duration_weeks: dur
          ompsq_total: ompsq
          rad_unilateral_leg_pain: rad
          visit: visit
          visit_date: vdate
          rmdq: rmdq
        vocabularies:
          arms:
            - {id: A, label: ArmA, codes: ['A']}
            - {id: B, label: ArmB, codes: ['B']}
            - {id: R, label: Ref, codes: ['R'], reference: true}
          visits:
            baseline: [bl]
            week12: [w12]
          sites:
            S1: [s1]
        visits:
          baseline: {week: 0, window_days: 7}
          week12: {week: 12, window_days: 14}
        profiles:
          rules: rules.yml
        analysis:
          reference_arm: R
          timepoints: [week12]
          outcomes:
            - {field: rmdq, label: RMDQ, responder: {rule: absolute, points: 5}}
        publication:
          small_cell_threshold: 5
        """

    static let rules = """
        rule_set:
          name: tiny
          version: "1.0"
          title: tiny test rules
          status: test
        profiles:
          - code: "2"
            label: Radicular
            any_of:
              - rule: radicular_signs
                any_of: [rad_unilateral_leg_pain]
          - code: "3"
            label: Non-specific
            otherwise: true
            split:
              - {code: 3a, label: Acute, when: duration_weeks < 12}
              - {code: 3b, label: Chronic, when: duration_weeks >= 12}
            suffixes:
              - {suffix: "+Y", rule: yellow_flags, when: ompsq_total >= 50}
        """

    static let participants = """
        id,site,arm,dur,ompsq,rad
        P0001,s1,A,5,10,0
        P0002,s1,A,5,10,0
        P0003,s1,A,5,10,0
        P0004,s1,A,5,10,0
        P0005,s1,A,5,10,0
        P0006,s1,A,5,10,0
        P0007,s1,A,5,10,0
        P0008,s1,A,5,60,0
        P0009,s1,A,5,60,0
        P0010,s1,A,5,60,0
        P0011,s1,A,5,60,0
        P0012,s1,A,5,60,0
        P0013,s1,A,5,60,0
        P0014,s1,A,5,60,0
        P0015,s1,A,20,10,0
        P0016,s1,A,20,10,0
        P0017,s1,A,20,60,0
        P0018,s1,A,20,60,0
        P0019,s1,A,20,60,0
        P0020,s1,A,20,60,0
        P0021,s1,A,20,60,0
        P0022,s1,A,20,60,0
        P0023,s1,A,20,60,0
        P0024,s1,A,20,60,0
        P0025,s1,A,20,60,0
        P0026,s1,R,5,10,1
        """

    static let visits = """
        id,visit,vdate,rmdq
        P0001,bl,2024-01-02,16
        P0001,w12,2024-03-26,10
        P0002,bl,2024-01-03,19
        P0002,w12,2024-03-27,12
        P0003,bl,2024-01-04,17
        P0003,w12,2024-03-28,9
        P0004,bl,2024-01-05,15
        P0004,w12,2024-03-29,9
        P0005,bl,2024-01-06,18
        P0005,w12,2024-03-30,11
        P0006,bl,2024-01-07,16
        P0007,bl,2024-01-08,19
        P0008,bl,2024-01-09,18
        P0008,w12,2024-04-02,12
        P0009,bl,2024-01-10,16
        P0009,w12,2024-04-03,9
        P0010,bl,2024-01-11,19
        P0010,w12,2024-04-04,18
        P0011,bl,2024-01-12,17
        P0011,w12,2024-04-05,15
        P0012,bl,2024-01-13,15
        P0012,w12,2024-04-06,14
        P0013,bl,2024-01-14,18
        P0013,w12,2024-04-07,16
        P0014,bl,2024-01-15,16
        P0014,w12,2024-04-08,15
        P0015,bl,2024-01-16,15
        P0015,w12,2024-04-09,14
        P0016,bl,2024-01-17,18
        P0016,w12,2024-04-10,16
        P0017,bl,2024-01-18,17
        P0017,w12,2024-04-11,11
        P0018,bl,2024-01-19,15
        P0018,w12,2024-04-12,8
        P0019,bl,2024-01-20,18
        P0019,w12,2024-04-13,10
        P0020,bl,2024-01-21,16
        P0020,w12,2024-04-14,10
        P0021,bl,2024-01-22,19
        P0021,w12,2024-04-15,12
        P0022,bl,2024-01-23,17
        P0022,w12,2024-04-16,9
        P0023,bl,2024-01-24,15
        P0023,w12,2024-04-17,14
        P0024,bl,2024-01-25,18
        P0024,w12,2024-04-18,16
        P0025,bl,2024-01-26,16
        P0025,w12,2024-04-19,15
        P0026,bl,2024-01-27,16
        P0026,w12,2024-04-20,15
        """

    @Test func aRowOfNobodyAnalysedLeavesNoLoneHiddenResponderCount() throws {
        let folder = try TemporaryDirectory(prefix: "lbp-zero-row")
        defer { folder.remove() }
        try folder.write(Self.rules, to: "rules.yml")
        try folder.write(Self.participants, to: "part.csv")
        try folder.write(Self.visits, to: "visits.csv")
        let pipeline = try folder.write(Self.pipeline, to: "p.yml")
        #expect(Run.run(pipeline: pipeline, outputFolder: folder.file("out")).problems.isEmpty)
        let tables = try String(contentsOfFile: folder.file("out") + "/tables/tables.md", encoding: .utf8)
        // The complete-case response table's rows of arm A: group → responders cell.
        let rows = tables.split(separator: "\n").map(String.init).filter { $0.contains("| ArmA |") && $0.hasSuffix("|") }
        func responders(_ group: String) -> String? {
            rows.first { $0.hasPrefix("| \(group) | ArmA |") }?.split(separator: "|").last.map { $0.trimmingCharacters(in: .whitespaces) }
        }
        #expect(rows.first { $0.hasPrefix("| Profile 2 | ArmA |") }?.contains("| 0 |") == true, "\(rows)")
        let all = try #require(responders("All"))
        #expect(!all.hasPrefix("x") && !all.hasPrefix("<"), "all's responders are shown: \(all)")
        let profiles = ["Profile 3a", "Profile 3b"].compactMap(responders)
        #expect(profiles.count == 2)
        #expect(profiles.filter { $0.hasPrefix("x") || $0.hasPrefix("<") }.count != 1, "\(profiles)")
    }
}
