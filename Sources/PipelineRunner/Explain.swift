import CSVKit
import Foundation
import PipelineSpec
import Profiling
import Staging
import StudyModel

/// `lbp explain`: one participant's trail from the source rows (file:line) through normalisation
/// and validation to the profile and the rules that fired.
public enum Explain {
    public struct Outcome: Sendable {
        /// 0 found; 1 no such participant; 2 the pipeline or an input could not be read.
        public var exitCode: Int32
        public var lines: [String]
    }

    /// - Parameter given: the id as in the export; surrounding white space is left out, as staging
    ///   leaves it out of ids.
    public static func explain(pipeline: String, participant given: String) -> Outcome {
        let id = Normalise.text(given)
        let loaded: LoadedPipeline
        do {
            loaded = try LoadedPipeline.load(pipeline)
        } catch {
            return Outcome(exitCode: 2, lines: error.diagnostics.map(\.description))
        }
        let sink = CountingSink(forwardingTo: DiscardingSink(), keepingIssuesOf: id)
        let study: StagedStudy
        do {
            study = try stage(loaded.files, spec: loaded.spec, sink: sink)
        } catch {
            return Outcome(exitCode: 2, lines: ["error: \(FileSystemErrorText.reason(error))"])
        }
        // An input that could not be read (or whose header is unusable) hides rows: no trail
        // drawn without it can be trusted.
        if !study.inputProblems.isEmpty {
            return Outcome(exitCode: 2, lines: study.inputProblems.map(\.description))
        }
        let participant = study.participants.first { $0.id == id }
        let visits = study.visits.filter { $0.participantID == id }
        guard participant != nil || !visits.isEmpty || !sink.kept.isEmpty else {
            return Outcome(exitCode: 1, lines: ["error: no participant \(Normalise.quoted(id)) in the inputs of '\(pipeline)' "
                + "(ids are matched exactly, upper and lower case apart)"])
        }
        // Every row of every input with the participant's id, as read, in one pass over the
        // inputs. Rows are compared by file and line (a participant's sources also carry a byte
        // offset); a row whose id cannot be read is looked up on its own.
        let allRows = rowsAsRead(of: id, loaded)
        let cellsAt = Dictionary(allRows.map { ($0.location, $0.cells) }) { first, _ in first }
        func shown(_ source: SourceLocation) -> [String] {
            cellsAt[SourceLocation(file: source.file, line: source.line)].map { ["  \(source)"] + $0 } ?? sourceRow(source, loaded)
        }
        var lines = ["Participant \(Normalise.quoted(id)) (\(loaded.spec.file))", ""]
        if let participant {
            let site = participant.site.isEmpty ? "none" : participant.site
            lines.append("Participant row\(participant.sources.count == 1 ? "" : "s") (site \(site), arm \(participant.arm?.id ?? "not randomised")):")
            for source in participant.sources { lines += shown(source) }
            lines.append("")
            lines.append("Normalised values:")
            for field in participant.values.presentFields {
                var derivation = ""
                if case .derived(let rule)? = loaded.spec.fields[field]?.source { derivation = "  (derived: \(rule.rawValue))" }
                lines.append("  \(field.name) = \(describe(participant.values[field]))\(derivation)")
            }
        } else {
            lines.append("No accepted participant row (see the issues below)")
        }
        let accepted = Set((participant?.sources ?? []).map { SourceLocation(file: $0.file, line: $0.line) })
        let rows = allRows.filter { !accepted.contains($0.location) }
        // Every row rejected for an error that names the participant (a row whose id cannot be
        // read among them), and every other rejected row with the participant's id (one that a
        // check of the whole record took back, say): what the trail left out.
        // In the order found, each once (a set beside the list: a participant may have thousands).
        var rejected: [SourceLocation] = []
        var seen: Set<SourceLocation> = []
        for issue in sink.kept where issue.severity == .error && issue.location.line > 0 {
            let row = SourceLocation(file: issue.location.file, line: issue.location.line)
            if seen.insert(row).inserted { rejected.append(row) }
        }
        for row in rows where sink.rejectedRows.contains(row.location) && seen.insert(row.location).inserted {
            rejected.append(row.location)
        }
        if !rejected.isEmpty {
            lines.append("")
            lines.append("Rejected row\(rejected.count == 1 ? "" : "s") (see the issues below):")
            for row in rejected { lines += shown(row) }
        }
        // The other rows: a visit may be built from rows of several files, and a repeat of a row
        // kept once is not among the record's sources.
        let others = rows.filter { !seen.contains($0.location) }
        if !others.isEmpty {
            lines.append("")
            lines.append("Other rows as read:")
            for row in others { lines += ["  \(row.location)"] + row.cells }
        }
        lines.append("")
        lines.append("Visits:")
        if visits.isEmpty { lines.append("  none accepted") }
        for visit in visits {
            let values = visit.values.presentFields.filter { $0 != .visit }
                .map { "\($0.name) = \(describe(visit.values[$0]))" }.joined(separator: "; ")
            lines.append("  \(visit.timepoint.name) (first row \(visit.source)): \(values)")
        }
        // The profile conflicts a run adds to issues.csv for this participant, after staging's.
        let assignment = participant.map { loaded.ruleSet.assign($0) }
        var issues = sink.kept
        if let participant, let assignment {
            issues += loaded.ruleSet.conflicts([assignment], participants: [participant], armColumn: { study.armColumns[$0] })
        }
        lines.append("")
        lines.append("Issues:")
        if issues.isEmpty { lines.append("  none") }
        for issue in issues { lines.append("  \(issue)") }
        if let assignment {
            lines.append("")
            lines.append("Profile (\(assignment.ruleSet)):")
            for derivation in assignment.derivations { lines.append("  derived: \(derivation)") }
            for fired in assignment.fired { lines.append("  fired: \(fired)") }
            if assignment.fired.isEmpty { lines.append("  no rule fired") }
            switch assignment.status {
            case .classified:
                lines.append("  => \(assignment.subprofile ?? "") (\(assignment.label ?? ""))\(assignment.urgent ? ", URGENT" : "")")
            case .unclassified:
                let gap = assignment.unclassifiedReason.flatMap { $0 == .missingInputs ? nil : $0.description }
                lines.append("  => unclassified: "
                             + (gap ?? "missing " + assignment.missingInputs.map(\.name).joined(separator: ", "))
                             + (assignment.urgent ? ", URGENT" : ""))
            }
            if assignment.urgencyUnknown {
                lines.append("  urgent signs not assessed: missing \(assignment.urgentMissingInputs.map(\.name).joined(separator: ", "))")
            }
        }
        lines.append("")
        let rejectedVisits = participant.flatMap { study.visitsWithRejectedRows[$0.id] } ?? []
        lines += responseTrail(participant, visits: visits, rejectedVisits: rejectedVisits, assignment: assignment, loaded: loaded)
        return Outcome(exitCode: 0, lines: lines)
    }

    private static func describe(_ value: Value?) -> String {
        guard let value else { return "(not collected)" }
        if case .missing(let reason) = value {
            return reason == .empty ? "missing (empty)" : "missing (\(reason.code): \(reason))"
        }
        // Text is quoted, so that a remark with a comma reads as one value.
        if case .text = value { return Normalise.quoted(value.canonicalText) }
        return value.canonicalText
    }

    /// Every row of the inputs whose participant id is `id`, in input order, as read: where it
    /// is, and `column = 'value'` per non-empty cell.
    private static func rowsAsRead(of id: String, _ loaded: LoadedPipeline) -> [(location: SourceLocation, cells: [String])] {
        var rows: [(location: SourceLocation, cells: [String])] = []
        for file in loaded.files {
            let input = loaded.spec.inputs[file.inputIndex]
            guard let reader = try? InputReader.open(file, input),
                  let idColumn = InputReader.participantIDColumn(header: reader.header, input: input)
            else { continue }
            var record = CSVRecord()
            while (try? reader.read(into: &record)) == true {
                guard idColumn < record.count, Normalise.text(record[idColumn]) == id else { continue }
                rows.append((SourceLocation(file: file.displayName, line: record.position.line), cells(record, header: reader.header)))
            }
        }
        return rows
    }

    /// The row at `source` exactly as read, as `column = value` pairs.
    private static func sourceRow(_ source: SourceLocation, _ loaded: LoadedPipeline) -> [String] {
        var lines = ["  \(source)"]
        guard let file = loaded.files.first(where: { $0.displayName == source.file }),
              let reader = try? InputReader.open(file, loaded.spec.inputs[file.inputIndex])
        else { return lines }
        var record = CSVRecord()
        while (try? reader.read(into: &record)) == true {
            guard record.position.line == source.line else { continue }
            lines += cells(record, header: reader.header)
            break
        }
        return lines
    }

    /// `    column = 'value'` for each non-empty cell of `record`, as read and whole: quoted as
    /// values are elsewhere, so a line break or an invisible character in a cell shows as an
    /// escape and the cell stays on its line.
    private static func cells(_ record: CSVRecord, header: [String]) -> [String] {
        (0..<record.count).filter { !record[$0].isEmpty }.map { index in
            "    \(index < header.count ? header[index] : "column \(index + 1)") = \(Normalise.quoted(record[index], limit: nil))"
        }
    }
}
