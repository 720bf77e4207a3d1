import Foundation
import PipelineSpec
import StudyModel

/// Which column of one file feeds which canonical field, found once per file from its header.
struct ColumnBinding {
    /// Field → column index (from 0), for fields read from a column or checkbox.
    var columns: [(field: Field, index: Int)]
    /// Derived fields of this input, in declaration order.
    var derived: [(field: Field, derivation: Derivation)]
    /// Problems that make every row of the file unusable (a key column missing, a column
    /// matched twice): each message, and the header column it concerns (from 1) when there is one.
    var fileProblems: [(message: String, column: Int?)]
    /// Fields of the input's own level (and participant fields of a visits input with
    /// `participant_rows`, which it collects) whose column is absent: not collected from this file.
    var absent: [(field: Field, names: [String])]
    /// REDCap's `redcap_repeat_instrument` and `redcap_repeat_instance` columns (from 0), in a
    /// `redcap` input whose header has them: a row naming an instrument is not a visit.
    var repeatInstrument: Int?
    var repeatInstance: Int?
    /// The header's names as read, to tell a repeated header line (files joined one after another).
    let header: [String]
    /// In a `redcap` input, the columns REDCap adds to a checkbox question for each declared
    /// missing-data code that some record was marked with (`redflags___unk` beside
    /// `redflags___1`...): a `1` there says the question's boxes are missing for that code's reason.
    var checkboxMissing: [CheckboxQuestionCodes]

    /// The missing-data code columns of one REDCap checkbox question.
    struct CheckboxQuestionCodes {
        /// One code's column: its index (from 0) and name as written in the header, the declared
        /// code and the reason it stands for.
        struct Column {
            let index: Int
            let name: String
            let code: String
            let reason: MissingReason
        }
        let variable: String
        /// The fields this input maps to options of the question, in mapping order.
        let fields: [Field]
        /// In header order.
        let columns: [Column]
    }

    /// The key a header name or a pipeline column name is matched by: trimmed as cells are (of
    /// white space and invisible format characters, such as a second byte-order mark an export
    /// left before the first name), NFC, lower-cased, all white space removed
    /// (`Participant Id` = `participantid`).
    static func key(_ name: String) -> String {
        String(Vocabularies.key(Normalise.text(name)).unicodeScalars.filter { !CharacterSet.whitespacesAndNewlines.contains($0) }
            .map(Character.init))
    }

    /// When the header was read as one column that holds another delimiter many times, the
    /// delimiter was most likely wrong: declared wrongly in the pipeline file (`declared`), or
    /// detected wrongly (a stray quote in the header hides the real one from the detection). A
    /// hint to add to a missing-column message.
    static func delimiterHint(_ header: [String], declared: UInt8? = nil, separatorLine: UInt8? = nil) -> String {
        guard header.count == 1, let name = header.first else { return "" }
        let delimiters: [(String, shown: String)] = [(";", "';'"), ("\t", "tab"), ("|", "'|'"), (",", "','")]
        for (delimiter, shown) in delimiters {
            let count = name.components(separatedBy: delimiter).count - 1
            guard count >= 2 else { continue }
            // The delimiter the file is read with, inside the one column: quotes hide it.
            if let readWith = declared ?? separatorLine, delimiter.utf8.first == readWith {
                let source = declared != nil ? "the input's 'delimiter'" : "the delimiter its 'sep=' line declares"
                return "; the header was read as one column that holds \(count) \(shown), \(source): "
                    + "quotes around the whole header line (or a stray quote in it) may hide them; fix the quotes in the file"
            }
            if declared == nil, let separatorLine {
                let written = separatorLine == 0x09 ? "tab" : "'\(Character(Unicode.Scalar(separatorLine)))'"
                return "; the header was read as one column that holds \(count) \(shown): the file's first line 'sep=' "
                    + "declares \(written); correct or remove that line, or set 'delimiter' on the input"
            }
            if let declared, let declaredShown = delimiters.first(where: { $0.0.utf8.first == declared })?.shown {
                return "; the header was read as one column that holds \(count) \(shown): the input's 'delimiter' is "
                    + "\(declaredShown); if the file is \(shown)-separated, set 'delimiter' to \(shown)"
            }
            return "; the header was read as one column that holds \(count) \(shown): a stray quote in it may have "
                + "hidden the delimiter; fix the quote or set 'delimiter' on the input"
        }
        return ""
    }

    init(header: [String], input: InputSpec, separatorLine: UInt8? = nil, codes: [String: MissingReason] = [:]) {
        self.header = header
        var byKey: [String: [Int]] = [:]
        for (index, name) in header.enumerated() {
            byKey[ColumnBinding.key(name), default: []].append(index)
        }
        columns = []
        derived = []
        fileProblems = []
        absent = []
        checkboxMissing = []
        if input.source == .redcap {
            repeatInstrument = byKey[ColumnBinding.key("redcap_repeat_instrument")]?.first
            repeatInstance = byKey[ColumnBinding.key("redcap_repeat_instance")]?.first
        }
        for field in input.fields.fields {
            guard let rule = input.fields[field] else { continue }
            let names: [String]
            switch rule.source {
            case .derived(let derivation):
                derived.append((field, derivation))
                continue
            case .column(let alternatives):
                names = alternatives
            case .checkbox(let variable, let option):
                names = input.source.checkboxColumns(variable: variable, code: option)
            }
            var found: Int?
            for name in names {
                guard let indexes = byKey[ColumnBinding.key(name)] else { continue }
                if indexes.count > 1 {
                    let list = indexes.map { String($0 + 1) }.joined(separator: " and ")
                    fileProblems.append(("the header has two columns that match '\(name)' for '\(field.name)' (columns \(list)); "
                        + "rename one of them in the file", indexes[1] + 1))
                }
                found = indexes[0]
                break
            }
            if let found {
                columns.append((field, found))
            } else if field == .participantID || (field == .visit && input.holds == .visits) {
                let list = names.map { "'\($0)'" }.joined(separator: ", ")
                let hint = ColumnBinding.delimiterHint(header, declared: input.delimiter, separatorLine: separatorLine)
                fileProblems.append(("the header has no column for '\(field.name)' (looked for \(list))"
                    + (hint.isEmpty ? "; if the file names it otherwise, add that name under the input's 'fields'" : hint), nil))
            } else if field.level == input.holds.level || (field.level == .participant && !input.participantRows.isEmpty) {
                absent.append((field, names))
            }
        }
        if input.source == .redcap { bindCheckboxMissingColumns(header: header, byKey: byKey, input: input, codes: codes) }
    }

    /// Finds ``checkboxMissing``: for each checkbox question with a bound option, the columns of
    /// the declared missing-data codes (not a bound option's column).
    private mutating func bindCheckboxMissingColumns(header: [String], byKey: [String: [Int]], input: InputSpec,
                                                     codes: [String: MissingReason]) {
        var questions: [(variable: String, fields: [Field])] = []
        for (field, _) in columns {
            guard case .checkbox(let variable, _)? = input.fields[field]?.source else { continue }
            if let index = questions.firstIndex(where: { $0.variable == variable }) {
                questions[index].fields.append(field)
            } else {
                questions.append((variable, [field]))
            }
        }
        let boundColumns = Set(columns.map(\.index))
        for (variable, fields) in questions {
            var found: [CheckboxQuestionCodes.Column] = []
            // In the codes' order, so that of two codes with one column name the first is read.
            for (code, reason) in codes.sorted(by: { $0.key < $1.key }) {
                let names = SourceSystem.redcap.checkboxColumns(variable: variable, code: code)
                guard let index = names.lazy.compactMap({ byKey[ColumnBinding.key($0)]?.first }).first,
                      !boundColumns.contains(index), !found.contains(where: { $0.index == index }) else { continue }
                found.append(.init(index: index, name: header[index], code: code, reason: reason))
            }
            guard !found.isEmpty else { continue }
            checkboxMissing.append(CheckboxQuestionCodes(variable: variable, fields: fields,
                                                         columns: found.sorted { $0.index < $1.index }))
        }
    }
}
