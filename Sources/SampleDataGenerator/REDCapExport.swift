import StudyModel

/// The REDCap export: one flat, comma-delimited raw export (`redcap/export.csv`), one row per
/// record and event, YYYY-MM-DD dates, decimal points, raw codes (sex 1/2, arm 1/2/3, yes/no 1/0,
/// checkboxes `field___code` 0/1) and the project's declared missing-data codes.
final class REDCapExport {
    static let style = "redcap"
    static let file = "redcap/export.csv"

    /// Every column with the canonical field it holds (nil for REDCap bookkeeping columns).
    static let columns: [(name: String, field: Field?)] = {
        var columns: [(String, Field?)] = [
            ("record_id", .participantID), ("redcap_event_name", .visit), ("redcap_repeat_instrument", nil),
            ("redcap_repeat_instance", nil), ("redcap_data_access_group", .site),
            ("scr_date", .screeningDate), ("sex", .sex), ("birth_year", .birthYear), ("age", .age),
            ("height", .heightCM), ("weight", .weightKG), ("onset_date", .onsetDate),
        ]
        columns += RedFlag.allCases.map { ("redflags___\($0.redcapCode)", $0.field) }
        columns.append(("esr_raised", .rfRaisedESR))
        columns += RadicularSign.allCases.map { ("radicular___\($0.redcapCode)", $0.field) }
        columns.append(("cauda_equina", .caudaEquina))
        columns += Field.ompsqItems.enumerated().map { ("ompsq_\($0.offset + 1)", $0.element) }
        columns += Field.startBackItems.enumerated().map { ("sbst_\($0.offset + 1)", $0.element) }
        columns += [
            ("scr_remark", nil), ("screening_complete", nil),
            ("randomised", nil), ("rand_date", .randomisationDate), ("arm", .arm), ("randomisation_complete", nil),
            ("visit_date", .visitDate), ("nrs_pain", .painNRS), ("rmdq", .rmdq), ("odi", .odi), ("gpe", .gpe),
            ("visit_remark", .remark), ("visit_complete", nil),
        ]
        return columns
    }()

    static let screeningEvent = "screening_arm_1"

    private static func index(_ name: String) -> Int {
        columns.firstIndex { $0.name == name } ?? 0
    }

    private static let firstVisitColumn = index("visit_date")

    private let output: ExportFile
    private let log: TruthLog
    private var deferredRow: (fields: [String], participant: String, visit: VisitName)?

    init(root: String, log: TruthLog) throws {
        self.log = log
        output = try ExportFile(root: root, relativePath: Self.file, delimiter: UInt8(ascii: ","))
        try output.write(Self.columns.map(\.name))
    }

    func write(_ participant: SyntheticParticipant, problems: ParticipantProblems?) throws {
        try writeScreening(participant, problems: problems)
        try writeVisits(participant, problems: problems)
    }

    private func emptyRow(_ participant: SyntheticParticipant, event: String) -> [String] {
        var row = Array(repeating: "", count: Self.columns.count)
        row[0] = participant.id
        row[1] = event
        row[4] = participant.site.dataAccessGroup
        return row
    }

    private func writeScreening(_ participant: SyntheticParticipant, problems: ParticipantProblems?) throws {
        let screening = participant.screening
        var row = emptyRow(participant, event: Self.screeningEvent)
        var missing: [(Int, MissingReason)] = []
        func set(_ name: String, _ text: String) { row[Self.index(name)] = text }
        func set<T: Hashable & Sendable>(_ name: String, _ observed: Observed<T>, _ format: (T) -> String) {
            switch observed {
            case .value(let value): set(name, format(value))
            case .missing(let reason):
                set(name, reason.redcapCode ?? "")
                missing.append((Self.index(name), reason))
            }
        }
        set("scr_date", screening.screeningDate.iso)
        set("sex", screening.sex == .male ? "1" : "2")
        set("birth_year", String(screening.birthYear))
        set("age", String(screening.age))
        set("height", screening.heightCM) { String($0) }
        set("weight", screening.weightTenthsKG) { CellFormat.tenths($0, decimalSeparator: ".") }
        set("onset_date", screening.onsetDate) { $0.iso }
        for flag in RedFlag.allCases { set("redflags___\(flag.redcapCode)", screening.redFlag(flag) ? "1" : "0") }
        set("esr_raised", screening.raisedESR) { $0 ? "1" : "0" }
        for sign in RadicularSign.allCases {
            set("radicular___\(sign.redcapCode)", screening.radicularSign(sign) ? "1" : "0")
        }
        set("cauda_equina", screening.caudaEquina) { $0 ? "1" : "0" }
        for (offset, item) in screening.ompsq.enumerated() { set("ompsq_\(offset + 1)", item) { String($0) } }
        for (offset, item) in screening.startBack.enumerated() { set("sbst_\(offset + 1)", item) { String($0) } }
        set("scr_remark", screening.remark.value ?? "")
        set("screening_complete", "2")
        set("randomised", participant.randomisation == nil ? "0" : "1")
        set("rand_date", participant.randomisation?.date.iso ?? "")
        let arm = problems?.unknownArm == true ? ProblemPlan.unknownArmREDCap : participant.randomisation?.arm.redcapCode ?? ""
        set("arm", arm)
        set("randomisation_complete", "2")

        let line = try output.write(row)
        for (column, reason) in missing {
            guard let field = Self.columns[column].field else { continue }
            try log.missing(
                style: Self.style, file: Self.file, line: line, column: column + 1, columnName: Self.columns[column].name,
                participant: participant.id, visit: "", field: field, written: row[column], reason: reason)
        }
        if problems?.unknownArm == true {
            let column = Self.index("arm")
            log.record(PlantedProblem(
                style: Self.style, file: Self.file, line: line, column: column + 1, columnName: "arm",
                participantID: participant.id, visit: "", field: Field.arm.name, value: arm, kind: .unknownArm,
                detail: "randomised to '\(participant.randomisation?.arm.id ?? "")', withdrew before baseline (no visit rows)"))
        }
    }

    private func writeVisits(_ participant: SyntheticParticipant, problems: ParticipantProblems?) throws {
        var reportedMissingBaseline = false
        for measurement in participant.visits {
            if measurement.visit == .baseline, problems?.baselineRowMissing == true { continue }
            var row = emptyRow(participant, event: measurement.visit.redcapEvent)
            let visitColumn = Self.firstVisitColumn
            row[visitColumn] = measurement.date.iso
            row[visitColumn + 1] = CellFormat.tenths(measurement.painTenths, decimalSeparator: ".")
            row[visitColumn + 2] = String(measurement.rmdq)
            switch measurement.odiTenths {
            case .value(let odi): row[visitColumn + 3] = CellFormat.tenths(odi, decimalSeparator: ".")
            case .missing(let reason): row[visitColumn + 3] = reason.redcapCode ?? ""
            }
            row[visitColumn + 4] = measurement.gpe.map(String.init) ?? ""
            row[visitColumn + 5] = measurement.remark.value ?? measurement.remark.missingReason?.redcapCode ?? ""
            row[visitColumn + 6] = "2"

            let planned = problems?.problem(at: measurement.visit)
            let planting = VisitRowProblems(style: Self.style, file: Self.file, columns: Self.columns, log: log,
                                            participant: participant.id, visit: measurement.visit)
            switch planned {
            case .painOutOfRange: row[planting.column(of: .painNRS) - 1] = "11"
            case .rmdqOutOfRange: row[planting.column(of: .rmdq) - 1] = "25"
            case .impossibleDate:
                let (day, month, year) = ProblemPlan.impossibleDate(near: measurement.date)
                row[planting.column(of: .visitDate) - 1] = CellFormat.isoDate(day: day, month: month, year: year)
            case .formulaRemark(let text): row[planting.column(of: .remark) - 1] = text
            case .unterminatedQuote:
                row[planting.column(of: .remark) - 1] = ProblemPlan.unterminatedRemark
                deferredRow = (row, participant.id, measurement.visit)
                continue
            case .raggedRow:
                // The remark was split at an unquoted comma: one field too many from the remark on.
                let remarkIndex = planting.column(of: .remark) - 1
                row[remarkIndex] = ProblemPlan.raggedRemark.before
                row.insert(ProblemPlan.raggedRemark.after, at: remarkIndex + 1)
            case .duplicateIdentical, .duplicateConflicting, nil:
                break
            }
            let line = try output.write(row)
            try logVisitMissing(participant, measurement, line: line, row: row)
            let missingBaseline = problems?.baselineRowMissing == true && !reportedMissingBaseline
            reportedMissingBaseline = reportedMissingBaseline || missingBaseline
            try planting.logWritten(planned, row: row, line: line, rmdq: measurement.rmdq, missingBaseline: missingBaseline,
                                    raggedColumn: row.count, write: output.write)
        }
    }

    private func logVisitMissing(
        _ participant: SyntheticParticipant, _ measurement: VisitMeasurement, line: Int, row: [String]
    ) throws {
        let visitColumn = Self.firstVisitColumn
        if case .missing(let reason) = measurement.odiTenths {
            try log.missing(
                style: Self.style, file: Self.file, line: line, column: visitColumn + 4, columnName: "odi",
                participant: participant.id, visit: measurement.visit.id, field: .odi, written: row[visitColumn + 3],
                reason: reason)
        }
        if case .missing(let reason) = measurement.remark, reason != .empty {
            try log.missing(
                style: Self.style, file: Self.file, line: line, column: visitColumn + 6, columnName: "visit_remark",
                participant: participant.id, visit: measurement.visit.id, field: .remark, written: row[visitColumn + 5],
                reason: reason)
        }
    }

    /// Closes the export, the record with the unterminated quote last.
    func finish() throws -> [ExportFile] {
        var damaged: [UInt8]?
        if let deferredRow {
            damaged = try CastorExport.unterminated(deferredRow.fields, delimiter: UInt8(ascii: ","))
        }
        let line = try output.finish(appendingDamaged: damaged)
        if let deferredRow {
            let column = Self.index("visit_remark") + 1
            log.record(PlantedProblem(
                style: Self.style, file: Self.file, line: line, column: column, columnName: "visit_remark",
                participantID: deferredRow.participant, visit: deferredRow.visit.id, field: "",
                value: "\"" + ProblemPlan.unterminatedRemark + ",2", kind: .unterminatedQuote,
                detail: "the quote opened in this field is never closed; last record of the file"))
        }
        return [output]
    }
}
