import StudyModel
import Testing

@testable import Evidence

private let poolHeader = ["study_id", "author", "year", "level", "estimate", "ci_low", "ci_high", "se", "conclusion_ids",
                          "outcome_id", "effect_measure", "scale"]

private func poolStudies(_ rows: [[String]]) -> LiteratureTable {
    let input = TableInput(file: "pool.csv", header: poolHeader,
                           records: rows.enumerated().map { TableRecord(line: $0.offset + 2, fields: $0.element) })
    let conclusions = TableInput(file: "c.csv", header: ["conclusion_id", "stated_level", "stated_support", "text"],
                                 records: [TableRecord(line: 2, fields: ["C1", "2", "B Alpha 2001", "t"])])
    return LiteratureTable(studies: input, conclusions: conclusions)
}

/// Ratios pool on the log scale; an SE comes from the 95 % CI. Reference by hand:
/// log(2) ± (log 4 − log 1)/(2·1.959964) and log(0.5) with SE 0.2 (given on the log scale).
@Test func ratiosPoolOnTheLogScaleAndIntervalsGiveStandardErrors() throws {
    let table = poolStudies([
        ["a", "Alpha", "2001", "B", "2", "1", "4", "", "C1", "rtw", "RR", "ratio"],
        ["b", "Beta", "2002", "B", "0.5", "", "", "0.2", "C1", "rtw", "rr", "ratio"],
        ["a", "Alpha", "2003", "B", "3", "", "", "0.3", "C1", "rtw", "RR", "ratio"],
        ["c", "Gamma", "2004", "B", "0.1", "", "", "0.3", "C1", "rtw", "RR", "difference"],
    ])
    let pooled = poolEstimates(literature: table)
    let pool = try #require(pooled.pools.first)
    #expect(pool.entries.map(\.studyID) == ["a", "b"])
    let first = try #require(pool.entries.first)
    #expect(abs(first.estimate - 0.693_147_180_559_945_3) < 1e-12)
    #expect(abs(first.standardError - 1.386_294_361_119_890_6 / (2 * 1.959_963_984_540_054)) < 1e-12)
    #expect(abs(pool.entries[1].estimate - -0.693_147_180_559_945_3) < 1e-12)
    #expect(pooled.diagnostics.map(\.rule) == ["evidence.pooling-duplicate", "evidence.pooling-scale"])
    let w1 = 1 / (first.standardError * first.standardError)
    let w2 = 1 / 0.04
    let expected = (w1 * 0.693_147_180_559_945_3 + w2 * -0.693_147_180_559_945_3) / (w1 + w2)
    #expect(abs(pool.analysis.fixedEffect.estimate - expected) < 1e-12)
    let row = PooledEstimateRow(pool: pool)
    #expect(row.cells[5] == .number(pool.display(pool.analysis.fixedEffect.estimate)))
    #expect(abs(pool.display(0.693_147_180_559_945_3) - 2) < 1e-12)
}
