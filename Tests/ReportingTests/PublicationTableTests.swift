import Analysis
import StudyModel
import Testing
@testable import Reporting

/// Structure and escaping of the Markdown and LaTeX renderings.
@Suite struct PublicationTableFormatTests {
    /// A table wider than a portrait text width goes on a landscape page; its width counts each
    /// column's widest cell or title.
    @Test func wideTablesAreSetSideways() {
        var narrow = PublicationTable(caption: "c", identifier: "n", columns: [.init("Group", .left), .init("n")])
        narrow.append(["All", "120"])
        #expect(!narrow.isWide)
        #expect(narrow.latex().hasPrefix("\\begin{table}[htbp]\n"))
        var wide = PublicationTable(caption: "c", identifier: "w", columns: [.init("Group", .left), .init("a"), .init("b")])
        wide.append(["All", String(repeating: "9", count: 60), String(repeating: "9", count: 44)])
        // 5 + 60 + 44 + 2 gaps of 3 = 115 characters.
        #expect(wide.isWide)
        #expect(wide.latex().hasPrefix("\\begin{sidewaystable}\n") && wide.latex().hasSuffix("\\end{sidewaystable}\n"))
        var edge = PublicationTable(caption: "c", identifier: "e", columns: [.init("Group", .left), .init("a"), .init("b")])
        edge.append(["All", String(repeating: "9", count: 60), String(repeating: "9", count: 39)])
        #expect(!edge.isWide, "110 characters fit")
    }

    /// `NA` (a mean of nobody, responders of 0 analysed) is explained under the table that prints
    /// it, in both formats; a table without one has no such note.
    @Test func aTableWithNAExplainsIt() {
        var table = PublicationTable(caption: "c", identifier: "na", columns: [.init("Group", .left), .init("n"), .init("mean")],
                                     notes: ["n: analysed."])
        table.append(["All", "12", "3.4"])
        #expect(table.shownNotes == ["n: analysed."])
        #expect(!table.markdown().contains("NA:"))
        table.append(["Profile 2", "0", "NA"])
        #expect(table.shownNotes == ["n: analysed.", PublicationTable.notAvailableNote])
        #expect(table.markdown().hasSuffix(PublicationTable.notAvailableNote + "\n"))
        #expect(table.latex().contains(PublicationTable.latexEscape(PublicationTable.notAvailableNote)))
    }

    @Test(arguments: [
        ("A|B", "A\\|B"), ("<5", "<5"), ("<script>", "&lt;script>"), ("</b>", "&lt;/b>"), ("a\nb", "a b"),
        ("x*y", "x\\*y"), ("back\\slash", "back\\\\slash"), ("graded_activity", "graded_activity"), ("3b+Y", "3b+Y"),
        ("[link](http://e.x)", "[link\\](http://e.x)"), ("median [IQR]", "median [IQR]"), ("[a][b]", "[a\\][b]"), ("RMDQ _total_ score", "RMDQ \\_total\\_ score"),
        ("~~gone~~", "\\~\\~gone\\~\\~"), ("_lead", "\\_lead"), ("trail_", "trail\\_"),
        ("R&amp;D &#124; &lt;b&gt;", "R\\&amp;D \\&#124; \\&lt;b\\&gt;"), ("A & B", "A & B"), ("R&D", "R\\&D"),
        ("Ex|\u{301}ercise *\u{301}x", "Ex\\|\u{301}ercise \\*\u{301}x"), ("a\r\nb\rc", "a b c"),
    ])
    func markdownEscaping(text: String, expected: String) {
        #expect(PublicationTable.markdownEscape(text) == expected)
    }

    @Test(arguments: [
        ("50% & $x_1$", "50\\% \\& \\$x\\_1\\$"),
        ("{#~^\\}", "\\{\\#\\textasciitilde{}\\textasciicircum{}\\textbackslash{}\\}"),
        ("<5", "\\textless{}5"), ("a|b>c", "a\\textbar{}b\\textgreater{}c"),
        ("-1.5 [-2.0, 0.3]", "$-$1.5 [$-$2.0, 0.3]"), ("RMDQ (0-24)", "RMDQ (0-24)"), ("3b-2", "3b-2"),
        ("NNT ∞", "NNT $\\infty$"), ("I² ≥ 5", "I$^2$ $\\geq$ 5"), ("Öster", "Öster"),
        ("[0-24] RMDQ", "{}[0-24] RMDQ"), (" *starred", "{} *starred"), ("a [b]", "a [b]"), ("x*", "x*"),
        // A special with a combining mark is still the special; decomposed accents are composed.
        ("Ex|\u{301}ercise &\u{301} 50%\u{301}", "Ex\\textbar{}\u{301}ercise \\&\u{301} 50\\%\u{301}"),
        ("Ce\u{301}sar", "C\u{E9}sar"), ("a\r\nb", "a b"), ("[\u{301}y] RMDQ", "{}[\u{301}y] RMDQ"),
    ])
    func latexEscaping(text: String, expected: String) {
        #expect(PublicationTable.latexEscape(text) == expected)
    }

    func hostileTable() -> PublicationTable {
        var table = PublicationTable(caption: "Caption with 50% & a | pipe", identifier: "x y/z",
                                     columns: [.init("Group", .left), .init("n"), .init("A|B & C")],
                                     notes: ["Note with $ and _"])
        table.startSection()
        table.append(["A|B", "12", "x & y"])
        table.append(["", "<5", "100%"])
        table.startSection()
        table.append(["{weird}", "3", "-1.0 [-2.0, 0.5]"])
        return table
    }

    @Test func markdownRowsHaveOneCellPerColumn() {
        let text = hostileTable().markdown()
        PublicationStructure.checkMarkdown(text, columns: 3)
        #expect(text.contains("| A\\|B | 12 | x & y |"))
        #expect(text.contains("|:---|---:|---:|"))
        #expect(text.hasPrefix("**Caption with 50% & a \\| pipe**\n"))
    }

    @Test func latexHasBooktabsRulesAndConsistentRows() {
        let text = hostileTable().latex()
        PublicationStructure.checkLatex(text, columns: 3)
        #expect(text.contains("\\begin{tabular}{@{}lrr@{}}"))
        #expect(text.contains("\\label{tab:x+20y+2Fz}"))
        // Two outcome names that differ only in `_` and `-` keep their own labels.
        #expect(PublicationTable.latexLabel("response-pain_nrs-week12") == "response-pain_nrs-week12")
        #expect(PublicationTable.latexLabel("response-pain-nrs-week12") == "response-pain-nrs-week12")
        #expect(PublicationTable.latexLabel("a+2Fb") != PublicationTable.latexLabel("a/b"))
        #expect(text.contains("A\\textbar{}B & 12 & x \\& y \\\\"))
        #expect(text.contains("\\caption{Caption with 50\\% \\& a \\textbar{} pipe}"))
        #expect(text.contains("Note with \\$ and \\_"))
        // A rule between the two sections, besides the one under the header.
        #expect(text.components(separatedBy: "\\midrule").count - 1 == 2)
    }
}

/// Independent checks of the rendered structure, shared by the table tests.
enum PublicationStructure {
    /// Characters `c` not preceded by an escaping backslash.
    static func unescapedCount(_ character: Character, in line: String) -> Int {
        var count = 0
        var escaped = false
        for current in line {
            if escaped {
                escaped = false
                continue
            }
            if current == "\\" {
                escaped = true
                continue
            }
            if current == character { count += 1 }
        }
        return count
    }

    static func checkMarkdown(_ text: String, columns: Int, sourceLocation: Testing.SourceLocation = #_sourceLocation) {
        let tableLines = text.split(separator: "\n", omittingEmptySubsequences: false).filter { $0.hasPrefix("|") }
        #expect(tableLines.count >= 3, sourceLocation: sourceLocation)
        for line in tableLines {
            #expect(unescapedCount("|", in: String(line)) == columns + 1, "\(line)", sourceLocation: sourceLocation)
        }
        #expect(text.hasSuffix("\n"), sourceLocation: sourceLocation)
    }

    static func checkLatex(_ text: String, columns: Int, sourceLocation: Testing.SourceLocation = #_sourceLocation) {
        let lines = text.split(separator: "\n").map(String.init)
        guard let top = lines.firstIndex(of: "\\toprule"), let bottom = lines.firstIndex(of: "\\bottomrule"),
              let header = lines.firstIndex(of: "\\midrule") else {
            Issue.record("booktabs rules missing", sourceLocation: sourceLocation)
            return
        }
        #expect(top < header && header < bottom, sourceLocation: sourceLocation)
        for line in lines[(top + 1)..<bottom] where line != "\\midrule" {
            #expect(unescapedCount("&", in: line) == columns - 1, "\(line)", sourceLocation: sourceLocation)
            #expect(line.hasSuffix(" \\\\"), "\(line)", sourceLocation: sourceLocation)
        }
        let specification = lines.first { $0.hasPrefix("\\begin{tabular}{@{}") }
        #expect(specification?.count == "\\begin{tabular}{@{}@{}}".count + columns, sourceLocation: sourceLocation)
        // A wide table is on a landscape page; either way the float holds the whole table.
        let float = (lines.first == "\\begin{sidewaystable}") ? "sidewaystable" : "table"
        #expect(lines.first == (float == "table" ? "\\begin{table}[htbp]" : "\\begin{sidewaystable}"), sourceLocation: sourceLocation)
        #expect(lines.last == "\\end{\(float)}", sourceLocation: sourceLocation)
        // The tabular, and nothing but it, is in an adjustbox that only ever shrinks it.
        let box = lines.firstIndex(of: "\\begin{adjustbox}{max width=\\linewidth}")
        let boxEnd = lines.firstIndex(of: "\\end{adjustbox}")
        let tabular = lines.firstIndex { $0.hasPrefix("\\begin{tabular}") }
        let tabularEnd = lines.firstIndex(of: "\\end{tabular}")
        #expect(box.map { $0 + 1 } == tabular && tabularEnd.map { $0 + 1 } == boxEnd, sourceLocation: sourceLocation)
    }
}

/// The tables built from the fixture trial, with suppression checked against the rules.
@Suite struct PublicationTablesTests {
    let results = PublicationFixture.results()
    var outcome: OutcomePlan { PublicationFixture.plan.outcomes[0] }

    /// Rows keyed by group label (carried down the blank cells) and arm label.
    func cells(_ table: PublicationTable) -> [String: [String]] {
        var byKey: [String: [String]] = [:]
        var group = ""
        for row in table.rows {
            if !row[0].isEmpty { group = row[0] }
            byKey[group + "/" + row[1]] = row
        }
        return byKey
    }

    @Test func everyTableIsWellFormedInBothFormats() {
        let tables = PublicationTables.all(results)
        #expect(tables.map(\.identifier) == [
            "baseline", "response-rmdq-week12-complete_case", "comparisons-rmdq-week12-complete_case",
        ])
        for table in tables {
            PublicationStructure.checkMarkdown(table.markdown(), columns: table.columns.count)
            PublicationStructure.checkLatex(table.latex(), columns: table.columns.count)
        }
    }

    /// The formula guard of the Markdown tables: a cell a spreadsheet would run, once pasted
    /// into one, starts with a backslash (Markdown still shows the text as written); numbers and
    /// other text do not.
    @Test(arguments: [
        ("=HYPERLINK(\"x\")", "\\=HYPERLINK(\"x\")"), ("+cmd", "\\+cmd"), ("@SUM(A1)", "\\@SUM(A1)"), ("-cmd", "\\-cmd"),
        ("-0.39", "-0.39"), ("-1.5 (-2.0 to 0.3)", "-1.5 (-2.0 to 0.3)"), ("-.5", "-.5"), ("3b+Y", "3b+Y"), ("", ""),
        ("<5", "<5"), ("x", "x"), ("-1+cmd\\|calc", "\\-1+cmd\\|calc"), ("-3.63 [-4.05, -3.21]", "-3.63 [-4.05, -3.21]"),
        (" =HYPERLINK(1)", "\\=HYPERLINK(1)"), ("\t+SUM(1)", "\\+SUM(1)"), ("-12%", "-12%"), ("- General", "\\- General"),
        ("NNTB 9.7 (NNTB 5.0 to ∞ to NNTH 19.1)", "NNTB 9.7 (NNTB 5.0 to ∞ to NNTH 19.1)"), ("-", "\\-"),
        ("=\u{301}SUM(1)", "\\=\u{301}SUM(1)"),
    ])
    func markdownCellsAreFormulaGuarded(cell: String, expected: String) {
        #expect(PublicationTable.formulaGuarded(cell) == expected)
    }

    @Test func anArmLabelThatIsAFormulaIsGuardedInEveryMarkdownTable() throws {
        let arms = [
            Arm(id: "motor_control", label: "=HYPERLINK(1)", order: 0),
            Arm(id: "graded_activity", label: "Graded activity", order: 1),
            Arm(id: "general_exercise", label: "General exercise", order: 2),
        ]
        let results = PublicationFixture.results(PublicationFixture.subjects(arms: arms), arms: arms)
        var guarded = 0
        for table in PublicationTables.all(results) {
            let cells = table.markdown().split(separator: "\n").filter { $0.hasPrefix("|") }
                .flatMap { $0.split(separator: "|").map { $0.trimmingCharacters(in: .whitespaces) } }
            #expect(!cells.contains { $0.hasPrefix("=") }, "a cell starts with '=' in \(table.caption)")
            guarded += cells.filter { $0.hasPrefix("\\=HYPERLINK(1)") }.count
        }
        #expect(guarded > 0)
    }

    @Test func labelsFromUserDataAreEscaped() throws {
        let arms = [
            Arm(id: "motor_control", label: "Motor | control", order: 0),
            Arm(id: "graded_activity", label: "Graded_activity & 50%", order: 1),
            Arm(id: "general_exercise", label: "General {exercise} #1", order: 2),
        ]
        let hostile = PublicationFixture.results(PublicationFixture.subjects(arms: arms), arms: arms)
        for table in PublicationTables.all(hostile) {
            let markdown = table.markdown()
            let latex = table.latex()
            PublicationStructure.checkMarkdown(markdown, columns: table.columns.count)
            PublicationStructure.checkLatex(latex, columns: table.columns.count)
            #expect(!markdown.contains("Motor | control"))
            #expect(!latex.contains("& 50%"))
        }
        let response = try #require(PublicationTables.response(hostile, outcome: outcome, timepoint: "week12"))
        #expect(response.markdown().contains("| Motor \\| control |"))
        #expect(response.latex().contains("Graded\\_activity \\& 50\\%"))
        #expect(response.latex().contains("General \\{exercise\\} \\#1"))
    }

    @Test func responseTableSuppressesTheSmallCellAndItsComplement() throws {
        let table = try #require(PublicationTables.response(results, outcome: outcome, timepoint: "week12"))
        #expect(table.columns.map(\.title) == ["Group", "Arm", "n", "Baseline, mean (SD)", "Change, mean [95% CI]",
                                               "Responders, n/N (%)"])
        let rows = cells(table)
        // Graded activity has 3 analysed in profile 3a: the count and every statistic are hidden.
        #expect(rows["Profile 3a/Graded activity"] == ["", "Graded activity", "<5", "x", "x", "x"])
        // all = profile 2 + 3a + 3b (28 = 7 + 3 + 18): the smallest other count, 7, goes too.
        #expect(rows["Profile 2/Graded activity"]?[2] == "x")
        #expect(rows["Profile 3b/Graded activity"]?[2] == "18")
        #expect(rows["All/Graded activity"]?[2] == "28")
        // The other arms keep every number analysed.
        for (key, row) in rows where !key.hasSuffix("/Graded activity") {
            #expect(Int(row[2]) != nil, "\(key): \(row[2])")
        }
        // Per arm, the profile level never has exactly one hidden count (it would be all − the rest).
        for arm in PublicationFixture.arms {
            let hidden = ["Profile 2", "Profile 3a", "Profile 3b"].filter { Int(rows["\($0)/\(arm.label)"]?[2] ?? "") == nil }
            #expect(hidden.count != 1, "\(arm.label): \(hidden)")
        }
        #expect(table.markdown().contains("| <5 | x | x | x |"))
        #expect(table.latex().contains("\\textless{}5 & x & x & x \\\\"))
    }

    /// Every responder cell either hides its count (and then shows no percentage) or shows a
    /// count and a non-responder count that are both at least 5, with the right percentage.
    @Test func responderCellsFollowTheRules() throws {
        let table = try #require(PublicationTables.response(results, outcome: outcome, timepoint: "week12"))
        var checked = 0
        for row in table.rows where row[2] != "<5" && row[2] != "x" {
            let cell = row[5]
            let parts = cell.split(separator: " ", maxSplits: 1)
            let fraction = parts[0].split(separator: "/")
            #expect(fraction.count == 2, "\(cell)")
            guard fraction.count == 2, let total = Int(fraction[1]) else { continue }
            #expect(String(total) == row[2], "responder N is the number analysed")
            if let responders = Int(fraction[0]) {
                #expect(responders >= 5 || responders == 0, "\(cell)")
                #expect(total - responders >= 5 || total == responders, "\(cell): the non-responders would be small")
                let percent = Double(responders) / Double(total) * 100
                #expect(parts.count == 2 && parts[1] == "(" + NumberFormat.fixed(percent, decimals: 1) + ")", "\(cell)")
                checked += 1
            } else {
                #expect(["<5", "x"].contains(String(fraction[0])), "\(cell)")
                #expect(parts.count == 1, "a hidden count keeps no percentage: \(cell)")
            }
        }
        #expect(checked >= 3)
    }

    @Test func comparisonsHideWhatTheResponseTableHides() throws {
        let table = try #require(PublicationTables.comparisons(results, outcome: outcome, timepoint: "week12"))
        #expect(table.columns.count == 9)
        let rows = cells(table)
        #expect(rows["Profile 3a/Graded activity"] == ["", "Graded activity", "<5/8", "x", "x", "x", "x", "x", "x"])
        #expect(rows["Profile 2/Graded activity"]?[2] == "x/8")
        // Motor control in 3a keeps its Welch difference and g but not the ANCOVA, which was fitted
        // with the hidden graded-activity cell.
        let motor3a = try #require(rows["Profile 3a/Motor control"])
        let comparison = try #require(results.comparisons.first {
            $0.group == GroupKey(.profile, "3a") && $0.arm.id == "motor_control" && $0.approach == .completeCase
        })
        let welch = try #require(comparison.welch)
        #expect(motor3a[2] == "9/8")
        #expect(motor3a[3] == NumberFormat.fixed(welch.difference, decimals: 2) + " ["
            + NumberFormat.fixed(welch.interval.lower, decimals: 2) + ", " + NumberFormat.fixed(welch.interval.upper, decimals: 2) + "]")
        #expect(motor3a[4] == "x" && motor3a[5] == "x")
        #expect(motor3a[6] == NumberFormat.fixed(comparison.hedges?.g, decimals: 2))
        // Nothing is hidden for everyone randomised.
        for key in ["All/Motor control", "All/Graded activity"] {
            #expect(rows[key]?.contains("x") == false, "\(key): \(rows[key] ?? [])")
        }
        #expect(table.notes.contains { $0.contains("General exercise (reference arm)") })
    }

    /// No one in the reference arm of profile 3a has a week-12 value: the risk difference there
    /// is not estimable (NA), not withheld (x), unless the 0 itself is suppressed.
    @Test func aComparisonWithAnEmptyArmIsNotEstimableRatherThanWithheld() throws {
        let subjects = PublicationFixture.subjects().map { subject in
            guard subject.arm?.id == "general_exercise", subject.subprofile == "3a" else { return subject }
            var emptied = subject
            emptied.measurements["week12"] = nil
            return emptied
        }
        let results = PublicationFixture.results(subjects)
        let shown = try #require(PublicationTables.comparisons(results, outcome: outcome, timepoint: "week12", suppression: .disabled))
        #expect(cells(shown)["Profile 3a/Motor control"] == ["Profile 3a", "Motor control", "9/0", "NA", "NA", "NA", "NA", "NA", "NA"])
        // A small graded-activity count hidden in the same group withholds the ANCOVA fitted on
        // every arm, but there is no contrast against an empty reference to withhold.
        let small = try #require(PublicationTables.comparisons(results, outcome: outcome, timepoint: "week12",
                                                               suppression: SmallCellSuppression(threshold: 5)))
        // Nor any against it for the arm whose own count is hidden: 0 is shown.
        let graded = try #require(cells(small)["Profile 3a/Graded activity"])
        #expect(graded[2] == "<5/0")
        #expect(graded[3...].allSatisfy { $0 == "NA" }, "\(graded)")
        #expect(cells(small)["Profile 3a/Motor control"] == ["Profile 3a", "Motor control", "9/0", "NA", "NA", "NA", "NA", "NA", "NA"])
        // Suppressing zeros as well hides the 0 and what would reveal it.
        let zeros = try #require(PublicationTables.comparisons(results, outcome: outcome, timepoint: "week12",
                                                               suppression: SmallCellSuppression(threshold: 5, protectsZeros: true)))
        let row = try #require(cells(zeros)["Profile 3a/Motor control"])
        #expect(row[2] == "9/<5")
        #expect(row[3...].allSatisfy { $0 == "x" }, "\(row)")
    }

    @Test func captionsNameOutcomeTimepointReferenceApproachAndResponderRule() throws {
        let response = try #require(PublicationTables.response(results, outcome: outcome, timepoint: "week12"))
        #expect(response.caption.contains("RMDQ (0-24)") && response.caption.contains("week12")
            && response.caption.contains("complete case"))
        #expect(response.notes.contains { $0.contains("improvement >= 5 points or improvement >= 30 % of baseline") })
        #expect(response.notes.contains { $0.contains("General exercise") })
        let comparisons = try #require(PublicationTables.comparisons(results, outcome: outcome, timepoint: "week12"))
        #expect(comparisons.caption.contains("against General exercise"))
        #expect(comparisons.notes.contains { $0.contains("Counts of 1 to 4 are shown as <5") })
    }

    /// summary.txt says how many miss a value of each variable some participant lacks. The
    /// publication table does so for categories only: beside a mean withheld when few have a
    /// value (which bounds the count with a value), a missing count could give small counts away.
    @Test func baselineTablesSayHowManyMissAValue() {
        // Duration unknown for participants 1-3 (motor control) and 40-46 (general exercise).
        let subjects = PublicationFixture.subjects().map { subject in
            var copy = subject
            if let serial = Int(subject.id.dropFirst()), subject.id.hasPrefix("P"), serial <= 3 || (40...46).contains(serial) {
                copy.characteristics[.durationWeeks] = nil
            }
            return copy
        }
        let results = PublicationFixture.results(subjects)
        let arms = results.baseline.filter { $0.columnKind == "arm" && $0.variable == "duration_weeks" && $0.summary == .meanSD }
        #expect(arms.map(\.column) == ["all", "motor_control", "graded_activity", "general_exercise"])
        #expect(arms.map(\.missing) == [10, 3, 0, 7])
        let labels = PublicationTables.baseline(results).rows.map { $0[0] }
        #expect(labels.filter { $0.hasSuffix("missing, n") } == ["Sex missing, n"])
        let text = SummaryText.baseline(results.baseline, arms: results.arms).joined(separator: "\n")
        let lines = text.split(separator: "\n").map(String.init)
        let duration = lines.firstIndex { $0.hasPrefix("duration_weeks") }
        let missing = lines.firstIndex { $0.hasPrefix("  missing, n") }
        #expect(duration != nil && missing == duration.map { $0 + 3 }, "\(text)")
        #expect(missing.map { lines[$0].split(separator: " ").suffix(4) } == ["10", "3", "0", "7"])
        #expect(lines.filter { $0.hasPrefix("  missing, n") }.count == 4, "duration, the two scores nobody has, and sex: \(text)")
        // No line where nobody misses a value.
        let age = lines.firstIndex { $0.hasPrefix("age") }
        #expect(age.map { lines[$0 + 3] } == "duration_weeks", "\(text)")
    }

    /// A category nobody has a value for (sex not collected) is left out of the table, as a
    /// continuous characteristic is, rather than shown as zeros beside everyone missing.
    @Test func aCharacteristicNobodyHasIsLeftOut() {
        let subjects = PublicationFixture.subjects().map { subject in
            var copy = subject
            copy.characteristics[.sex] = nil
            return copy
        }
        let labels = PublicationTables.baseline(PublicationFixture.results(subjects)).rows.map { $0[0] }
        #expect(!labels.contains { $0.hasPrefix("Female") || $0.hasPrefix("Male") || $0.hasPrefix("Sex") }, "\(labels)")
        #expect(labels.contains { $0.hasPrefix("Subprofile 3a") }, "\(labels)")
        let full = PublicationTables.baseline(PublicationFixture.results(PublicationFixture.subjects())).rows.map { $0[0] }
        #expect(full.contains { $0.hasPrefix("Female") })
    }

    @Test func baselineTableSuppressesAndKeepsTotalsUndisclosing() {
        let table = PublicationTables.baseline(results)
        #expect(table.columns.map(\.title) == [
            "Characteristic", "All (n = 102)", "Motor control (n = 37)", "Graded activity (n = 30)",
            "General exercise (n = 35)",
        ])
        #expect(!table.columns.contains { $0.title.lowercased().hasPrefix("p") }, "no p-values")
        // Characteristics nobody has (not in the fixture) are left out.
        #expect(!table.rows.contains { $0[0].hasPrefix("ÖMPSQ") })
        let byLabel = Dictionary(table.rows.map { ($0[0], Array($0.dropFirst())) }, uniquingKeysWith: { first, _ in first })
        // Graded activity: 3 analysed + 1 without follow-up = 4 randomised in subprofile 3a.
        #expect(byLabel["Subprofile 3a, n (%)"]?[2] == "<5")
        // Subprofile block: columns sum to the column n, the all column to the arms.
        let subprofiles = ["Subprofile 2, n (%)", "Subprofile 3a, n (%)", "Subprofile 3b, n (%)", "Subprofile 3b+Y, n (%)"]
        Self.checkNoSingleHidden(byLabel, rows: subprofiles, columns: 4)
        // Sex block: one general-exercise participant without a recorded sex.
        #expect(byLabel["Sex missing, n"] == ["<5", "0", "0", "<5"])
        Self.checkNoSingleHidden(byLabel, rows: ["Female, n (%)", "Male, n (%)", "Sex missing, n"], columns: 4)
        // Percentages, where shown, are of the column n for subprofiles (nobody lacks one).
        let totals = [102, 37, 30, 35]
        for label in subprofiles {
            for (column, cell) in (byLabel[label] ?? []).enumerated() {
                let parts = cell.split(separator: " ")
                guard parts.count == 2, let count = Int(parts[0]) else {
                    #expect(["<5", "x"].contains(cell), "\(label): \(cell)")
                    continue
                }
                #expect(parts[1] == "(" + NumberFormat.fixed(Double(count) / Double(totals[column]) * 100, decimals: 1) + ")")
            }
        }
    }

    /// A characteristic without a missing row tells the reader that nobody misses it, so its
    /// categories sum to the column's n: a withheld n is not given back by them (here one
    /// subprofile for everyone: its count, with 100 %, would be the n of "All").
    @Test func aBlockWithoutMissingValuesKeepsAWithheldColumnNHidden() {
        let arms = [Arm(id: "a", label: "A", order: 0), Arm(id: "b", label: "B", order: 1),
                    Arm(id: "c", label: "C", order: 2), Arm(id: "r", label: "R", order: 3)]
        var subjects: [AnalysisSubject] = []
        // Arm sizes and women per arm; one participant of the reference arm has no recorded sex.
        for (arm, (size, women)) in zip(arms, [(20, 10), (2, 1), (3, 1), (20, 10)]) {
            for index in 0..<size {
                let id = "\(arm.id)\(index)"
                let missing = arm.id == "r" ? 1 : 0
                let sex: Value? = index < missing ? nil : .text(index < women + missing ? "F" : "M")
                subjects.append(AnalysisSubject(id: id, site: "S1", arm: arm, profile: "3a", subprofile: "3a",
                                                characteristics: [.sex: sex].compactMapValues { $0 },
                                                measurements: ["baseline": [.rmdq: 12], "week12": [.rmdq: 8]]))
            }
        }
        let plan = AnalysisPlan(outcomes: [AnalysisPlan.defaultOutcomes[0]], timepoints: ["week12"], referenceArm: "r")
        let results = PublicationFixture.results(subjects, plan: plan, arms: arms)
        let table = PublicationTables.baseline(results)
        func isHidden(_ cell: String) -> Bool { cell.hasPrefix("x") || cell.hasPrefix("<") }
        let headerHidden = table.columns.dropFirst().map { isHidden($0.title.components(separatedBy: "n = ").last ?? "") }
        #expect(headerHidden.contains(true), "the small arms' n are withheld: \(table.columns.map(\.title))")
        let subprofiles = table.rows.filter { $0[0].hasPrefix("Subprofile") }
        #expect(!subprofiles.isEmpty)
        #expect(!table.rows.contains { $0[0] == "Subprofile missing, n" })
        for (column, hidden) in headerHidden.enumerated() where hidden {
            #expect(subprofiles.contains { isHidden($0[column + 1]) }, "column \(column): \(subprofiles.map { $0[column + 1] })")
        }
    }

    /// A count shown beside a withheld denominator has no percentage (it would give the
    /// denominator back), and the notes say so exactly when a table has such a count.
    @Test func percentagesOfWithheldDenominatorsAreLeftOutAndNoted() {
        var noted = 0
        for threshold in 2...40 {
            let table = PublicationTables.baseline(results, suppression: SmallCellSuppression(threshold: threshold))
            // A plain 0 may also have a denominator of 0 (no percentage either); a plain count
            // above 0 has a denominator above 0, so only its withholding leaves the percentage out.
            let plainCounts = table.rows.filter { $0[0].hasSuffix(", n (%)") }.flatMap { $0.dropFirst() }.compactMap { Int($0) }
            let note = table.notes.contains { $0.contains("is shown without its percentage") }
            #expect(!plainCounts.contains { $0 > 0 } || note, "threshold \(threshold): \(plainCounts)")
            #expect(!note || !plainCounts.isEmpty, "threshold \(threshold)")
            if note { noted += 1 }
        }
        #expect(noted > 0, "some threshold withholds a denominator beside a shown count")
    }

    /// No row (all = Σ arms) and no column (the categories sum to a shown total) has exactly one
    /// hidden count.
    static func checkNoSingleHidden(_ byLabel: [String: [String]], rows: [String], columns: Int,
                                    sourceLocation: Testing.SourceLocation = #_sourceLocation) {
        func isHidden(_ cell: String) -> Bool { cell == "x" || cell.hasPrefix("<") }
        for row in rows {
            let hidden = (byLabel[row] ?? []).filter(isHidden).count
            #expect(hidden != 1, "\(row): \(byLabel[row] ?? [])", sourceLocation: sourceLocation)
        }
        for column in 0..<columns {
            let hidden = rows.filter { isHidden(byLabel[$0]?[column] ?? "") }.count
            #expect(hidden != 1, "column \(column)", sourceLocation: sourceLocation)
        }
    }

    @Test func disabledSuppressionPrintsEveryCount() throws {
        let table = try #require(PublicationTables.response(results, outcome: outcome, timepoint: "week12",
                                                             suppression: .disabled))
        let rows = cells(table)
        #expect(rows["Profile 3a/Graded activity"]?[2] == "3")
        #expect(!table.rows.flatMap { $0 }.contains { $0 == "x" || $0.hasPrefix("<") })
        #expect(!table.notes.contains { $0.contains("shown as") })
    }

    @Test func higherThresholdHidesMore() throws {
        let table = try #require(PublicationTables.response(results, outcome: outcome, timepoint: "week12",
                                                             suppression: SmallCellSuppression(threshold: 10)))
        let rows = cells(table)
        #expect(rows["Profile 2/Graded activity"]?[2] == "<10")
        #expect(rows["Profile 3a/Graded activity"]?[2] == "<10")
        for (key, row) in rows {
            #expect(row[2] == "<10" || row[2] == "x" || (Int(row[2]) ?? 0) >= 10, "\(key): \(row[2])")
        }
        #expect(table.notes.contains { $0.contains("Counts of 1 to 9 are shown as <10") })
    }

    @Test func sameInputGivesTheSameText() {
        let first = PublicationTables.all(PublicationFixture.results())
        let second = PublicationTables.all(PublicationFixture.results())
        #expect(PublicationTable.markdownDocument(first, title: "T") == PublicationTable.markdownDocument(second, title: "T"))
        #expect(PublicationTable.latexDocument(first, title: "T") == PublicationTable.latexDocument(second, title: "T"))
    }

    @Test func successOutcomeHasCountsRiskDifferenceAndNNT() throws {
        let plan = AnalysisPlan(outcomes: [AnalysisPlan.defaultOutcomes[3]], timepoints: ["week12"],
                                referenceArm: "general_exercise")
        let success = PublicationFixture.results(plan: plan)
        let tables = PublicationTables.all(success)
        #expect(tables.count == 3)
        let response = try #require(PublicationTables.response(success, outcome: plan.outcomes[0], timepoint: "week12"))
        #expect(response.columns.map(\.title) == ["Group", "Arm", "n", "Success, n/N (%)"])
        #expect(response.notes.contains { $0.contains("Success: rating 1 or 2.") })
        let comparisons = try #require(PublicationTables.comparisons(success, outcome: plan.outcomes[0], timepoint: "week12"))
        #expect(comparisons.columns.map(\.title) == ["Group", "Arm", "n arm/reference",
                                                     "Risk difference, % points [95% CI]", "NNT (95% CI)"])
        let rows = cells(comparisons)
        #expect(rows["Profile 3a/Graded activity"] == ["", "Graded activity", "<5/8", "x", "x"])
        let all = try #require(success.comparisons.first {
            $0.group.grouping == .all && $0.arm.id == "graded_activity" && $0.approach == .completeCase
        })
        let difference = try #require(all.riskDifference)
        #expect(rows["All/Graded activity"]?[3] == NumberFormat.fixed(difference.difference * 100, decimals: 1) + " ["
            + NumberFormat.fixed(difference.interval.lower * 100, decimals: 1) + ", "
            + NumberFormat.fixed(difference.interval.upper * 100, decimals: 1) + "]")
        // The NNT prints with its interval: the reciprocals of the risk difference's limits.
        let nnt = try #require(rows["All/Graded activity"]?[4])
        #expect(nnt.hasPrefix((difference.difference > 0 ? "NNTB " : "NNTH ")
            + NumberFormat.fixed(1 / abs(difference.difference), decimals: 1) + " ("))
        for limit in [difference.interval.lower, difference.interval.upper] where limit != 0 {
            #expect(nnt.contains(NumberFormat.fixed(1 / abs(limit), decimals: 1)))
        }
        if difference.interval.lower < 0 && difference.interval.upper > 0 { #expect(nnt.contains(" to ∞ to ")) }
        for table in tables {
            PublicationStructure.checkMarkdown(table.markdown(), columns: table.columns.count)
            PublicationStructure.checkLatex(table.latex(), columns: table.columns.count)
        }
    }

    @Test func sensitivityApproachesShowOnlyTheirStatistics() throws {
        let bocf = try #require(PublicationTables.response(results, outcome: outcome, timepoint: "week12",
                                                            approach: .baselineCarriedForward))
        #expect(bocf.columns.map(\.title) == ["Group", "Arm", "n", "Baseline, mean (SD)", "Change, mean [95% CI]"])
        #expect(bocf.caption.contains("baseline observation carried forward"))
        // Everyone randomised has a baseline: graded activity in 3a counts 3 + 1 = 4.
        #expect(cells(bocf)["Profile 3a/Graded activity"]?[2] == "<5")
        let nri = try #require(PublicationTables.response(results, outcome: outcome, timepoint: "week12",
                                                           approach: .nonResponderImputation))
        #expect(nri.columns.map(\.title) == ["Group", "Arm", "n", "Responders, n/N (%)"])
        #expect(cells(nri)["All/Motor control"]?[2] == "37")
        let nriComparisons = try #require(PublicationTables.comparisons(results, outcome: outcome, timepoint: "week12",
                                                                         approach: .nonResponderImputation))
        #expect(nriComparisons.columns.count == 5)
        let bocfComparisons = try #require(PublicationTables.comparisons(results, outcome: outcome, timepoint: "week12",
                                                                          approach: .baselineCarriedForward))
        #expect(bocfComparisons.columns.count == 7)
        for table in [bocf, nri, nriComparisons, bocfComparisons] {
            PublicationStructure.checkMarkdown(table.markdown(), columns: table.columns.count)
            PublicationStructure.checkLatex(table.latex(), columns: table.columns.count)
        }
    }

    @Test func unsplitSubprofilesAreListedOnceAtProfileLevel() throws {
        let table = try #require(PublicationTables.response(results, outcome: outcome, timepoint: "week12"))
        let groups = table.rows.map(\.[0]).filter { !$0.isEmpty }
        #expect(groups == ["All", "Profile 2", "Profile 3a", "Profile 3b", "Subprofile 3b", "Subprofile 3b+Y"])
        #expect(table.sections.count == 3)
    }
}
