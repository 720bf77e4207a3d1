import Foundation
import StudyModel
import Yams

/// Every problem found in a YAML file, each located at its line and column.
///
/// Loading collects all problems of a file before giving up, so that a user fixes them in one
/// round instead of one run per typo.
public struct SpecError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The problems, in the order of the file (line, then column).
    public var diagnostics: [Diagnostic]

    public init(_ diagnostics: [Diagnostic]) {
        self.diagnostics = diagnostics.sorted { $0.location < $1.location }
    }

    /// One problem per line, compiler style (`file:line:column: error: message`).
    public var description: String {
        diagnostics.map(\.description).joined(separator: "\n")
    }
}

/// Reads one YAML file into located values and collects located problems.
///
/// The generic layer under every YAML format of the tool (pipeline files, profile rule sets):
/// it parses with `Yams.compose` so that every node keeps its `Mark` (line and column from 1),
/// hands out ``YAMLValue``s with typed accessors that record a located problem instead of
/// throwing, and ``YAMLMapping``s that remember which keys were read so that the unknown ones
/// can be rejected. Call ``finish()`` at the end: it throws a ``SpecError`` when anything was
/// recorded.
public final class YAMLReader {
    /// The file as the user named it; it prefixes every location.
    public let file: String
    /// The problems recorded so far, in recording order.
    public private(set) var diagnostics: [Diagnostic] = []

    public init(file: String) {
        self.file = file
    }

    /// True when at least one error has been recorded.
    public var hasErrors: Bool { diagnostics.contains { $0.severity == .error } }

    /// Parses the YAML text; records a located problem and returns nil when it is not YAML or
    /// holds no document.
    public func parse(_ text: String) -> YAMLValue? {
        let root: Node?
        do {
            // Every plain scalar is text (`NO`, `010` and `true` alike): values are read from
            // their text by the typed accessors, and keys `true` and "true" are one key.
            root = try Yams.compose(yaml: text, .basic)
        } catch let error as YamlError {
            record(error, in: text)
            return nil
        } catch {
            self.error("the file is not valid YAML: \(error)", at: SourceLocation(file: file), rule: "yaml.syntax")
            return nil
        }
        guard let root else {
            self.error("the file holds no YAML document", at: SourceLocation(file: file), rule: "yaml.empty")
            return nil
        }
        refuseTags(in: root)
        return YAMLValue(node: root, path: "", reader: self)
    }

    /// Refuses every tag written in the file (`!x`, `!!int`, `!ENV`): lbp gives no tag a meaning,
    /// so the value would be read as if it were not there, and a tagged key would hide a
    /// duplicate. `!!str`, which quoting already says, is the one tag that reads as written.
    private func refuseTags(in node: Node) {
        let written: String
        switch node {
        case .scalar(let scalar):
            written = scalar.tag.description == Tag.Name.str.rawValue ? "" : scalar.tag.description
        case .sequence(let sequence):
            written = sequence.tag.description
            sequence.forEach(refuseTags(in:))
        case .mapping(let mapping):
            written = mapping.tag.description
            for (key, value) in mapping {
                refuseTags(in: key)
                refuseTags(in: value)
            }
        case .alias:
            written = ""
        }
        guard !written.isEmpty, written != Tag.Name.implicit.rawValue, let mark = node.mark else { return }
        let shown = written.hasPrefix("tag:yaml.org,2002:") ? "!!" + written.dropFirst("tag:yaml.org,2002:".count) : Substring(written)
        error("the tag '\(shown)' has no meaning in lbp's files; remove it (quote a value to keep it as text)",
              at: location(line: mark.line, column: mark.column), rule: "yaml.tag")
    }

    /// Reads the file from disk (UTF-8) and parses it; nil with a recorded problem when the file
    /// cannot be read or is not YAML.
    public func parseFile(atPath path: String) -> YAMLValue? {
        guard let data = FileManager.default.contents(atPath: path) else {
            var isFolder: ObjCBool = false
            let reason = if !FileManager.default.fileExists(atPath: path, isDirectory: &isFolder) {
                "the file does not exist"
            } else if isFolder.boolValue {
                "this is a folder, not a file"
            } else {
                "cannot read the file: \(String(cString: strerror(access(path, R_OK) == 0 ? EIO : errno)))"
            }
            error(reason, at: SourceLocation(file: file), rule: "yaml.io")
            return nil
        }
        guard let text = String(data: data, encoding: .utf8) else {
            let (line, column, byte) = YAMLReader.firstNonUTF8Byte(in: Array(data))
            error("the file is not UTF-8 text: byte 0x\(String(byte, radix: 16, uppercase: true)) is not UTF-8 "
                + "(save the file as UTF-8)", at: location(line: line, column: column), rule: "yaml.encoding")
            return nil
        }
        return parse(text)
    }

    /// Line and column (from 1, counting characters) of the first byte that does not start a
    /// well-formed UTF-8 sequence, and that byte; for bytes `String(data:encoding:)` refused.
    /// Lines and columns are counted as the YAML parser counts them: a leading byte-order mark
    /// takes no column, and LF, CR, CR LF, NEL, LS and PS each end a line.
    static func firstNonUTF8Byte(in bytes: [UInt8]) -> (line: Int, column: Int, byte: UInt8) {
        var iterator = bytes.makeIterator()
        var parser = Unicode.UTF8.ForwardParser()
        var line = 1
        var column = 1
        var offset = 0
        var previous: Unicode.Scalar?
        while true {
            switch parser.parseScalar(from: &iterator) {
            case .valid(let encoded):
                offset += encoded.count
                let scalar = Unicode.UTF8.decode(encoded)
                defer { previous = scalar }
                switch scalar {
                case "\u{FEFF}" where offset == encoded.count:
                    break
                case "\n" where previous == "\r":
                    break
                case "\n", "\r", "\u{85}", "\u{2028}", "\u{2029}":
                    line += 1
                    column = 1
                default:
                    column += 1
                }
            case .error:
                return (line, column, bytes[offset])
            case .emptyInput:
                return (line, column, 0)
            }
        }
    }

    /// Records an error at a location of this file.
    /// The same problem recorded twice (e.g. a shared rule checked once per input) is kept once.
    public func error(_ message: String, at location: SourceLocation, rule: String = "spec") {
        let diagnostic = Diagnostic(.error, at: location, rule: rule, message: message)
        if !diagnostics.contains(diagnostic) { diagnostics.append(diagnostic) }
    }

    /// The location of a line and column of this file.
    public func location(line: Int, column: Int) -> SourceLocation {
        SourceLocation(file: file, line: line, column: column)
    }

    /// Throws every recorded error as one ``SpecError``; returns when there is none.
    public func finish() throws(SpecError) {
        if hasErrors { throw SpecError(diagnostics) }
    }

    private func record(_ error: YamlError, in text: String) {
        switch error {
        case .scanner(let context, let problem, let mark, _), .parser(let context, let problem, let mark, _),
            .composer(let context, let problem, let mark, _):
            // libyaml's context names what was open and where (a quote, a flow list), which the
            // place of the problem alone may not show: the end of the file, say.
            let opened = context.map { " (\($0.text) at line \($0.mark.line), column \($0.mark.column))" } ?? ""
            self.error("invalid YAML: \(problem)\(opened)", at: location(line: mark.line, column: mark.column),
                       rule: "yaml.syntax")
        case .duplicatedKeysInMapping(let duplicates, let context):
            let start = (line: context.mark.line, column: context.mark.column)
            for key in duplicates.sorted() {
                let places = YAMLReader.blockKeyLocations(key, mappingStart: start, in: text)
                guard places.count > 1, let first = places.first else {
                    // A flow mapping, or a key written in a form the scan does not follow.
                    self.error("the key '\(key)' appears more than once in the mapping that starts here",
                               at: location(line: start.line, column: start.column), rule: "yaml.duplicate-key")
                    continue
                }
                for place in places.dropFirst() {
                    self.error("the key '\(key)' appears more than once in its mapping (first at line \(first.line)); keep one",
                               at: location(line: place.line, column: place.column), rule: "yaml.duplicate-key")
                }
            }
        case .reader(let problem, let offset, _, _):
            let place = offset.map { YAMLReader.lineAndColumn(ofCharacter: $0, in: text) } ?? (line: 0, column: 0)
            self.error("cannot read the YAML text: \(problem)",
                       at: place.line > 0 ? location(line: place.line, column: place.column) : SourceLocation(file: file),
                       rule: "yaml.syntax")
        default:
            self.error("invalid YAML: \(error)", at: SourceLocation(file: file), rule: "yaml.syntax")
        }
    }

    /// Where `key` is written as a key of the block mapping that starts at `mappingStart` (line
    /// and column from 1): the lines at the mapping's indentation, up to the first line indented
    /// less, that begin with the key (plain or quoted) and a colon.
    /// `mappingStart` may be any key of the mapping (Yams names the first duplicated one): the
    /// scan starts at the mapping's first key, found by going up through the lines at its
    /// indentation.
    static func blockKeyLocations(_ key: String, mappingStart: (line: Int, column: Int), in text: String) -> [(line: Int, column: Int)] {
        let lines = lines(of: text)
        let indent = mappingStart.column - 1
        // A list item whose mapping starts on its line (`- key: value`, `-   key: value`) is the
        // mapping's first line.
        func opensItem(_ line: Substring.UnicodeScalarView) -> Bool {
            let afterIndent = line.drop { $0 == " " }
            guard afterIndent.first == "-" else { return false }
            let spaces = afterIndent.dropFirst().prefix { $0 == " " }.count
            return spaces > 0 && line.count - afterIndent.count + 1 + spaces == indent
        }
        var first = mappingStart.line
        while first > 1, first <= lines.count, !opensItem(lines[first - 1]) {
            let above = lines[first - 2]
            let content = String(String.UnicodeScalarView(above)).trimmingCharacters(in: .whitespacesAndNewlines)
            guard content.isEmpty || content.hasPrefix("#") || above.prefix(while: { $0 == " " }).count >= indent || opensItem(above) else { break }
            first -= 1
        }
        // Past blank lines and comments, the scan starts at a key.
        var places: [(line: Int, column: Int)] = []
        for number in first...max(first, lines.count) where number <= lines.count {
            let line = lines[number - 1]
            let leading = line.prefix { $0 == " " }.count
            let rest = String(String.UnicodeScalarView(line.dropFirst(number == first ? indent : leading)))
            let content = rest.trimmingCharacters(in: .whitespacesAndNewlines)
            if content.isEmpty || content.hasPrefix("#") { continue }
            if number > first {
                // The end of the document ends the mapping too.
                if leading == 0, content == "---" || content.hasPrefix("--- ") || content == "..." { break }
                if leading < indent { break }
                if leading > indent { continue }
            }
            for written in [key, "'\(key)'", "\"\(key)\""] where rest.hasPrefix(written) {
                let after = rest.dropFirst(written.count).drop { $0 == " " }
                if after.hasPrefix(":") { places.append((number, indent + 1)) }
            }
        }
        return places
    }

    /// The lines of `text` as libyaml counts them: LF, CR, CR LF, NEL, LS and PS each end one.
    static func lines(of text: String) -> [Substring.UnicodeScalarView] {
        var lines: [Substring.UnicodeScalarView] = []
        let scalars = Substring(text).unicodeScalars
        var start = scalars.startIndex
        var index = start
        while index < scalars.endIndex {
            let scalar = scalars[index]
            guard ["\n", "\r", "\u{85}", "\u{2028}", "\u{2029}"].contains(scalar) else {
                index = scalars.index(after: index)
                continue
            }
            lines.append(scalars[start..<index])
            index = scalars.index(after: index)
            if scalar == "\r", index < scalars.endIndex, scalars[index] == "\n" { index = scalars.index(after: index) }
            start = index
        }
        lines.append(scalars[start..<scalars.endIndex])
        return lines
    }

    /// Line and column (both from 1, columns in Unicode scalars as libyaml counts them) of the
    /// character at `offset` (in Characters from the start).
    static func lineAndColumn(ofCharacter offset: Int, in text: String) -> (line: Int, column: Int) {
        var line = 1
        var column = 1
        for (index, character) in text.enumerated() {
            if index == offset { break }
            if character == "\n" || character == "\r\n" {
                line += 1
                column = 1
            } else {
                column += character.unicodeScalars.count
            }
        }
        return (line, column)
    }
}
