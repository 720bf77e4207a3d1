import StudyModel
import Testing

@testable import Evidence

private let studyHeader = ["study_id", "author", "year", "level", "study_type", "population", "size", "result",
                           "estimate", "ci_low", "ci_high", "se", "conclusion_ids", "outcome_id", "scale"]

/// A studies file in memory: the header on line 1, each record on the next line.
private func studiesFile(_ rows: [[String]]) -> TableInput {
    TableInput(file: "studies.csv", header: studyHeader,
               records: rows.enumerated().map { TableRecord(line: $0.offset + 2, fields: $0.element) })
}

private let conclusionHeader = ["conclusion_id", "stated_level", "stated_support", "text"]

private func conclusionsFile(_ rows: [[String]]) -> TableInput {
    TableInput(file: "conclusions.csv", header: conclusionHeader,
               records: rows.enumerated().map { TableRecord(line: $0.offset + 2, fields: $0.element) })
}

/// study_id, author, year, level, then the rest with sensible defaults.
private func row(_ id: String, _ author: String, _ year: String, _ level: String, estimate: String = "",
                 low: String = "", high: String = "", se: String = "", links: String = "C1", scale: String = "",
                 size: String = "") -> [String] {
    [id, author, year, level, "Systematic Review", "", size, "", estimate, low, high, se, links, "", scale]
}

private func located(_ diagnostics: [Diagnostic], _ rule: String) -> [String] {
    diagnostics.filter { $0.rule == rule }.map { "\($0.location) \($0.severity.rawValue)" }
}

@Test func validRowsAreAccepted() throws {
    let parsed = LiteratureStudy.parse(studiesFile([
        row("a", "Alpha", "2001", "A2", estimate: "-0,5", low: "-0.9", high: "-0.1"),
        row("b", "Beta", "2002", "b", estimate: "1.8", se: "0.2", scale: "ratio", size: "120"),
    ]))
    #expect(parsed.diagnostics.isEmpty)
    #expect(parsed.account == RowAccount(file: "studies.csv", read: 2, accepted: 2))
    let first = try #require(parsed.studies.first)
    #expect(first.estimate == -0.5)
    #expect(first.citation == "Alpha 2001")
    #expect(first.source == SourceLocation(file: "studies.csv", line: 2))
    #expect(parsed.studies[1].grade == .b)
    #expect(parsed.studies[1].scale == .ratio)
    #expect(parsed.studies[1].size == 120)
}

@Test func unknownLevelAndMissingYearAreLocatedErrors() {
    let parsed = LiteratureStudy.parse(studiesFile([
        row("a", "Alpha", "2001", "A3"),
        row("b", "Beta", "", "B"),
        row("c", "Gamma", "08", "B"),
        row("d", "Delta", "2004", ""),
    ]))
    #expect(parsed.studies.isEmpty)
    #expect(parsed.account.rejected == 4)
    #expect(located(parsed.diagnostics, "evidence.unknown-level") == ["studies.csv:2:4 error", "studies.csv:5:4 error"])
    #expect(located(parsed.diagnostics, "evidence.missing-year") == ["studies.csv:3:3 error"])
    #expect(located(parsed.diagnostics, "evidence.invalid-year") == ["studies.csv:4:3 error"])
    let unknown = parsed.diagnostics.first { $0.rule == "evidence.unknown-level" }
    #expect(unknown?.message == "unknown level of evidence 'A3'; expected A1, A2, B, C or D")
    #expect(unknown?.value == "A3")
}

@Test func estimateWithoutIntervalIsAWarningAndTheRowIsKept() throws {
    let parsed = LiteratureStudy.parse(studiesFile([row("s", "Steenstra", "2003", "B", estimate: "2.4", scale: "ratio")]))
    #expect(parsed.studies.count == 1)
    let warning = try #require(parsed.diagnostics.first)
    #expect(warning.rule == "evidence.estimate-without-interval")
    #expect(warning.severity == .warning)
    #expect(warning.location == SourceLocation(file: "studies.csv", line: 2, column: 9))
    #expect(warning.description == "studies.csv:2:9: warning: the estimate '2.4' has no 95 % CI and no standard error; it cannot be pooled")
}

@Test func numericProblemsAreLocated() {
    let parsed = LiteratureStudy.parse(studiesFile([
        row("a", "Alpha", "2001", "B", estimate: "abc", low: "1", high: "2"),
        row("b", "Beta", "2002", "B", estimate: "1", low: "2"),
        row("c", "Gamma", "2003", "B", estimate: "1", low: "3", high: "2"),
        row("d", "Delta", "2004", "B", estimate: "1", se: "0"),
        row("e", "Eps", "2005", "B", estimate: "0", low: "0.5", high: "2", scale: "ratio"),
        row("f", "Phi", "2006", "B", estimate: "5", low: "1", high: "2"),
        row("g", "Gam", "2007", "B", low: "1", high: "2"),
        row("h", "Eta", "2008", "B", estimate: "1", se: "0.1", scale: "odds"),
        row("i", "Iota", "2009", "B", links: ""),
        row("j", "Kappa", "2010", "B", size: "0"),
        row("k", "Lambda", "2011", "B", size: "-5"),
        row("l", "Mu", "2012", "B", size: "12.5"),
    ]))
    #expect(located(parsed.diagnostics, "evidence.not-a-number") == ["studies.csv:2:9 error"])
    #expect(located(parsed.diagnostics, "evidence.half-interval") == ["studies.csv:3:11 error"])
    #expect(located(parsed.diagnostics, "evidence.reversed-interval") == ["studies.csv:4:10 error"])
    #expect(located(parsed.diagnostics, "evidence.invalid-se") == ["studies.csv:5:12 error"])
    #expect(located(parsed.diagnostics, "evidence.invalid-ratio") == ["studies.csv:6:9 error"])
    #expect(located(parsed.diagnostics, "evidence.estimate-outside-interval") == ["studies.csv:7:9 warning"])
    #expect(located(parsed.diagnostics, "evidence.interval-without-estimate") == ["studies.csv:8:9 warning"])
    #expect(located(parsed.diagnostics, "evidence.unknown-scale") == ["studies.csv:9:15 error"])
    #expect(located(parsed.diagnostics, "evidence.unlinked-study") == ["studies.csv:10:13 warning"])
    #expect(located(parsed.diagnostics, "evidence.invalid-size") == ["studies.csv:11:7 error", "studies.csv:12:7 error"])
    #expect(located(parsed.diagnostics, "evidence.not-an-integer") == ["studies.csv:13:7 error"])
    #expect(parsed.studies.map(\.studyID) == ["f", "g", "i"])
}

@Test func missingRequiredColumnRejectsTheFile() {
    let input = TableInput(file: "studies.csv", header: ["study_id", "author", "level", "conclusion_ids", "notes"],
                           records: [TableRecord(line: 2, fields: ["a", "Alpha", "B", "C1", "x"])])
    let parsed = LiteratureStudy.parse(input)
    #expect(parsed.studies.isEmpty)
    #expect(located(parsed.diagnostics, "evidence.missing-column") == ["studies.csv:1 error"])
    #expect(located(parsed.diagnostics, "evidence.unknown-column") == ["studies.csv:1:5 warning"])
}

@Test func raggedRowIsRejected() {
    let parsed = LiteratureStudy.parse(studiesFile([["a", "Alpha", "2001", "B"]]))
    #expect(parsed.studies.isEmpty)
    #expect(located(parsed.diagnostics, "evidence.ragged-row") == ["studies.csv:2 error"])
}

@Test func supportIsReadAsGradeGroupsAndCitations() {
    let parsed = LiteratureConclusion.parseSupport("B Schonstein 2003, Schaafsma 2009, van Oostrom 2009")
    #expect(parsed.errors.isEmpty && parsed.warnings.isEmpty)
    #expect(parsed.citations.map(\.author) == ["Schonstein", "Schaafsma", "van Oostrom"])
    #expect(parsed.citations.map(\.year) == [2003, 2009, 2009])
    let mixed = LiteratureConclusion.parseSupport("A2 Foo 2001a; B Bar 2003")
    #expect(mixed.citations.map(\.grade) == [.a2, .b])
    #expect(mixed.citations.map(\.year) == [2001, 2003])
    let opinion = LiteratureConclusion.parseSupport("D Mening van de werkgroep.")
    #expect(opinion.citations == [SupportCitation(grade: .d, text: "Mening van de werkgroep.", author: "Mening van de werkgroep.", year: nil)])
    #expect(LiteratureConclusion.parseSupport("Iles 2008").errors.count == 1)
    #expect(LiteratureConclusion.parseSupport("B").errors == ["grade 'B' in the stated support names no study"])
    #expect(LiteratureConclusion.parseSupport("B Iles").warnings == ["the citation 'Iles' has no author and four-digit year"])
}

@Test func conclusionFileProblemsAreLocated() {
    let parsed = LiteratureConclusion.parse(conclusionsFile([
        ["C1", "Niveau 2", "B Alpha 2001", "tekst"],
        ["C1", "2", "B Alpha 2001", "tekst"],
        ["C2", "5", "B Alpha 2001", "tekst"],
        ["C3", "3", "Alpha 2001", "tekst"],
        ["C4", "3", "", ""],
    ]))
    #expect(parsed.conclusions.map(\.conclusionID) == ["C1"])
    #expect(parsed.conclusions.first?.statedLevel == .two)
    #expect(located(parsed.diagnostics, "evidence.duplicate-conclusion") == ["conclusions.csv:3:1 error"])
    #expect(located(parsed.diagnostics, "evidence.unknown-level") == ["conclusions.csv:4:2 error"])
    #expect(located(parsed.diagnostics, "evidence.invalid-support") == ["conclusions.csv:5:3 error"])
    #expect(located(parsed.diagnostics, "evidence.missing-value") == ["conclusions.csv:6:3 error", "conclusions.csv:6:4 warning"])
}

/// A row rejected for its own error defines no conclusion: a later valid row with its id is the
/// conclusion, not a duplicate of it.
@Test func aRejectedConclusionRowLeavesItsIDToTheNextRow() {
    let parsed = LiteratureConclusion.parse(conclusionsFile([
        ["C1", "5", "B Alpha 2001", "tekst"],
        ["C1", "2", "B Alpha 2001", "tekst"],
        ["C1", "3", "B Alpha 2001", "tekst"],
    ]))
    #expect(parsed.conclusions.map(\.source.line) == [3])
    #expect(located(parsed.diagnostics, "evidence.unknown-level") == ["conclusions.csv:2:2 error"])
    #expect(located(parsed.diagnostics, "evidence.duplicate-conclusion") == ["conclusions.csv:4:1 error"])
    #expect(parsed.diagnostics.first { $0.rule == "evidence.duplicate-conclusion" }?.message == "conclusion id 'C1' is already used on line 3")
}

@Test func crossFileLinksAreChecked() {
    let table = LiteratureTable(
        studies: studiesFile([
            row("a", "Alpha", "2001", "B", links: "C1;C9"),
            row("a", "Alpha", "2001", "A2", links: "C1"),
        ]),
        conclusions: conclusionsFile([
            ["C1", "3", "B Alpha 2001", "tekst"],
            ["C2", "2", "B Beta 2002", "tekst"],
            ["C3", "4", "D Mening van de werkgroep.", "tekst"],
            ["C4", "2", "B Gamma 2003; D Mening van de werkgroep.", "tekst"],
        ]))
    // Both rows of study 'a' are kept; it counts once, at B.
    #expect(table.studies.count == 2)
    #expect(table.accounts.first?.rejected == 0)
    #expect(located(table.diagnostics, "evidence.unknown-conclusion") == ["studies.csv:2:13 warning"])
    #expect(located(table.diagnostics, "evidence.grade-conflict") == ["studies.csv:3:4 error"])
    // Located at the conclusion's id. An opinion beside a study missing from the table gives
    // level 4 (no such error), and the missing study its citation warning.
    #expect(located(table.diagnostics, "evidence.conclusion-without-studies") == ["conclusions.csv:3:1 error"])
    let assessed = table.assessConclusions(variant: .a)
    #expect(assessed.map(\.derivation.level) == [.three, nil, .four, .four])
    #expect(assessed.map(\.match) == [.match, .mismatch, .match, .mismatch])
    #expect(assessed[1].citationIssues == ["cites 'Beta 2002', which matches no table row and is not counted"])
    #expect(assessed[3].citationIssues == ["cites 'Gamma 2003', which matches no table row and is not counted"])
}

@Test func aStudyWithTwoGradesCountsAtItsWeakestWhateverTheRowOrder() {
    // Study 's' is an A1 review on one row and A2 on another, each row linking one conclusion:
    // both conclusions count it as A2 (level 2 under variant A), in either row order.
    let conclusions = conclusionsFile([
        ["C1", "2", "A2 Sigma 2010", "tekst"],
        ["C2", "2", "A2 Sigma 2010", "tekst"],
    ])
    let rows = [row("s", "Sigma", "2010", "A1", links: "C1"), row("s", "Sigma", "2010", "A2", links: "C2")]
    for (ordered, a1Line) in [(rows, 2), (rows.reversed(), 3)] {
        let table = LiteratureTable(studies: studiesFile(ordered), conclusions: conclusions)
        // At the row graded above the weakest grade, wherever it is.
        #expect(located(table.diagnostics, "evidence.grade-conflict") == ["studies.csv:\(a1Line):4 error"])
        let assessed = table.assessConclusions(variant: .a)
        #expect(assessed.map(\.derivation.level) == [.two, .two])
        #expect(assessed.allSatisfy { $0.match == .match })
    }
}

@Test func aGradeConflictGivesAsManyErrorsInAnyRowOrder() {
    let conclusions = conclusionsFile([["C1", "3", "B Sigma 2010", "tekst"]])
    let a2 = row("s", "Sigma", "2010", "A2", links: "C1")
    let b = row("s", "Sigma", "2010", "B", links: "C1")
    for ordered in [[a2, b, a2], [b, a2, a2], [a2, a2, b]] {
        let table = LiteratureTable(studies: studiesFile(ordered), conclusions: conclusions)
        #expect(located(table.diagnostics, "evidence.grade-conflict").count == 2)
    }
}

@Test func expertOpinionCitingATableRowCountsThatRowOnce() {
    let table = LiteratureTable(
        studies: studiesFile([row("d", "Dee", "2002", "D", links: "Q3")]),
        conclusions: conclusionsFile([["Q3", "4", "D Dee 2002", "tekst"]]))
    let assessed = table.assessConclusions(variant: .a)
    #expect(assessed.map(\.derivation.level) == [.four])
    #expect(assessed.first?.derivation.countedStudies == ["Dee 2002"])
    #expect(assessed.first?.citationIssues == [])
    // With opinion beside the citation: the row once, and the opinion.
    let mixed = LiteratureTable(
        studies: studiesFile([row("d", "Dee", "2002", "D", links: "Q3")]),
        conclusions: conclusionsFile([["Q3", "4", "D Dee 2002, Mening van de werkgroep", "tekst"]])).assessConclusions(variant: .a)
    #expect(mixed.first?.derivation.countedStudies == ["Dee 2002", "Mening van de werkgroep"])
    #expect(mixed.first?.citationIssues == [])
    #expect(mixed.first.map(LiteratureTable.conclusionRow)?.supportingStudies == "Dee 2002 (D); Mening van de werkgroep (D)")
    // Opinion that merely looks like a citation, naming no row, stays one free text.
    let opinion = LiteratureTable(
        studies: studiesFile([row("d", "Dee", "2002", "D", links: "Q3")]),
        conclusions: conclusionsFile([["Q3", "4", "D Dee 2002", "tekst"], ["Q4", "4", "D expert panel 2010, consensus", "tekst"]]))
        .assessConclusions(variant: .a)
    #expect(opinion.last?.derivation.countedStudies == ["expert panel 2010, consensus"])
    #expect(opinion.last?.derivation.reason.contains("share study id") == false)
    #expect(opinion.last.map(LiteratureTable.conclusionRow)?.supportingStudies == "expert panel 2010, consensus (D)")
    // In the guideline's order, whichever items look like citations.
    let ordered = LiteratureTable(
        studies: studiesFile([row("b", "Beta", "2003", "B", links: "Q5")]),
        conclusions: conclusionsFile([["Q5", "3", "B Beta 2003; D consensus, panel 2010", "tekst"]])).assessConclusions(variant: .a)
    #expect(ordered.first.map(LiteratureTable.conclusionRow)?.supportingStudies == "Beta 2003 (B); consensus, panel 2010 (D)")
}

@Test func citedGradeAndLinksAreCrossChecked() {
    let table = LiteratureTable(
        studies: studiesFile([
            row("a", "Alpha", "2001", "B", links: "C1"),
            row("b", "Beta", "2002", "B", links: "C2"),
            row("c", "Gamma", "2003", "B", links: "C1"),
        ]),
        conclusions: conclusionsFile([
            ["C1", "2", "A2 Alpha 2001; B beta 2002", "tekst"],
            ["C2", "3", "B Beta 2002", "tekst"],
        ]))
    let first = table.assessConclusions(variant: .a)[0]
    #expect(first.citationIssues == [
        "cites 'Alpha 2001' as A2 but its table row has level B",
        "cites 'beta 2002', whose table row (studies.csv:3) does not link this conclusion",
        "links table row 'Gamma 2003' (studies.csv:4), which its stated support does not cite",
    ])
    #expect(first.diagnostics.filter { $0.rule == "evidence.citation-mismatch" }.allSatisfy {
        $0.location == SourceLocation(file: "conclusions.csv", line: 2, column: 3)
    })
}
