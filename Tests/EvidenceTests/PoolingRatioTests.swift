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

/// A row the pool cannot weigh (an interval printed with both bounds rounded to one value, an SE
/// whose inverse-variance weight overflows) is left out with a warning at its cell, and the pool
/// is made of the others; every left-out row is located at the column that made it so.
@Test func rowsThatCannotBeWeighedAreLeftOutAndSaid() throws {
    let table = poolStudies([
        ["a", "Alpha", "2001", "B", "1.5", "1", "2", "", "C1", "o", "MD", "difference"],
        ["b", "Beta", "2002", "B", "2.0", "2.0", "2.0", "", "C1", "o", "MD", "difference"],
        ["c", "Gamma", "2003", "B", "2.5", "2", "3", "", "C1", "o", "MD", "difference"],
        ["d", "Delta", "2004", "B", "1", "", "", "1e-170", "C1", "t", "MD", "difference"],
        ["e", "Eps", "2005", "B", "2", "", "", "0.5", "C1", "t", "MD", "difference"],
        ["f", "Phi", "2006", "B", "3", "", "", "0.5", "C1", "t", "MD", "difference"],
        ["c", "Gamma", "2007", "B", "3", "", "", "0.5", "C1", "t", "MD", "ratio"],
    ])
    let pooled = poolEstimates(literature: table)
    #expect(pooled.pools.map(\.key.outcome) == ["o", "t"])
    #expect(pooled.pools.map { $0.entries.map(\.studyID) } == [["a", "c"], ["e", "f"]])
    #expect(pooled.diagnostics.map(\.rule) == ["evidence.pooling-no-weight", "evidence.pooling-no-weight", "evidence.pooling-scale"])
    #expect(pooled.diagnostics.map { "\($0.location.line):\($0.location.column.map(String.init) ?? "-")" } == ["3:7", "5:8", "8:12"])
    #expect(pooled.diagnostics.first?.message == "study 'b' has a 95 % CI too narrow to weigh by its inverse variance; it is not pooled in 'o (MD)'")
}

/// Weights each finite whose sum overflows (several SEs near 1e-154) give no pool, and say so at
/// the pool's first row, rather than a row of empty estimates beside an SE of 0.
@Test func aPoolWhoseWeightsOverflowTogetherIsNotReportedAndSaid() {
    let table = poolStudies([
        ["a", "Alpha", "2001", "B", "1", "", "", "1e-154", "C1", "o", "MD", "difference"],
        ["b", "Beta", "2002", "B", "2", "", "", "1e-154", "C1", "o", "MD", "difference"],
        ["c", "Gamma", "2003", "B", "3", "", "", "0.5", "C1", "o", "MD", "difference"],
    ])
    let pooled = poolEstimates(literature: table)
    #expect(pooled.pools.isEmpty)
    #expect(pooled.diagnostics.map { "\($0.rule) \($0.location.line)" } == ["evidence.pooling-no-weight 2"])
    #expect(pooled.diagnostics.first?.message
        == "pool 'o (MD)' cannot be computed: its studies' estimates or inverse-variance weights are too large for the weighted sums and Q; it is not reported")
}
