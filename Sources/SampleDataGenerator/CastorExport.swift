import CSVKit
import StudyModel

/// The Castor EDC export: one wide screening file per site (`castor/study_<SITE>.csv`) and one long
/// file of repeated visit data (`castor/visits.csv`), semicolon-delimited, with Dutch spreadsheet
/// habits (dd-mm-yyyy, decimal commas, `ja`/`nee`, `M`/`V`) and Castor user-missing codes.
final class CastorExport {
    static let style = "castor"
    static let visitsFile = "castor/visits.csv"

    /// Leading columns of a site file; the older export names the first and third differently.
    static func leadingColumns(olderHeader: Bool) -> [String] {
        [
            olderHeader ? "Record Id" : "Participant Id", "Participant Status",
            olderHeader ? "Institute Abbreviation" : "Site Abbreviation", "Randomization Group", "Randomization Date",
            "Participant Creation Date",
        ]
    }

    /// Screening variables after the leading columns, with the canonical field each one holds (nil
    /// for columns that map to no canonical field).
    static let screeningColumns: [(name: String, field: Field?)] = {
        var columns: [(String, Field?)] = [
            ("datum_screening", .screeningDate), ("geslacht", .sex), ("geboortejaar", .birthYear), ("leeftijd", .age),
            ("lengte_cm", .heightCM), ("gewicht_kg", .weightKG), ("begin_klachten", .onsetDate),
        ]
        columns += RedFlag.allCases.map { ("rode_vlag#" + $0.castorOption, $0.field) }
        columns.append(("bse_verhoogd", .rfRaisedESR))
        columns += RadicularSign.allCases.map { ("radiculair#" + $0.castorOption, $0.field) }
        columns.append(("cauda_equina", .caudaEquina))
        columns += Field.ompsqItems.enumerated().map { ("ompsq_\($0.offset + 1)", $0.element) }
        columns += Field.startBackItems.enumerated().map { ("sbst_\($0.offset + 1)", $0.element) }
        columns.append(("opmerking_screening", nil))
        return columns
    }()

    static let visitColumns: [(name: String, field: Field?)] = [
        ("Participant Id", .participantID), ("Site Abbreviation", .site), ("Repeating Data Name", .visit),
        ("bezoekdatum", .visitDate), ("pijn_nrs", .painNRS), ("rmdq_totaal", .rmdq), ("odi_totaal", .odi),
        ("gpe", .gpe), ("opmerking", .remark),
    ]

    private let siteFiles: [ExportFile]
    private let visits: ExportFile
    private let log: TruthLog
    private var deferredRow: (fields: [String], participant: String, visit: VisitName)?

    init(root: String, log: TruthLog) throws {
        self.log = log
        var files: [ExportFile] = []
        for site in Site.all {
            let file = try ExportFile(
                root: root, relativePath: site.castorFile, delimiter: UInt8(ascii: ";"),
                encoding: site.windows1252 ? .windows1252 : .utf8)
            try file.write(Self.leadingColumns(olderHeader: site.usesOlderHeader) + Self.screeningColumns.map(\.name))
            files.append(file)
        }
        siteFiles = files
        visits = try ExportFile(root: root, relativePath: Self.visitsFile, delimiter: UInt8(ascii: ";"))
        try visits.write(Self.visitColumns.map(\.name))
    }

    // MARK: - Writing

    func write(_ participant: SyntheticParticipant, problems: ParticipantProblems?) throws {
        try writeScreening(participant, problems: problems)
        try writeVisits(participant, problems: problems)
    }

    private func writeScreening(_ participant: SyntheticParticipant, problems: ParticipantProblems?) throws {
        guard let siteIndex = Site.all.firstIndex(of: participant.site) else { return }
        let file = siteFiles[siteIndex]
        let screening = participant.screening
        var cells: [(String, MissingReason?)] = []
        var group = participant.randomisation.map { $0.arm.castorLabel } ?? ""
        if problems?.unknownArm == true { group = ProblemPlan.unknownArmCastor }
        cells.append((participant.id, nil))
        cells.append((participant.status.rawValue, nil))
        cells.append((participant.site.abbreviation, nil))
        cells.append((group, nil))
        cells.append((participant.randomisation.map { CellFormat.dutchDate($0.date) } ?? "", nil))
        cells.append((CellFormat.dutchDateTime(screening.screeningDate, second: screening.creationSecond), nil))
        cells.append((CellFormat.dutchDate(screening.screeningDate), nil))
        cells.append((screening.sex == .male ? "M" : "V", nil))
        cells.append((String(screening.birthYear), nil))
        cells.append((String(screening.age), nil))
        cells.append(Self.number(screening.heightCM) { String($0) })
        cells.append(Self.number(screening.weightTenthsKG) { CellFormat.tenths($0, decimalSeparator: ",") })
        switch screening.onsetDate {
        case .value(let date): cells.append((CellFormat.dutchDate(date), nil))
        case .missing(let reason): cells.append((CastorMissing.date(reason), reason))
        }
        for flag in RedFlag.allCases { cells.append((screening.redFlag(flag) ? "1" : "0", nil)) }
        cells.append(Self.yesNo(screening.raisedESR))
        for sign in RadicularSign.allCases { cells.append((screening.radicularSign(sign) ? "1" : "0", nil)) }
        cells.append(Self.yesNo(screening.caudaEquina))
        for item in screening.ompsq { cells.append(Self.number(item) { String($0) }) }
        for (offset, item) in screening.startBack.enumerated() {
            cells.append(offset < 8 ? Self.yesNo(item.map { $0 == 1 }) : Self.number(item) { String($0) })
        }
        switch screening.remark {
        case .value(let text): cells.append((text, nil))
        case .missing(let reason): cells.append((CastorMissing.text(reason), reason))
        }

        let line = try file.write(cells.map(\.0))
        let names = Self.leadingColumns(olderHeader: participant.site.usesOlderHeader) + Self.screeningColumns.map(\.name)
        let fields: [Field?] = Array(repeating: nil, count: 6) + Self.screeningColumns.map(\.field)
        for (offset, cell) in cells.enumerated() {
            guard let reason = cell.1, let field = fields[offset] else { continue }
            try log.missing(
                style: Self.style, file: file.relativePath, line: line, column: offset + 1, columnName: names[offset],
                participant: participant.id, visit: "", field: field, written: cell.0, reason: reason)
        }
        if problems?.unknownArm == true {
            log.record(PlantedProblem(
                style: Self.style, file: file.relativePath, line: line, column: 4, columnName: names[3],
                participantID: participant.id, visit: "", field: Field.arm.name, value: group, kind: .unknownArm,
                detail: "randomised to '\(participant.randomisation?.arm.id ?? "")', withdrew before baseline (no visit rows)"))
        }
    }

    private func writeVisits(_ participant: SyntheticParticipant, problems: ParticipantProblems?) throws {
        var reportedMissingBaseline = false
        for measurement in participant.visits {
            if measurement.visit == .baseline, problems?.baselineRowMissing == true { continue }
            var fields = visitFields(participant, measurement)
            let planned = problems?.problem(at: measurement.visit)
            let planting = VisitRowProblems(style: Self.style, file: Self.visitsFile, columns: Self.visitColumns, log: log,
                                            participant: participant.id, visit: measurement.visit)
            switch planned {
            case .painOutOfRange: fields[planting.column(of: .painNRS) - 1] = "11"
            case .rmdqOutOfRange: fields[planting.column(of: .rmdq) - 1] = "25"
            case .impossibleDate:
                let (day, month, year) = ProblemPlan.impossibleDate(near: measurement.date)
                fields[planting.column(of: .visitDate) - 1] = CellFormat.dutchDate(day: day, month: month, year: year)
            case .formulaRemark(let text): fields[planting.column(of: .remark) - 1] = text
            case .unterminatedQuote:
                fields[planting.column(of: .remark) - 1] = ProblemPlan.unterminatedRemark
                deferredRow = (fields, participant.id, measurement.visit)
                continue
            case .raggedRow:
                fields[planting.column(of: .remark) - 1] = ProblemPlan.raggedRemark.before
                fields.append(ProblemPlan.raggedRemark.after)
            case .duplicateIdentical, .duplicateConflicting, nil:
                break
            }
            let line = try visits.write(fields)
            try logVisitMissing(participant, measurement, line: line)
            let missingBaseline = problems?.baselineRowMissing == true && !reportedMissingBaseline
            reportedMissingBaseline = reportedMissingBaseline || missingBaseline
            try planting.logWritten(planned, row: fields, line: line, rmdq: measurement.rmdq, missingBaseline: missingBaseline,
                                    raggedColumn: fields.count, write: visits.write)
        }
    }

    /// The cells of one visit row, as Castor writes them.
    private func visitFields(_ participant: SyntheticParticipant, _ measurement: VisitMeasurement) -> [String] {
        [
            participant.id, participant.site.abbreviation, measurement.visit.castorName,
            CellFormat.dutchDate(measurement.date), CellFormat.tenths(measurement.painTenths, decimalSeparator: ","),
            String(measurement.rmdq), Self.number(measurement.odiTenths) { CellFormat.tenths($0, decimalSeparator: ",") }.0,
            measurement.gpe.map(String.init) ?? "",
            measurement.remark.value ?? measurement.remark.missingReason.map(CastorMissing.text) ?? "",
        ]
    }

    private func logVisitMissing(_ participant: SyntheticParticipant, _ measurement: VisitMeasurement, line: Int) throws {
        if case .missing(let reason) = measurement.odiTenths {
            try log.missing(
                style: Self.style, file: Self.visitsFile, line: line, column: 7, columnName: "odi_totaal",
                participant: participant.id, visit: measurement.visit.id, field: .odi,
                written: CastorMissing.number(reason), reason: reason)
        }
        if case .missing(let reason) = measurement.remark, reason != .empty {
            try log.missing(
                style: Self.style, file: Self.visitsFile, line: line, column: 9, columnName: "opmerking",
                participant: participant.id, visit: measurement.visit.id, field: .remark,
                written: CastorMissing.text(reason), reason: reason)
        }
    }

    // MARK: - Finishing

    /// Closes every file: trailing blank rows where a site's spreadsheet left them, the record with
    /// the unterminated quote as the last record of the visits file.
    func finish() throws -> [ExportFile] {
        for (site, file) in zip(Site.all, siteFiles) {
            if site.trailingBlankRows {
                let width = Self.leadingColumns(olderHeader: site.usesOlderHeader).count + Self.screeningColumns.count
                for _ in 0..<2 {
                    let line = try file.write(Array(repeating: "", count: width))
                    log.record(PlantedProblem(
                        style: Self.style, file: file.relativePath, line: line, column: nil, columnName: "",
                        participantID: "", visit: "", field: "", value: "", kind: .trailingBlankRows,
                        detail: "every cell empty; skip"))
                }
            }
            _ = try file.finish()
            if site.windows1252, file.wroteNonASCII {
                log.record(PlantedProblem(
                    style: Self.style, file: file.relativePath, line: 0, column: nil, columnName: "",
                    participantID: "", visit: "", field: "", value: "", kind: .windows1252,
                    detail: "saved as Windows-1252: read it as such, values unchanged"))
            }
        }
        var damaged: [UInt8]?
        if let deferredRow {
            damaged = try Self.unterminated(deferredRow.fields, delimiter: UInt8(ascii: ";"))
        }
        let line = try visits.finish(appendingDamaged: damaged)
        if let deferredRow {
            let column = (Self.visitColumns.firstIndex { $0.field == .remark } ?? 0) + 1
            log.record(PlantedProblem(
                style: Self.style, file: Self.visitsFile, line: line, column: column, columnName: "opmerking",
                participantID: deferredRow.participant, visit: deferredRow.visit.id, field: "",
                value: "\"" + ProblemPlan.unterminatedRemark, kind: .unterminatedQuote,
                detail: "the quote opened in this field is never closed; last record of the file"))
        }
        return siteFiles + [visits]
    }

    // MARK: - Cell helpers

    static func number<T>(_ observed: Observed<T>, _ format: (T) -> String) -> (String, MissingReason?) {
        switch observed {
        case .value(let value): (format(value), nil)
        case .missing(let reason): (CastorMissing.number(reason), reason)
        }
    }

    static func yesNo(_ observed: Observed<Bool>) -> (String, MissingReason?) {
        number(observed) { $0 ? "ja" : "nee" }
    }

    /// The record as CSVWriter writes it, then with its last quote character removed: the quoted
    /// remark (the only quoted field, holding no quote itself) is opened and never closed.
    static func unterminated(_ fields: [String], delimiter: UInt8) throws -> [UInt8] {
        let writer = try CSVWriter(to: .memory, delimiter: delimiter)
        try writer.writeRow(rawFields: fields.map { Array($0.utf8) }, extra: [])
        try writer.finish()
        var bytes = writer.bytes
        if let closing = bytes.lastIndex(of: UInt8(ascii: "\"")) {
            bytes.remove(at: closing)
        }
        return bytes
    }
}

extension Observed {
    func map<T: Hashable & Sendable>(_ transform: (Wrapped) -> T) -> Observed<T> {
        switch self {
        case .value(let value): .value(transform(value))
        case .missing(let reason): .missing(reason)
        }
    }
}
