import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import Analysis
import Statistics
import StudyModel
import Testing
@testable import Reporting

/// The SVG forest plot: well-formed standalone SVG, the right rows and marks, deterministic.
@Suite struct ForestPlotTests {
    let results = PublicationFixture.results()
    var outcome: OutcomePlan { PublicationFixture.plan.outcomes[0] }

    func svg(_ results: PublicationResults? = nil) throws -> String {
        try #require(ForestPlot.svg(results ?? self.results, outcome: outcome, timepoint: "week12"))
    }

    @Test func isWellFormedStandaloneSVG() throws {
        let document = try SVGDocument(try svg())
        let root = try #require(document.elements.first)
        #expect(root.name == "svg")
        #expect(root.attributes["xmlns"] == "http://www.w3.org/2000/svg")
        #expect(root.attributes["version"] == "1.1")
        let viewBox = try #require(root.attributes["viewBox"]).split(separator: " ").compactMap { Double($0) }
        #expect(viewBox.count == 4 && viewBox[0] == 0 && viewBox[1] == 0 && viewBox[2] > 0 && viewBox[3] > 0)
        #expect(root.attributes["font-family"]?.hasSuffix("sans-serif") == true)
        #expect(document.elements.contains { $0.name == "title" })
        #expect(!document.elements.contains { $0.attributes["id"] != nil }, "no generated identifiers")
        // Every mark lies inside the view box.
        for element in document.elements {
            for attribute in ["x", "x1", "x2"] {
                if let value = element.attributes[attribute].flatMap(Double.init) { #expect(value >= 0 && value <= viewBox[2]) }
            }
            for attribute in ["y", "y1", "y2"] {
                if let value = element.attributes[attribute].flatMap(Double.init) { #expect(value >= 0 && value <= viewBox[3]) }
            }
        }
    }

    @Test func hasOneRowPerGroupInEachPanelAndTheOverallDiamonds() throws {
        let document = try SVGDocument(try svg())
        let texts = document.texts
        // Row labels are the left-aligned texts of the first column (tick labels are centred).
        let rowLabels = document.elements.filter { $0.name == "text" && $0.attributes["text-anchor"] == nil }.map(\.text)
        for group in ["2", "3a", "3b", "3b+Y", "All"] {
            #expect(rowLabels.filter { $0 == group }.count == 2, "\(group): one row in each of the two panels")
        }
        #expect(texts.contains("Motor control vs General exercise"))
        #expect(texts.contains("Graded activity vs General exercise"))
        #expect(document.elements.filter { $0.name == "polygon" }.count == 2)
        // Squares: 4 + 4 groups, less the two suppressed graded-activity rows (3a small, 2 its complement).
        #expect(document.elements.filter { $0.name == "rect" && $0.attributes["fill"] == "#1f4e79" }.count == 6)
        #expect(texts.filter { $0 == "not shown (small-cell rule)" }.count == 2)
        #expect(texts.contains("<5"))
    }

    @Test func titleAndCaptionCarryOutcomeTimepointReferenceAndInteraction() throws {
        let text = try svg()
        let document = try SVGDocument(text)
        let title = try #require(document.texts.first)
        #expect(title.contains("RMDQ (0-24)") && title.contains("week12") && title.contains("General exercise"))
        let interaction = try #require(results.interactions.first { $0.grouping == .subprofile && $0.outcome == "rmdq" })
        let test = try #require(interaction.fTest)
        // The fixture hides small counts: the denominator df, which would give them away, is withheld.
        let withheld = "F(\(test.numeratorDegreesOfFreedom), –) = "
            + NumberFormat.fixed(test.f, decimals: 2) + ", p = " + NumberFormat.fixed(test.pValue, decimals: 3)
            + "; denominator df withheld (small cells)"
        #expect(document.texts.contains { $0.contains("Arm × subprofile interaction (exploratory): " + withheld) }, "\(withheld)")
        #expect(!document.texts.contains { $0.contains(", \(test.denominatorDegreesOfFreedom))") })
        // With nothing hidden, the whole test is shown.
        let open = try SVGDocument(try #require(ForestPlot.svg(results, outcome: outcome, timepoint: "week12",
                                                                 suppression: SmallCellSuppression(threshold: 1))))
        let expected = "F(\(test.numeratorDegreesOfFreedom), \(test.denominatorDegreesOfFreedom)) = "
            + NumberFormat.fixed(test.f, decimals: 2) + ", p = " + NumberFormat.fixed(test.pValue, decimals: 3)
        #expect(open.texts.contains { $0.hasSuffix("Arm × subprofile interaction (exploratory): " + expected) }, "\(expected)")
        #expect(document.texts.contains("← favours Graded activity"))
        #expect(document.texts.contains("favours General exercise →"))
        #expect(document.texts.contains { $0.hasPrefix("Heterogeneity across 4 groups: Cochran's Q = ") })
    }

    /// A panel with a suppressed row withholds its Q: the groups it counts tell which hidden groups
    /// have an estimate (two or more in each arm), which with the shown totals can pin a count down.
    @Test func heterogeneityIsWithheldBesideASuppressedRow() throws {
        let texts = try SVGDocument(try svg()).texts
        let panels = ["Motor control vs General exercise", "Graded activity vs General exercise"]
        func line(after heading: String, in texts: [String]) throws -> String {
            let index = try #require(texts.firstIndex(of: heading))
            return texts[index + 1]
        }
        // Graded activity hides 3a and 2 (see hasOneRowPerGroupInEachPanelAndTheOverallDiamonds).
        #expect(try line(after: panels[1], in: texts) == "Heterogeneity across groups withheld (small cells; Q and I² are in interaction.csv)")
        #expect(try line(after: panels[0], in: texts).hasPrefix("Heterogeneity across 4 groups: Cochran's Q = "))
        #expect(!texts.contains { $0.contains("across 2 groups") || $0.contains("across 3 groups") })
        let open = try SVGDocument(try #require(ForestPlot.svg(results, outcome: outcome, timepoint: "week12",
                                                                 suppression: SmallCellSuppression(threshold: 1)))).texts
        for panel in panels {
            #expect(try line(after: panel, in: open).hasPrefix("Heterogeneity across 4 groups: Cochran's Q = "))
        }
    }

    /// Of one group no heterogeneity is said (interaction.csv leaves the row out too); of two
    /// or more it is.
    @Test func noHeterogeneityLineForOneGroup() throws {
        var results = self.results
        let estimate = try #require(StudyEstimate(estimate: 1.5, standardError: 0.7))
        let one = try #require(Heterogeneity([estimate]))
        #expect(one.degreesOfFreedom == 0)
        for index in results.interactions.indices {
            for arm in results.interactions[index].heterogeneity.indices {
                results.interactions[index].heterogeneity[arm].groups = ["3b"]
                results.interactions[index].heterogeneity[arm].heterogeneity = one
            }
        }
        let document = try SVGDocument(try svg(results))
        #expect(!document.texts.contains { $0.contains("Heterogeneity") })
        #expect(try SVGDocument(try svg()).texts.filter { $0.hasPrefix("Heterogeneity across") }.count == 2)
    }

    /// Reads the axis back from the tick labels and checks each square sits on its estimate and
    /// each interval line spans its limits.
    @Test func marksSitOnTheirEstimates() throws {
        let document = try SVGDocument(try svg())
        let ticks = document.elements.filter { $0.name == "text" && $0.attributes["text-anchor"] == "middle" }
            .compactMap { element -> (x: Double, value: Double)? in
                guard let x = element.attributes["x"].flatMap(Double.init),
                      let value = Double(element.text.replacingOccurrences(of: "−", with: "-")) else { return nil }
                return (x, value)
            }
        let first = try #require(ticks.first)
        let last = try #require(ticks.first { $0.value != first.value })
        let scale = (last.x - first.x) / (last.value - first.value)
        func position(_ value: Double) -> Double { first.x + (value - first.value) * scale }

        let expected = ["motor_control", "graded_activity"].flatMap { arm in
            ["2", "3a", "3b", "3b+Y"].compactMap { group -> TwoSampleEstimate? in
                guard !(arm == "graded_activity" && (group == "3a" || group == "2")),
                      let welch = results.comparisons.first(where: {
                          $0.group == GroupKey(.subprofile, group) && $0.arm.id == arm && $0.approach == .completeCase
                      })?.welch else { return nil }
                let row = results.comparisons.first {
                    $0.group == GroupKey(.subprofile, group) && $0.arm.id == arm && $0.approach == .completeCase
                }
                return TwoSampleEstimate(difference: welch.difference, lower: welch.interval.lower, upper: welch.interval.upper,
                                         analysed: (row?.analysedArm ?? 0) + (row?.analysedReference ?? 0))
            }
        }
        let squares = document.elements.filter { $0.name == "rect" && $0.attributes["fill"] == "#1f4e79" }
        let intervals = document.elements.filter { $0.name == "line" && $0.attributes["stroke"] == "#1f4e79" }
        #expect(squares.count == expected.count && intervals.count == expected.count)
        // Areas proportional to the participants analysed in both arms, as the caption says.
        let analysed = expected.map { $0.analysed }
        let areas = squares.compactMap { $0.attributes["width"].flatMap(Double.init).map { $0 * $0 } }
        #expect(areas.count == analysed.count)
        for (area, count) in zip(areas, analysed) {
            #expect(abs(area / Double(count) - (areas[0] / Double(analysed[0]))) < 0.02 * areas[0] / Double(analysed[0]),
                    "area \(area) for \(count) analysed")
        }
        for (index, estimate) in zip(expected.indices, expected) where index < squares.count && index < intervals.count {
            let x = try #require(squares[index].attributes["x"].flatMap(Double.init))
            let width = try #require(squares[index].attributes["width"].flatMap(Double.init))
            #expect(abs(x + width / 2 - position(estimate.difference)) < 0.05, "square \(index)")
            let low = try #require(intervals[index].attributes["x1"].flatMap(Double.init))
            let high = try #require(intervals[index].attributes["x2"].flatMap(Double.init))
            #expect(abs(low - position(estimate.lower)) < 0.05 && abs(high - position(estimate.upper)) < 0.05)
        }
        // The zero line is at 0 on the axis.
        let zero = try #require(document.elements.first { $0.name == "line" && $0.attributes["stroke-dasharray"] != nil })
        #expect(abs((zero.attributes["x1"].flatMap(Double.init) ?? 0) - position(0)) < 0.05)
    }

    struct TwoSampleEstimate {
        var difference: Double
        var lower: Double
        var upper: Double
        var analysed: Int
    }

    @Test func sameInputGivesTheSameBytes() throws {
        let first = try svg(PublicationFixture.results())
        let second = try svg(PublicationFixture.results())
        #expect(Array(first.utf8) == Array(second.utf8))
    }

    @Test func hostileLabelsStayWellFormed() throws {
        let arms = [
            Arm(id: "motor_control", label: "Motor <control> & \"friends\"", order: 0),
            Arm(id: "graded_activity", label: "Graded 'activity'", order: 1),
            Arm(id: "general_exercise", label: "General & exercise", order: 2),
        ]
        let hostile = PublicationFixture.results(PublicationFixture.subjects(arms: arms), arms: arms)
        let document = try SVGDocument(try svg(hostile))
        #expect(document.texts.contains("Motor <control> & \"friends\" vs General & exercise"))
    }

    /// A long reference label wraps inside the figure; the largest shown square has full size,
    /// whatever the counts of suppressed rows.
    @Test func longLabelsStayInsideAndSquaresScaleAmongShownRows() throws {
        let long = "General exercise therapy as usual in primary care, delivered by physiotherapists in private practice "
            + "across the Netherlands under the 2021 guideline"
        let arms = [
            Arm(id: "motor_control", label: "Motor control", order: 0),
            Arm(id: "graded_activity", label: "Graded activity", order: 1),
            Arm(id: "general_exercise", label: long, order: 2),
        ]
        let results = PublicationFixture.results(PublicationFixture.subjects(arms: arms), arms: arms)
        let document = try SVGDocument(try svg(results))
        let root = try #require(document.elements.first)
        let width = try #require(root.attributes["viewBox"]?.split(separator: " ").compactMap { Double($0) }.dropFirst(2).first)
        let pieces = document.elements.filter { $0.name == "text" && $0.attributes["fill"] == "#7a4a00" }
        #expect(pieces.count >= 4, "two panels, the label wrapped in each")
        #expect(pieces.prefix(pieces.count / 2).map(\.text).joined(separator: " ") == "favours \(long) →")
        for piece in pieces {
            let x = try #require(piece.attributes["x"].flatMap(Double.init))
            // 7.6 px per character at 13 px, as the renderer estimates it.
            #expect(x + Double(piece.text.count) * 7.6 <= width, "'\(piece.text)' runs off the figure")
        }
        let sides = document.elements.filter { $0.name == "rect" && $0.attributes["fill"] == "#1f4e79" }
            .compactMap { $0.attributes["width"].flatMap(Double.init) }
        #expect(sides.max() == 14)
    }

    /// Arm labels too long for a line, with or without spaces, in wide (CJK) characters, or
    /// holding characters XML does not allow: every text stays inside the figure as the renderer
    /// estimates widths, and the document parses.
    @Test(arguments: [
        String(repeating: "Graded activity with weekly sessions at home and at the practice ", count: 3),
        "Armwithaverylongnamewithoutanyspaces" + String(repeating: "x", count: 120),
        String(repeating: "参加者の運動療法", count: 6),
        "Arm\u{1}A\u{FFFE}B\u{FFFF}\u{1B}D",
    ])
    func longOrOddArmLabelsStayInsideTheFigure(label: String) throws {
        let arms = [
            Arm(id: "motor_control", label: "Motor control", order: 0),
            Arm(id: "graded_activity", label: label, order: 1),
            Arm(id: "general_exercise", label: "General exercise", order: 2),
        ]
        let results = PublicationFixture.results(PublicationFixture.subjects(arms: arms), arms: arms)
        let document = try SVGDocument(try svg(results))
        let root = try #require(document.elements.first)
        let width = try #require(root.attributes["viewBox"]?.split(separator: " ").compactMap { Double($0) }.dropFirst(2).first)
        for element in document.elements where element.name == "text" {
            let x = try #require(element.attributes["x"].flatMap(Double.init))
            let size = element.attributes["font-size"].flatMap(Double.init) ?? 13
            let bold = element.attributes["font-weight"] == "bold" ? 1.1 : 1
            let estimate = Double(DisplayWidth.columns(of: element.text)) * 7.6 * size / 13 * bold
            switch element.attributes["text-anchor"] {
            case "end": #expect(x - estimate >= 0 && x <= width, "'\(element.text)' runs off the figure")
            case "middle": #expect(x >= 0 && x <= width)
            default: #expect(x >= 0 && x + estimate <= width + 0.01, "'\(element.text)' runs off the figure")
            }
        }
        // Every piece of the label is drawn, nothing dropped by the wrapping.
        let favours = document.elements.filter { $0.name == "text" && $0.attributes["fill"] == "#1f4e79" }.map(\.text)
        let words = favours.joined().filter { !$0.isWhitespace }
        #expect(words.contains(String(("← favours " + label).filter { !$0.isWhitespace && $0.unicodeScalars.allSatisfy { $0.value >= 0x20 && $0.value < 0xFFFE } })))
    }

    @Test func figuresCoverContinuousOutcomesOnly() {
        let plan = AnalysisPlan(outcomes: AnalysisPlan.defaultOutcomes, timepoints: ["week12"], referenceArm: "general_exercise")
        let figures = ForestPlot.figures(PublicationFixture.results(plan: plan))
        // The fixture measures RMDQ only: pain and ODI have nothing to plot, GPE is a success outcome.
        #expect(figures.map(\.fileName) == ["forest-rmdq-week12.svg"])
        #expect(ForestPlot.notDrawn(figures, plan: plan) == ["pain_nrs week12", "odi week12"])
        #expect(ForestPlot.svg(results, outcome: AnalysisPlan.defaultOutcomes[3], timepoint: "week12") == nil)
        #expect(ForestPlot.svg(results, outcome: outcome, timepoint: "week12", grouping: .all) == nil)
    }

    @Test(arguments: [("rmdq", "week12", "forest-rmdq-week12.svg"), ("a/b", "week 12", "forest-a-b-week-12.svg"),
                      ("../x", "t", "forest-..-x-t.svg")])
    func fileNamesStayInTheOutputFolder(outcome: String, timepoint: String, expected: String) {
        #expect(ForestPlot.fileName(outcome: outcome, timepoint: timepoint) == expected)
        #expect(!ForestPlot.fileName(outcome: outcome, timepoint: timepoint).contains("/"))
    }

    @Test(arguments: [([-3.2, 1.5], -4.0, 2.0, 1.0), ([0.12, 0.43], 0.0, 0.5, 0.1), ([-25.0, -3.0], -25.0, 0.0, 5.0)])
    func axisUsesNiceTicksAndIncludesZero(values: [Double], minimum: Double, maximum: Double, step: Double) {
        let axis = Axis(values: values, left: 0, right: 100)
        #expect(abs(axis.minimum - minimum) < 1e-12 && abs(axis.maximum - maximum) < 1e-12 && abs(axis.step - step) < 1e-12)
        #expect(axis.ticks.contains { abs($0) < 1e-12 })
    }
}

/// The elements of an SVG document in document order, read with Foundation's XMLParser.
final class SVGDocument: NSObject, XMLParserDelegate {
    struct Element {
        var name: String
        var attributes: [String: String]
        var text = ""
    }

    struct ParseFailure: Error {}

    private(set) var elements: [Element] = []
    private var open: [Int] = []
    private var failure: Error?

    init(_ text: String) throws {
        super.init()
        let parser = XMLParser(data: Data(text.utf8))
        parser.delegate = self
        guard parser.parse() else {
            throw parser.parserError ?? failure ?? ParseFailure()
        }
    }

    /// Text content of the `text` elements, in order.
    var texts: [String] { elements.filter { $0.name == "text" }.map(\.text) }

    func parser(_ parser: XMLParser, didStartElement elementName: String, namespaceURI: String?,
                qualifiedName qName: String?, attributes attributeDict: [String: String] = [:]) {
        elements.append(Element(name: elementName, attributes: attributeDict))
        open.append(elements.count - 1)
    }

    func parser(_ parser: XMLParser, didEndElement elementName: String, namespaceURI: String?, qualifiedName qName: String?) {
        _ = open.popLast()
    }

    func parser(_ parser: XMLParser, foundCharacters string: String) {
        if let current = open.last { elements[current].text += string }
    }

    func parser(_ parser: XMLParser, parseErrorOccurred parseError: Error) {
        failure = parseError
    }
}
