import CSVKit
import Evidence

/// CSV tables of the evidence summary. Evidence rows carry typed cells, written as every other
/// table writes them: numbers with 4 decimals, p-values with 4 significant digits, so that a
/// value reads the same here as in `comparisons.csv`.
public enum EvidenceTables {
    public static func table<Row: EvidenceOutputRow>(_ fileName: String, _ rows: [Row]) -> CSVTable {
        var table = CSVTable(fileName: fileName, columns: Row.columns)
        for row in rows {
            table.append(row.cells.map { cell in
                switch cell {
                case .text(let text): Cell.text(text)
                case .number(let value): Cell.estimate(value)
                case .pValue(let value): Cell.pValue(value)
                case .integer(let value): .number(String(value))
                case .empty: .empty
                }
            })
        }
        return table
    }

    public static func all(_ summary: EvidenceSummary) -> [CSVTable] {
        [
            table("evidence_table.csv", summary.evidenceTable),
            table("conclusions.csv", summary.conclusions),
            table("summary_of_findings.csv", summary.summaryOfFindings),
            table("pooled_estimates.csv", summary.pooledEstimates),
        ]
    }
}
