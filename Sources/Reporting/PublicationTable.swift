/// A table for a paper, independent of the output format: caption, columns, rows in sections,
/// and notes; rendered as a GitHub Markdown pipe table (``markdown()``) or a LaTeX booktabs table
/// (``latex()``).
///
/// Cells hold plain text (group and arm labels come from user data); each renderer escapes what
/// its format treats specially, so a label such as `A|B` or `50%_{x}` prints as written.
public struct PublicationTable: Hashable, Sendable {
    public enum Alignment: String, Hashable, Sendable { case left, right }

    public struct Column: Hashable, Sendable {
        public var title: String
        public var alignment: Alignment

        public init(_ title: String, _ alignment: Alignment = .right) {
            self.title = title
            self.alignment = alignment
        }
    }

    /// One line naming what the table shows.
    public var caption: String
    /// A stable ASCII identifier (`response-rmdq-week12`), used as the LaTeX label `tab:<id>`.
    public var identifier: String
    public var columns: [Column]
    /// Rows in sections (separated by a rule in LaTeX); each row has one cell per column.
    public private(set) var sections: [[[String]]] = []
    /// Lines printed under the table: reference arm, approach, responder rule, suppression key.
    public var notes: [String]

    public init(caption: String, identifier: String, columns: [Column], notes: [String] = []) {
        self.caption = caption
        self.identifier = identifier
        self.columns = columns
        self.notes = notes
    }

    /// Starts a new section; the next rows go into it.
    public mutating func startSection() {
        if sections.last?.isEmpty != true { sections.append([]) }
    }

    public mutating func append(_ row: [String]) {
        precondition(row.count == columns.count, "\(identifier): row has \(row.count) cells for \(columns.count) columns")
        if sections.isEmpty { sections.append([]) }
        sections[sections.count - 1].append(row)
    }

    /// Every row, sections concatenated.
    public var rows: [[String]] { sections.flatMap { $0 } }

    /// The note that says what `NA` means, printed under a table with such a cell.
    public static let notAvailableNote = "NA: not estimable from the participants analysed (none or too few, no variation, "
        + "or a model that fits them exactly)."

    /// The notes as printed: ``notes``, and what `NA` means when a cell is `NA`.
    public var shownNotes: [String] {
        rows.contains { $0.contains("NA") } ? notes + [Self.notAvailableNote] : notes
    }

    // MARK: - Markdown

    /// The caption in bold, a blank line, the pipe table, a blank line and the notes (one
    /// paragraph each); ends with a newline.
    public func markdown() -> String {
        var lines = ["**" + Self.markdownEscape(caption) + "**", ""]
        lines.append(markdownRow(columns.map(\.title)))
        lines.append("|" + columns.map { $0.alignment == .left ? ":---" : "---:" }.joined(separator: "|") + "|")
        for row in rows { lines.append(markdownRow(row)) }
        for note in shownNotes {
            lines.append("")
            lines.append(Self.markdownEscape(note))
        }
        return lines.joined(separator: "\n") + "\n"
    }

    private func markdownRow(_ cells: [String]) -> String {
        "| " + cells.map { Self.formulaGuarded(Self.markdownEscape($0)) }.joined(separator: " | ") + " |"
    }

    /// A Markdown cell a spreadsheet would run as a formula once the table is pasted into one
    /// (text starting, after any leading spaces, which Markdown drops, with `=`, `+`, `@`, or a
    /// `-` that does not begin a number standing on its own, as an arm label `=HYPERLINK(...)` or
    /// `-1+cmd` could) gets a backslash before that character: Markdown shows the character
    /// itself, and the pasted cell starts with `\\`. Numbers (`-0.39`, `-1.5 (-2.0 to 0.3)`) stay
    /// as they are.
    static func formulaGuarded(_ cell: String) -> String {
        let text = cell.drop { $0 == " " || $0 == "\t" }
        // The first scalar, as a spreadsheet reads it: `=` with a combining mark still runs.
        guard let first = text.unicodeScalars.first else { return cell }
        let runs = first == "=" || first == "+" || first == "@" || (first == "-" && !startsWithNumber(text))
        return runs ? "\\" + text : cell
    }

    /// Whether `text` starts with a number that ends where the text or a word ends: `-0.39`,
    /// `-1.5 (-2.0 to 0.3)`, `-.5`; not `-1+cmd` or `-Gen`.
    private static func startsWithNumber(_ text: Substring) -> Bool {
        var rest = text.dropFirst(text.first == "-" ? 1 : 0)
        let integer = rest.prefix { $0.isASCII && $0.isNumber }
        rest = rest.dropFirst(integer.count)
        var fraction = Substring()
        if rest.first == "." {
            fraction = rest.dropFirst().prefix { $0.isASCII && $0.isNumber }
            rest = rest.dropFirst(1 + fraction.count)
        }
        guard !integer.isEmpty || !fraction.isEmpty else { return false }
        return rest.first.map { $0 == " " || $0 == "%" || $0 == ")" || $0 == "]" || $0 == "," || $0 == ";" } ?? true
    }

    /// Text safe inside a GitHub pipe-table cell or paragraph: `|` and `\` are backslash-escaped
    /// (an unescaped pipe would split the cell), line breaks become spaces, `<` before a letter,
    /// `/`, `!` or `?` becomes `&lt;` so a label cannot open an HTML tag, `&` before a letter or
    /// `#` is backslash-escaped so `R&amp;D` prints as written, not as an entity, and emphasis, code,
    /// link and strike-through characters are escaped where they could act (`*`, `` ` ``, `~`; a
    /// `]` before `(` or `[`; `_` not inside a word such as `graded_activity`). `<5` and
    /// `[IQR]` stay readable as written.
    public static func markdownEscape(_ text: String) -> String {
        var result = ""
        let parts = syntaxCharacters(text)
        let characters = parts.map(\.character)
        for (index, character) in characters.enumerated() {
            defer { result += parts[index].marks }
            switch character {
            case "\\", "|", "*", "`", "~":
                result += "\\" + String(character)
            case "]":
                // Only a `]` followed by `(` or `[` can close a link; `[IQR]` stays as written.
                let next = index + 1 < characters.count ? characters[index + 1] : " "
                result += next == "(" || next == "[" ? "\\]" : "]"
            case "_":
                let before = index > 0 ? characters[index - 1] : " "
                let after = index + 1 < characters.count ? characters[index + 1] : " "
                let insideWord = (before.isLetter || before.isNumber) && (after.isLetter || after.isNumber)
                result += insideWord ? "_" : "\\_"
            case "\n", "\t":
                result += " "
            case "<":
                let next = index + 1 < characters.count ? characters[index + 1] : " "
                result += next.isLetter || next == "/" || next == "!" || next == "?" ? "&lt;" : "<"
            case "&":
                let next = index + 1 < characters.count ? characters[index + 1] : " "
                result += next.isLetter || next == "#" ? "\\&" : "&"
            default:
                result.append(character)
            }
        }
        return result
    }

    // MARK: - LaTeX

    /// A `table` float with a booktabs `tabular` (`\toprule`, `\midrule` under the header and
    /// between sections, `\bottomrule`), caption, label `tab:<identifier>` and the notes in
    /// footnote size. A table wider than ``portraitCharacters`` (the baseline table, the
    /// comparisons with their intervals) is a `sidewaystable`, on a landscape page. The tabular
    /// sits in an `adjustbox` with `max width=\linewidth`, so that what is still too wide is scaled
    /// down to fit and a narrower table is left as it is. Needs `\usepackage{booktabs}`,
    /// `\usepackage{adjustbox}` and `\usepackage{rotating}`; ends with a newline. Labels are written
    /// in UTF-8 as given: a script other than Latin (Greek, CJK, Arabic, emoji) needs XeLaTeX or LuaLaTeX.
    public func latex() -> String {
        let specification = columns.map { $0.alignment == .left ? "l" : "r" }.joined()
        let float = isWide ? "sidewaystable" : "table"
        var lines = [
            "\\begin{" + float + "}" + (isWide ? "" : "[htbp]"),
            "\\centering",
            "\\small",
            "\\caption{" + Self.latexEscape(caption) + "}",
            "\\label{tab:" + Self.latexLabel(identifier) + "}",
            "\\begin{adjustbox}{max width=\\linewidth}",
            "\\begin{tabular}{@{}" + specification + "@{}}",
            "\\toprule",
            latexRow(columns.map(\.title)),
            "\\midrule",
        ]
        for (index, section) in sections.enumerated() {
            if index > 0 { lines.append("\\midrule") }
            for row in section { lines.append(latexRow(row)) }
        }
        lines.append("\\bottomrule")
        lines.append("\\end{tabular}")
        lines.append("\\end{adjustbox}")
        let notes = shownNotes
        if !notes.isEmpty {
            lines.append("")
            lines.append("\\smallskip")
            lines.append("\\begin{minipage}{\\linewidth}\\footnotesize")
            for (index, note) in notes.enumerated() {
                lines.append(Self.latexEscape(note) + (index < notes.count - 1 ? "\\par" : ""))
            }
            lines.append("\\end{minipage}")
        }
        lines.append("\\end{" + float + "}")
        return lines.joined(separator: "\n") + "\n"
    }

    /// Above this many characters across (each column's widest cell or title, plus a gap between
    /// columns), a table does not fit a portrait text width in `\small` type.
    public static let portraitCharacters = 110

    /// Whether the table is set on a landscape page (``portraitCharacters``).
    public var isWide: Bool {
        let widths = columns.indices.map { column in
            sections.joined().reduce(columns[column].title.count) { max($0, column < $1.count ? $1[column].count : 0) }
        }
        return widths.reduce(0, +) + 3 * max(0, columns.count - 1) > Self.portraitCharacters
    }

    private func latexRow(_ cells: [String]) -> String {
        cells.map(Self.latexEscape).joined(separator: " & ") + " \\\\"
    }

    /// Text safe in LaTeX text mode: the specials `& % $ # _ { } ~ ^ \` are escaped, `<`, `>` and
    /// `|` (which the default OT1 encoding prints as other glyphs) become `\textless{}`,
    /// `\textgreater{}` and `\textbar{}`, a minus sign before a digit becomes `$-$`, line breaks
    /// become spaces, the symbols the reports use (`∞`, `≥`, `≤`, `−`, `²`, `×`) become math, and
    /// text that starts with `[` or `*` starts with `{}`, as a table row's first cell must.
    public static func latexEscape(_ text: String) -> String {
        var result = ""
        // Composed (NFC): pdfLaTeX sets `é`, not `e` + a combining accent.
        let parts = syntaxCharacters(text.precomposedStringWithCanonicalMapping)
        let characters = parts.map(\.character)
        for (index, character) in characters.enumerated() {
            let previous = index > 0 ? characters[index - 1] : " "
            let next = index + 1 < characters.count ? characters[index + 1] : " "
            switch character {
            case "&", "%", "$", "#", "_", "{", "}": result += "\\" + String(character)
            case "~": result += "\\textasciitilde{}"
            case "^": result += "\\textasciicircum{}"
            case "\\": result += "\\textbackslash{}"
            case "<": result += "\\textless{}"
            case ">": result += "\\textgreater{}"
            case "|": result += "\\textbar{}"
            case "\n", "\t": result += " "
            case "-" where next.isASCII && next.isNumber && !(previous.isLetter || previous.isNumber):
                result += "$-$"
            case "−": result += "$-$"
            case "∞": result += "$\\infty$"
            case "≥": result += "$\\geq$"
            case "≤": result += "$\\leq$"
            case "²": result += "$^2$"
            case "×": result += "$\\times$"
            default: result.append(character)
            }
            result += parts[index].marks
        }
        // After `\\` or a rule, LaTeX reads a leading `[` as an optional length and `*` as the
        // starred form; an empty group ends that look-ahead, so the text prints as written.
        if let first = result.unicodeScalars.first(where: { $0 != " " }), first == "[" || first == "*" { result = "{}" + result }
        return result
    }

    /// Each character of `text` as its first scalar, which Markdown and LaTeX read as syntax,
    /// and the scalars after it (combining marks, joiners, selectors), which follow whatever it
    /// is escaped to: `|` + U+0301 is one Swift character that matches no `case "|"`, and slipped
    /// through unescaped. Line ends are LF first, so a CR LF is one line end, not a CR and a mark.
    static func syntaxCharacters(_ text: String) -> [(character: Character, marks: String)] {
        text.withLineFeeds.map { character in
            let scalars = character.unicodeScalars
            guard scalars.count > 1, let first = scalars.first else { return (character, "") }
            return (Character(first), String(String.UnicodeScalarView(scalars.dropFirst())))
        }
    }

    /// Keeps ASCII letters, digits, `-`, `_`, `:` and `.`; any other character becomes `+` and its
    /// code point in hexadecimal, so that two identifiers never share a label (`pain_nrs` and
    /// `pain-nrs` are two outcomes).
    static func latexLabel(_ identifier: String) -> String {
        identifier.unicodeScalars.map { scalar in
            scalar.isASCII && (scalar.properties.isAlphabetic || ("0"..."9").contains(scalar) || "-_:.".unicodeScalars.contains(scalar))
                ? String(scalar) : "+" + String(scalar.value, radix: 16, uppercase: true)
        }.joined()
    }
}

extension PublicationTable {
    /// Several tables as one Markdown document: a level-1 title, then each table after a blank line.
    public static func markdownDocument(_ tables: [PublicationTable], title: String) -> String {
        var text = "# " + markdownEscape(title) + "\n"
        for table in tables { text += "\n" + table.markdown() }
        return text
    }

    /// Several tables as one LaTeX fragment for `\input{}`: a comment naming the packages it
    /// needs, then each table after a blank line.
    public static func latexDocument(_ tables: [PublicationTable], title: String) -> String {
        var text = "% " + title.replacingNewlines() + "\n% Requires \\usepackage{booktabs}, \\usepackage{adjustbox} and \\usepackage{rotating}.\n"
        for table in tables { text += "\n" + table.latex() }
        return text
    }
}

private extension String {
    func replacingNewlines() -> String {
        String(map { $0.isNewline ? " " : $0 })
    }
}
