import CSVKit
import Evidence

/// CSV tables of the evidence summary. Evidence rows carry typed cells; numbers are written with
/// six significant digits (p-values and small estimates keep their size).
public enum EvidenceTables {
    public static func table<Row: EvidenceOutputRow>(_ fileName: String, _ rows: [Row]) -> CSVTable {
        var table = CSVTable(fileName: fileName, columns: Row.columns)
        for row in rows {
            table.append(row.cells.map { cell in
                switch cell {
                case .text(let text): Cell.text(text)
                case .number(let value): value.isFinite ? .number(NumberFormat.significant(value, digits: 6)) : .empty
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
