import StudyModel
import Testing

@testable import Evidence

/// `SampleData/evidence/<name>` of this checkout, found from this source file's path.
func sampleData(_ name: String) -> String {
    var parts = #filePath.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
    parts.removeLast(3)  // GuidelineTableTests.swift, EvidenceTests, Tests
    return (parts + ["SampleData", "evidence", name]).joined(separator: "/")
}

/// The guideline's return-to-work table, read from SampleData through CSVKit.
func guidelineTable() -> LiteratureTable {
    LiteratureTable.read(
        studiesPath: sampleData("werkhervatting_studies.csv"), studiesName: "werkhervatting_studies.csv",
        conclusionsPath: sampleData("werkhervatting_conclusions.csv"), conclusionsName: "werkhervatting_conclusions.csv")
}

@Test func guidelineTableIsReadWhole() {
    let table = guidelineTable()
    #expect(table.accounts == [
        RowAccount(file: "werkhervatting_studies.csv", read: 6, accepted: 6),
        RowAccount(file: "werkhervatting_conclusions.csv", read: 5, accepted: 5),
    ])
    #expect(table.studies.map(\.citation) == [
        "Iles 2008", "Steenstra 2003", "Turner 2008", "Kuijer 2006", "Schaafsma 2009", "Van Oostrom 2009",
    ])
    #expect(table.studies.allSatisfy { $0.grade == .b })
    #expect(table.conclusions.map(\.statedLevel) == [.two, .two, .two, .two, .four])
    #expect(table.conclusions.map(\.statedSupport) == [
        "B Iles 2008, Turner 2008", "B Steenstra 2006, Turner 2008", "B Kuijer 2006",
        "B Schonstein 2003, Schaafsma 2009, van Oostrom 2009", "D Mening van de werkgroep.",
    ])
    let vanOostrom = table.studies.last
    #expect(vanOostrom?.population == "6 RCT’s (in totaal 749 werknemers)")
    #expect(vanOostrom?.size == 749)
    #expect(vanOostrom?.inclusionCriteria.split(separator: "\n").last == "O; werkhervatting")
    // The only reading problem: Steenstra's pooled RR printed without an interval.
    #expect(table.diagnostics.map(\.description) == [
        "werkhervatting_studies.csv:6:12: warning: the estimate '2.4' has no 95 % CI and no standard error; it cannot be pooled",
    ])
}

@Test(arguments: EBROVariant.allCases)
func guidelineLevelsAreReproducedExceptKuijer(_ variant: EBROVariant) {
    let assessments = guidelineTable().assessConclusions(variant: variant)
    #expect(assessments.map(\.conclusion.conclusionID) == ["W1", "W2", "W3", "W4", "W5"])
    // Every study is B: two independent B give level 2 and one B gives level 3 in both variants.
    #expect(assessments.map(\.derivation.level) == [.two, .two, .three, .two, .four])
    #expect(assessments.map(\.match) == [.match, .match, .mismatch, .match, .match])
    #expect(assessments[0].derivation.reason.hasPrefix("2 independent B studies: Iles 2008, Turner 2008"))
    #expect(assessments[3].derivation.decidingStudies == ["Schaafsma 2009", "Van Oostrom 2009"])
    #expect(assessments[4].derivation.reason.hasPrefix("expert opinion (D): Mening van de werkgroep."))

    let mismatch = assessments[2].diagnostics.filter { $0.rule == "evidence.level-mismatch" }
    #expect(mismatch.map(\.location) == [SourceLocation(file: "werkhervatting_conclusions.csv", line: 4, column: 2)])
    #expect(mismatch.first?.message.hasPrefix("conclusion 'W3' states level 2 but its studies give level 3 under \(variant.name): 1 B study: Kuijer 2006") == true)
}

@Test func guidelineCitationMismatchesAreFlagged() {
    let assessments = guidelineTable().assessConclusions(variant: .a)
    #expect(assessments.map(\.citationIssues) == [
        [],
        ["cites 'Steenstra 2006' but the linked table row is 'Steenstra 2003' (werkhervatting_studies.csv:6): the year differs"],
        [],
        ["cites 'Schonstein 2003', which matches no table row and is not counted"],
        [],
    ])
    let located = assessments.flatMap(\.diagnostics).filter { $0.rule == "evidence.citation-mismatch" }.map(\.location)
    #expect(located == [
        SourceLocation(file: "werkhervatting_conclusions.csv", line: 3, column: 3),
        SourceLocation(file: "werkhervatting_conclusions.csv", line: 5, column: 3),
    ])
}

@Test func guidelineConclusionRowsCarryBothLevelsAndTheWording() {
    let rows = guidelineTable().conclusionRows(settings: EvidenceSettings(variant: .b))
    #expect(rows.count == 5)
    let kuijer = rows[2]
    #expect(kuijer.statedLevel == .two)
    #expect(kuijer.derivedLevel == .three)
    #expect(kuijer.match == .mismatch)
    #expect(kuijer.variant == .b)
    #expect(kuijer.dutchWording == "er zijn aanwijzingen dat")
    #expect(kuijer.dutch == "Niveau 3 — er zijn aanwijzingen dat: Voor werknemers met chronische klachten zijn er met uitzondering van eigen herstelverwachting geen eenduidige voorspellers voor werkhervatting. (B Kuijer 2006)")
    #expect(kuijer.reason.hasPrefix("stated level 2, derived level 3 under EBRO variant B (older CBO table): 1 B study: Kuijer 2006"))
    #expect(kuijer.supportingStudies == "Kuijer 2006 (B)")
    #expect(rows[1].reason.contains("citations: cites 'Steenstra 2006'"))
    #expect(rows[4].supportingStudies == "Mening van de werkgroep. (D)")
    #expect(rows.allSatisfy { $0.cells.count == ConclusionRow.columns.count })
}

@Test func guidelineEvidenceRowsKeepThePrintedText() {
    let rows = guidelineTable().evidenceRows()
    #expect(rows.map(\.study) == ["Iles", "Steenstra", "Turner", "Kuijer", "Schaafsma", "Van Oostrom"])
    #expect(rows[1].result == "Gepoold RR voor beperkingen 2,4 en voor uitstralende pijn 2,5")
    #expect(rows[1].estimate == 2.4)
    #expect(rows[2].conclusionIDs == ["W1", "W2"])
    #expect(rows[2].studyType == "Prospectief cohort onderzoek")
    #expect(rows.allSatisfy { $0.source == .literature && $0.level == "B" })
    // Turner's and Van Oostrom's populations already give their sizes; the rest state none.
    #expect(rows[2].population == "1885 werknemers in de VS")
    #expect(rows[5].population == "6 RCT’s (in totaal 749 werknemers)")
}

/// The guideline's population column includes the size: a stated size the text lacks is added.
@Test func evidenceRowPopulationIncludesTheStatedSize() {
    func population(_ text: String, size: Int?) -> String {
        let study = LiteratureStudy(
            studyID: "s", author: "Turner", year: 2008, grade: .b, population: text, size: size,
            source: SourceLocation(file: "studies.csv", line: 2, column: 1))
        return LiteratureTable.population(of: study)
    }
    #expect(population("werknemers in de VS", size: 1885) == "werknemers in de VS (n=1885)")
    #expect(population("", size: 40) == "n=40")
    #expect(population("werknemers in de VS", size: nil) == "werknemers in de VS")
    #expect(population("1885 werknemers", size: 1885) == "1885 werknemers")
    #expect(population("18850 werknemers", size: 1885) == "18850 werknemers (n=1885)")
    // A size written with a group separator is the size.
    for written in ["1.885 werknemers", "1,885 werknemers", "1\u{202F}885 werknemers", "werknemers (n = 1885)"] {
        #expect(population(written, size: 1885) == written)
    }
    #expect(population("2,5 jaar; 1.8851 werknemers", size: 1885) == "2,5 jaar; 1.8851 werknemers (n=1885)")
    // Two numbers a space apart are two numbers: the size is not taken from them.
    #expect(population("leeftijd 40 120 patiënten", size: 120) == "leeftijd 40 120 patiënten")
    #expect(population("leeftijd 40 120 patiënten", size: 40_120) == "leeftijd 40 120 patiënten (n=40120)")
    #expect(LiteratureTable.numbers(in: "6 RCT’s (in totaal 1.749 werknemers), 2,5 jaar") == [6, 1749, 2, 5])
    #expect(LiteratureTable.numbers(in: "31.12.2005 120 patiënten; 1234.567 kg; 12,345,678; 1.234,567") == [31, 12, 2005, 120, 1234, 567, 12_345_678, 1234, 567])
}

@Test func readerProblemsAreLocatedErrors() throws {
    let bytes = Array("study_id,author,year,level,conclusion_ids\na,\"Alpha,2001,B,C1\n".utf8)
    let parsed = TableInput.parse(bytes: bytes, displayName: "broken.csv")
    #expect(parsed.input == nil)
    let error = try #require(parsed.diagnostics.first)
    #expect(error.severity == .error)
    #expect(error.location.file == "broken.csv")
}

@Test func literatureFileParsedFromBytes() throws {
    let text = "study_id,author,year,level,conclusion_ids,estimate\n"
        + "a,Alpha,2001,B,C1;C2,\n"
        + "b,Beta,,B,C1,\n"
        + "c,Gamma,2003,X,C1,0.4\n"
    let parsed = TableInput.parse(bytes: Array(text.utf8), displayName: "studies.csv")
    let input = try #require(parsed.input)
    #expect(parsed.diagnostics.isEmpty)
    #expect(input.records.map(\.line) == [2, 3, 4])
    let studies = LiteratureStudy.parse(input)
    #expect(studies.studies.map(\.conclusionIDs) == [["C1", "C2"]])
    #expect(studies.diagnostics.map(\.description) == [
        "studies.csv:3:3: error: missing year",
        "studies.csv:4:4: error: unknown level of evidence 'X'; expected A1, A2, B, C or D",
    ])
}

/// A spreadsheet saved with CR LF line ends (or a checkout that converted them) writes CR LF
/// inside quoted cells too: read as LF, so conclusion ids, P/I/C/O lines and support lines
/// split as they do from an LF file.
@Test func lineEndsInsideCellsAreReadAsLineFeeds() throws {
    let lines = ["study_id,author,year,level,conclusion_ids,inclusion_criteria",
                 "a,Alpha,2001,A2,\"C1;\r\nC2\",\"P: werknemers   \r\nE: iets\rO: werk\"", ""]
    let parsed = TableInput.parse(bytes: Array(lines.joined(separator: "\r\n").utf8), displayName: "studies.csv")
    let input = try #require(parsed.input)
    let studies = LiteratureStudy.parse(input)
    #expect(studies.diagnostics.isEmpty, "\(studies.diagnostics)")
    #expect(studies.studies.map(\.conclusionIDs) == [["C1", "C2"]])
    #expect(studies.studies.first?.inclusionCriteria == "P: werknemers\nE: iets\nO: werk")
    // The record keeps the fields as read, for rejected/.
    #expect(input.records.first?.fields[4] == "C1;\r\nC2")
}

/// The header's findings point at the header's own line, after blank lines; the blank lines
/// are a located note, as in the data exports.
@Test func blankLinesBeforeTheHeaderAreLocatedAndNoted() throws {
    let text = "\n\nstudy_id,author,year,level,conclusion_ids,Extra Col\na,Alpha,2001,B,C1,x\n\n"
    let parsed = TableInput.parse(bytes: Array(text.utf8), displayName: "studies.csv")
    let input = try #require(parsed.input)
    #expect(input.headerLine == 3)
    #expect(parsed.diagnostics.map(\.description) == ["studies.csv:1: note: 3 blank lines were skipped (lines 1, 2, 5)"])
    let studies = LiteratureStudy.parse(input)
    #expect(studies.diagnostics.map { "\($0.location.line):\($0.location.column ?? 0) \($0.rule)" } == ["3:6 evidence.unknown-column"])
}
