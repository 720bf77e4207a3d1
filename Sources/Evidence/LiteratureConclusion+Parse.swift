import StudyModel

extension LiteratureConclusion {
    /// Reads and validates a conclusions file. Rows with an error are left out (and counted as
    /// rejected).
    ///
    /// Errors: missing or duplicated conclusion id; missing or unknown stated level; missing
    /// stated support or support that does not start with a grade. Warnings: missing text; a
    /// citation without a year (kept; it cannot match a table row).
    public static func parse(_ input: TableInput) -> (conclusions: [LiteratureConclusion], diagnostics: [Diagnostic], account: RowAccount) {
        var diagnostics = input.checkHeader(required: LiteratureColumns.conclusionsRequired, optional: [])
        guard !diagnostics.contains(where: { $0.severity == .error }) else {
            return ([], diagnostics, RowAccount(file: input.file, read: input.records.count, accepted: 0))
        }
        let columns = input.columnIndex()
        var conclusions: [LiteratureConclusion] = []
        var seen: [String: Int] = [:]
        for record in input.records {
            var reader = RecordReader(file: input.file, record: record, columns: columns)
            if record.fields.count != input.header.count {
                reader.report(.error, nil, rule: "evidence.ragged-row",
                              "the row has \(record.fields.count) fields but the header has \(input.header.count)")
            }
            let id = reader.required("conclusion_id", what: "conclusion id")
            // Against the rows kept before: a row rejected for another error defines nothing.
            if !id.isEmpty, let firstLine = seen[id] {
                reader.report(.error, "conclusion_id", rule: "evidence.duplicate-conclusion",
                              "conclusion id '\(id)' is already used on line \(firstLine)", value: id)
            }
            let levelText = reader.text("stated_level")
            let level = EvidenceLevel(text: levelText)
            if level == nil {
                reader.report(.error, "stated_level", rule: "evidence.unknown-level",
                              levelText.isEmpty ? "missing stated level"
                                  : "unknown stated level '\(levelText)'; expected 1, 2, 3 or 4 (or 'Niveau 2')",
                              value: levelText)
            }
            let support = reader.required("stated_support", what: "stated support")
            var citations: [SupportCitation] = []
            if !support.isEmpty {
                let parsed = parseSupport(support)
                citations = parsed.citations
                for problem in parsed.errors {
                    reader.report(.error, "stated_support", rule: "evidence.invalid-support", problem, value: support)
                }
                for problem in parsed.warnings {
                    reader.report(.warning, "stated_support", rule: "evidence.invalid-citation", problem, value: support)
                }
            }
            let text = reader.multilineText("text")
            if text.isEmpty {
                reader.report(.warning, "text", rule: "evidence.missing-value", "missing conclusion text")
            }
            diagnostics += reader.diagnostics
            guard !reader.hasErrors, let level else { continue }
            seen[id] = record.line
            conclusions.append(LiteratureConclusion(
                conclusionID: id, statedLevel: level, statedSupport: support, citations: citations, text: text,
                source: reader.rowLocation, supportColumn: reader.column("stated_support"),
                levelColumn: reader.column("stated_level")))
        }
        return (conclusions, diagnostics, RowAccount(file: input.file, read: input.records.count, accepted: conclusions.count))
    }

    /// Reads a stated support such as `B Iles 2008, Turner 2008`, `A2 Foo 2001; B Bar 2003` or
    /// `D Mening van de werkgroep.`.
    ///
    /// Groups are separated by `;`; each starts with a grade code, then citations separated by
    /// `,`, each ending in a four-digit year (a letter suffix as in `2008a` is allowed). A D group
    /// is expert opinion: its citations (`D Dee 2002`) may match table rows, and its other items
    /// are kept without a year.
    public static func parseSupport(_ support: String) -> (citations: [SupportCitation], errors: [String], warnings: [String]) {
        var citations: [SupportCitation] = []
        var errors: [String] = []
        var warnings: [String] = []
        for group in support.split(separator: ";").map({ String($0).trimmingSpaces() }) where !group.isEmpty {
            let code = String(group.prefix { $0 != " " })
            guard let grade = EvidenceGrade(code: code) else {
                errors.append("the stated support '\(group)' does not start with a grade (A1, A2, B, C or D)")
                continue
            }
            let rest = String(group.dropFirst(code.count)).trimmingSpaces()
            if rest.isEmpty {
                errors.append("grade '\(code)' in the stated support names no study")
                continue
            }
            let items = rest.split(separator: ",").map { String($0).trimmingSpaces() }.filter { !$0.isEmpty }
            if grade == .d {
                // Expert opinion, item by item in its order: citations may name table rows, the
                // rest is free text (the assessment counts what names no row as one opinion).
                for item in items {
                    let cited = citation(item)
                    citations.append(SupportCitation(grade: .d, text: item, author: cited?.author ?? item, year: cited?.year))
                }
                continue
            }
            for item in items {
                if let (author, year) = citation(item) {
                    citations.append(SupportCitation(grade: grade, text: item, author: author, year: year))
                } else {
                    warnings.append("the citation '\(item)' has no author and four-digit year")
                    citations.append(SupportCitation(grade: grade, text: item, author: item, year: nil))
                }
            }
        }
        return (citations, errors, warnings)
    }

    /// `Iles 2008` (or `Iles 2008a`) as its author and year; nil for anything else.
    private static func citation(_ item: String) -> (author: String, year: Int)? {
        let words = item.split(separator: " ").map(String.init)
        let last = words.last ?? ""
        let digits = String(last.prefix { $0.isNumber })
        let suffix = last.dropFirst(digits.count)
        guard words.count >= 2, digits.count == 4, suffix.count <= 1, suffix.allSatisfy(\.isLetter), let year = Int(digits) else {
            return nil
        }
        return (words.dropLast().joined(separator: " "), year)
    }
}
