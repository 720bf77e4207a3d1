import Analysis
import Statistics
import StudyModel

/// The drawing of one forest plot. Lengths are SVG user units (pixels at 100 %); text is 13 px
/// sans-serif, so widths are estimated from character counts (7.6 px per character at 13 px, a
/// generous average for Helvetica, Arial and DejaVu Sans; twice that for a wide character such
/// as CJK, ``DisplayWidth``). The figure is 960 wide, wider when long group labels would leave
/// the plot less than 420. Every other text is wrapped to stay inside the figure.
struct Figure {
    var outcome: OutcomePlan
    var timepoint: String
    var grouping: Grouping
    var reference: Arm
    var level: Double
    var panels: [Panel]
    var interaction: InteractionRow?
    var suppression: SmallCellSuppression
    var profileNote: String?

    // Layout constants.
    let margin = 20.0
    let rowHeight = 24.0
    let characterWidth = 7.6
    let countWidth = 56.0
    let estimateWidth = 190.0
    let minimumPlotWidth = 420.0
    let color = "#1f4e79"

    private var labelWidth: Double {
        let longest = (panels.flatMap { $0.rows.map { DisplayWidth.columns(of: $0.label) } } + [groupTitle.count, 3]).max() ?? 0
        return max(110, Double(longest) * characterWidth + 16)
    }

    private var width: Double {
        max(960, (2 * margin + labelWidth + 2 * countWidth + 28 + minimumPlotWidth + estimateWidth).rounded(.up))
    }

    /// Estimated width of `text` at `size` px (bold about 10 % wider).
    private func textWidth(_ text: String, size: Double = 13, bold: Bool = false) -> Double {
        Double(DisplayWidth.columns(of: text)) * characterWidth * size / 13 * (bold ? 1.1 : 1)
    }

    /// Lines of `text` that fit `available` px at `size`.
    private func fit(_ text: String, size: Double = 13, bold: Bool = false, available: Double) -> [String] {
        let perCharacter = textWidth("x", size: size, bold: bold)
        return SummaryText.wrap(text, width: max(20, Int(available / perCharacter)))
    }

    private var levelText: String { NumberFormat.level(level) + "%" }
    private var groupTitle: String { grouping == .subprofile ? "Subprofile" : "Profile" }

    func render() -> String {
        let width = self.width
        let labelWidth = self.labelWidth
        let countsRight = margin + labelWidth + 2 * countWidth
        let plotLeft = countsRight + 28
        let plotRight = width - margin - estimateWidth
        let axis = Axis(values: panels.flatMap { panel in
            (panel.rows + [panel.overall].compactMap { $0 }).flatMap { row in
                [row.estimate, row.interval?.lower, row.interval?.upper].compactMap { $0 }
            }
        }, left: plotLeft, right: plotRight)
        // Squares are scaled among the rows that show theirs: a suppressed row's count must not
        // set the scale, or a shown square's size would give it away.
        let maxAnalysed = max(1, panels.flatMap { $0.rows.filter { !$0.isSuppressed && $0.estimate != nil }.map(\.analysed) }.max() ?? 1)

        var body: [String] = []
        var y = margin + 18
        let title = "\(outcome.label) at \(timepoint): difference in mean change, arm − \(reference.label)"
        for (index, part) in fit(title, size: 17, bold: true, available: width - 2 * margin).enumerated() {
            if index > 0 { y += 22 }
            body.append(text(margin, y, part, size: 17, weight: "bold"))
        }
        let subtitle = "Welch difference with \(levelText) confidence interval, complete case, by "
            + PublicationText.grouping(grouping) + "; reference arm: \(reference.label)"
        for part in fit(subtitle, available: width - 2 * margin) {
            y += 20
            body.append(text(margin, y, part, fill: "#333333"))
        }
        y += 18

        for panel in panels {
            y += 2
            for part in fit("\(panel.arm.label) vs \(reference.label)", size: 15, bold: true, available: width - 2 * margin) {
                y += 20
                body.append(text(margin, y, part, size: 15, weight: "bold"))
            }
            // As in interaction.csv: no heterogeneity is said of fewer than two groups.
            if let heterogeneity = panel.heterogeneity?.heterogeneity, heterogeneity.degreesOfFreedom > 0 {
                y += 18
                body.append(text(margin, y, heterogeneityLine(heterogeneity, groups: panel.heterogeneity?.groups.count ?? 0,
                                                              hidesCounts: panel.rows.contains(where: \.isSuppressed)),
                                 size: 12, fill: "#333333"))
            }
            y += 6
            // Column headings.
            let headingY = y + rowHeight - 8
            body.append(text(margin, headingY, groupTitle, weight: "bold"))
            body.append(text(margin + labelWidth + countWidth, headingY, "n arm", anchor: "end", weight: "bold"))
            body.append(text(countsRight, headingY, "n ref", anchor: "end", weight: "bold"))
            body.append(text(width - margin, headingY, "Difference [\(levelText) CI]", anchor: "end", weight: "bold"))
            y += rowHeight
            body.append(line(margin, y, width - margin, y, stroke: "#999999"))
            let top = y
            for (index, row) in panel.rows.enumerated() {
                if index % 2 == 1 {
                    body.append("<rect x=\"\(f(margin))\" y=\"\(f(y))\" width=\"\(f(width - 2 * margin))\" "
                        + "height=\"\(f(rowHeight))\" fill=\"#f2f4f7\"/>")
                }
                body += drawRow(row, y: y, labelWidth: labelWidth, countsRight: countsRight, axis: axis,
                                marker: .square(side: Self.squareSide(analysed: row.analysed, largest: maxAnalysed)))
                y += rowHeight
            }
            if let overall = panel.overall {
                body.append(line(margin, y, width - margin, y, stroke: "#cccccc"))
                body += drawRow(overall, y: y, labelWidth: labelWidth, countsRight: countsRight, axis: axis,
                                marker: .diamond, bold: true)
                y += rowHeight
            }
            let bottom = y
            // Zero line (drawn first among the plot marks would hide under the shading; draw after).
            if let zero = axis.position(0) {
                body.append(line(zero, top, zero, bottom, stroke: "#666666", dash: "4 3"))
            }
            // Axis.
            body.append(line(plotLeft, bottom, plotRight, bottom, stroke: "#333333"))
            for tick in axis.ticks {
                guard let x = axis.position(tick) else { continue }
                body.append(line(x, bottom, x, bottom + 5, stroke: "#333333"))
                body.append(text(x, bottom + 18, Self.signed(tick, decimals: axis.decimals), anchor: "middle"))
            }
            // "Favours" labels either side of the zero line, kept inside the figure; the right one
            // drops a line when both do not fit side by side.
            y = bottom + 36
            let favoursArm = "← favours \(panel.arm.label)"
            let favoursReference = "favours \(reference.label) →"
            let zeroX = axis.position(0) ?? (plotLeft + plotRight) / 2
            var leftEnd = max(zeroX - 8, margin + textWidth(favoursArm))
            var rightStart = min(zeroX + 8, width - margin - textWidth(favoursReference))
            if leftEnd <= width - margin {
                body.append(text(leftEnd, y, favoursArm, anchor: "end", fill: color))
            } else {
                // Wider than the figure: wrapped from the margin, and the other label below it.
                let armLines = fit(favoursArm, available: width - 2 * margin)
                for (index, part) in armLines.enumerated() {
                    if index > 0 { y += 16 }
                    body.append(text(margin, y, part, fill: color))
                }
                leftEnd = width
            }
            let besideArm = rightStart >= leftEnd + 8
            if !besideArm {
                y += 18
                rightStart = max(zeroX + 8, margin)
            }
            // A label too long for the space right of the zero line starts at the margin, on a
            // line of its own, and wraps within the figure.
            if rightStart + textWidth(favoursReference) > width - margin {
                if besideArm { y += 18 }
                rightStart = margin
            }
            let referenceLines = fit(favoursReference, available: width - margin - rightStart)
            for (index, part) in referenceLines.enumerated() {
                if index > 0 { y += 16 }
                body.append(text(rightStart, y, part, fill: "#7a4a00"))
            }
            y += 8
        }

        y += 26
        body.append(text(margin, y, interactionLine(), weight: "bold"))
        let notes = [
            "Squares: \(grouping == .subprofile ? "subprofile" : "profile") estimates, area proportional to the number "
                + "analysed (at least \(Int(Self.smallestSquare)) px wide); lines: \(levelText) CI; diamond: all randomised.",
            "Change is follow-up minus baseline; lower scores are better, so negative differences favour the arm.",
        ] + (PublicationText.suppressionNote(suppression).map { [$0] } ?? []) + (profileNote.map { [$0] } ?? [])
        for note in notes {
            for part in fit(note, size: 12, available: width - 2 * margin) {
                y += 18
                body.append(text(margin, y, part, size: 12, fill: "#333333"))
            }
        }
        let height = (y + margin).rounded(.up)

        var lines = [
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>",
            "<svg xmlns=\"http://www.w3.org/2000/svg\" version=\"1.1\" width=\"\(f(width))\" height=\"\(f(height))\" "
                + "viewBox=\"0 0 \(f(width)) \(f(height))\" font-family=\"Helvetica, Arial, 'DejaVu Sans', sans-serif\" "
                + "font-size=\"13\">",
            "<title>" + Self.escape(title) + "</title>",
            "<desc>" + Self.escape(interactionLine()) + "</desc>",
            "<rect x=\"0\" y=\"0\" width=\"\(f(width))\" height=\"\(f(height))\" fill=\"#ffffff\"/>",
        ]
        lines += body
        lines.append("</svg>")
        return lines.joined(separator: "\n") + "\n"
    }

    /// The largest square's side, for the group with the most participants analysed.
    static let largestSquare = 14.0
    /// No square is narrower, so that a small group's estimate stays visible.
    static let smallestSquare = 2.0

    /// A square whose area is proportional to the number analysed: side `14 · √(n / largest)`,
    /// at least ``smallestSquare``.
    static func squareSide(analysed: Int, largest: Int) -> Double {
        guard largest > 0 else { return smallestSquare }
        return max(smallestSquare, largestSquare * (Double(analysed) / Double(largest)).squareRoot())
    }

    private enum Marker {
        case square(side: Double)
        case diamond
    }

    private func drawRow(_ row: PlotRow, y: Double, labelWidth: Double, countsRight: Double, axis: Axis,
                         marker: Marker, bold: Bool = false) -> [String] {
        let baseline = y + rowHeight - 8
        let middle = y + rowHeight / 2
        let weight = bold ? "bold" : nil
        var parts = [
            text(margin + 4, baseline, row.label, weight: weight),
            text(margin + labelWidth + countWidth, baseline, row.armCount, anchor: "end"),
            text(countsRight, baseline, row.referenceCount, anchor: "end"),
        ]
        guard let estimate = row.estimate, let interval = row.interval,
              let center = axis.position(estimate), let low = axis.position(interval.lower),
              let high = axis.position(interval.upper) else {
            parts.append(text(width - margin, baseline,
                              row.isSuppressed ? "not shown (small-cell rule)" : "not estimable", anchor: "end", fill: "#666666"))
            return parts
        }
        switch marker {
        case .square(let side):
            parts.append(line(low, middle, high, middle, stroke: color, width: 1.5))
            parts.append("<rect x=\"\(f(center - side / 2))\" y=\"\(f(middle - side / 2))\" width=\"\(f(side))\" "
                + "height=\"\(f(side))\" fill=\"\(color)\"/>")
        case .diamond:
            let half = 7.0
            parts.append("<polygon points=\"\(f(low)),\(f(middle)) \(f(center)),\(f(middle - half)) "
                + "\(f(high)),\(f(middle)) \(f(center)),\(f(middle + half))\" fill=\"#222222\"/>")
        }
        let numbers = Self.signed(estimate, decimals: 2) + " [" + Self.signed(interval.lower, decimals: 2) + ", "
            + Self.signed(interval.upper, decimals: 2) + "]"
        parts.append(text(width - margin, baseline, numbers, anchor: "end", weight: weight))
        return parts
    }

    /// Cochran's Q of a panel's group differences. Beside a suppressed row it is withheld: the
    /// groups it counts (and its df, which Q, p and I² give back) tell which hidden groups have an
    /// estimate, so at least two participants in each arm, and with the shown totals that can
    /// pin a hidden count down.
    private func heterogeneityLine(_ heterogeneity: Heterogeneity, groups: Int, hidesCounts: Bool) -> String {
        guard !hidesCounts else { return "Heterogeneity across groups withheld (small cells; Q and I² are in interaction.csv)" }
        var line = "Heterogeneity across \(groups) groups: Cochran's Q = "
            + NumberFormat.fixed(heterogeneity.q, decimals: 2) + ", df = \(heterogeneity.degreesOfFreedom)"
        line += ", p " + Self.pText(heterogeneity.pValue)
        if let iSquared = heterogeneity.iSquared { line += ", I² = " + NumberFormat.percent(iSquared, decimals: 0) + "%" }
        return line
    }

    private func interactionLine() -> String {
        let name = "Arm × \(grouping == .subprofile ? "subprofile" : "profile") interaction"
        guard let interaction else { return name + ": not computed" }
        guard let test = interaction.fTest else { return name + " (\(interaction.label)): not estimable" }
        // The denominator df is the number analysed less the model's cells: beside the counts
        // shown, it would give away the counts the figure hides.
        let hidesCounts = panels.contains { $0.rows.contains(where: \.isSuppressed) }
        let denominator = hidesCounts ? "–" : String(test.denominatorDegreesOfFreedom)
        return name + " (\(interaction.label)): F(\(test.numeratorDegreesOfFreedom), \(denominator)) = "
            + NumberFormat.fixed(test.f, decimals: 2) + ", p " + Self.pText(test.pValue)
            + (hidesCounts ? "; denominator df withheld (small cells)" : "")
    }

    // MARK: - Primitives

    private func text(_ x: Double, _ y: Double, _ content: String, anchor: String? = nil, size: Double? = nil,
                      weight: String? = nil, fill: String? = nil) -> String {
        var attributes = "x=\"\(f(x))\" y=\"\(f(y))\""
        if let anchor { attributes += " text-anchor=\"\(anchor)\"" }
        if let size { attributes += " font-size=\"\(f(size))\"" }
        if let weight { attributes += " font-weight=\"\(weight)\"" }
        if let fill { attributes += " fill=\"\(fill)\"" }
        return "<text \(attributes)>" + Self.escape(content) + "</text>"
    }

    private func line(_ x1: Double, _ y1: Double, _ x2: Double, _ y2: Double, stroke: String, width: Double = 1,
                      dash: String? = nil) -> String {
        "<line x1=\"\(f(x1))\" y1=\"\(f(y1))\" x2=\"\(f(x2))\" y2=\"\(f(y2))\" stroke=\"\(stroke)\" "
            + "stroke-width=\"\(f(width))\"" + (dash.map { " stroke-dasharray=\"\($0)\"" } ?? "") + "/>"
    }

    /// Coordinates with two decimals at most, trailing zeros dropped, never `-0`.
    private func f(_ value: Double) -> String {
        var text = NumberFormat.fixed(value, decimals: 2)
        if text.contains(".") {
            while text.hasSuffix("0") { text.removeLast() }
            if text.hasSuffix(".") { text.removeLast() }
        }
        return text
    }

    /// A number for display, with a true minus sign.
    static func signed(_ value: Double, decimals: Int) -> String {
        let text = NumberFormat.fixed(value, decimals: decimals)
        return text.hasPrefix("-") ? "−" + text.dropFirst() : text
    }

    /// `= 0.012` or `< 0.001`, to follow `p`.
    static func pText(_ value: Double?) -> String {
        let text = NumberFormat.pValue(value)
        return text.hasPrefix("<") ? "< " + text.dropFirst() : "= " + text
    }

    /// Text content and attribute values: `& < > " '` as entities; the characters XML 1.0 does
    /// not allow (controls other than tab and line feed, U+FFFE, U+FFFF) as spaces, by scalar,
    /// so that none hides inside a character with a combining mark.
    static func escape(_ text: String) -> String {
        var result = String.UnicodeScalarView()
        for scalar in text.unicodeScalars {
            switch scalar {
            case "&": result += "&amp;".unicodeScalars
            case "<": result += "&lt;".unicodeScalars
            case ">": result += "&gt;".unicodeScalars
            case "\"": result += "&quot;".unicodeScalars
            case "'": result += "&apos;".unicodeScalars
            case "\t", "\n": result.append(scalar)
            default:
                let allowed = scalar.value >= 0x20 && scalar.value != 0xFFFE && scalar.value != 0xFFFF
                result.append(allowed ? scalar : " ")
            }
        }
        return String(result)
    }
}

/// A linear axis over the data and 0 with "nice" ticks (steps of 1, 2 or 5 × 10^k, about five).
struct Axis {
    let minimum: Double
    let maximum: Double
    let step: Double
    let decimals: Int
    let left: Double
    let right: Double

    init(values: [Double], left: Double, right: Double) {
        let finite = values.filter(\.isFinite)
        var low = min(0, finite.min() ?? -1)
        var high = max(0, finite.max() ?? 1)
        if high - low < 1e-9 {
            low -= 1
            high += 1
        }
        let rough = (high - low) / 5
        var power = 1.0
        var exponent = 0
        while power * 10 <= rough {
            power *= 10
            exponent += 1
        }
        while power > rough {
            power /= 10
            exponent -= 1
        }
        let multiple = [1.0, 2, 5, 10].first { $0 * power >= rough } ?? 10
        step = multiple * power
        decimals = max(0, -(multiple == 10 ? exponent + 1 : exponent))
        minimum = (low / step).rounded(.down) * step
        maximum = (high / step).rounded(.up) * step
        self.left = left
        self.right = right
    }

    var ticks: [Double] {
        let count = Int(((maximum - minimum) / step).rounded())
        return (0...max(0, count)).map { minimum + Double($0) * step }
    }

    func position(_ value: Double) -> Double? {
        guard value.isFinite, maximum > minimum else { return nil }
        return left + (value - minimum) / (maximum - minimum) * (right - left)
    }
}
