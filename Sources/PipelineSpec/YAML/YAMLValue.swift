import StudyModel
import Yams

/// One node of a YAML document with its place in the file and its path from the root.
///
/// Typed accessors return nil and record a located error on the owning ``YAMLReader`` when the
/// node has another shape, so a loader reads on and reports every problem of a file at once.
/// Scalars are interpreted here, not by YAML's implicit typing: `yes` stays the text `yes` unless
/// a boolean is asked for, and then only `true` or `false` is a boolean.
public struct YAMLValue {
    public let node: Node
    /// Dotted path from the root, with list indexes from 0 (e.g. `inputs[1].path`); empty for the root.
    public let path: String
    public let reader: YAMLReader

    init(node: Node, path: String, reader: YAMLReader) {
        self.node = node
        self.path = path
        self.reader = reader
    }

    /// Where the node starts (line and column from 1).
    public var location: SourceLocation {
        guard let mark = node.mark else { return SourceLocation(file: reader.file) }
        return reader.location(line: mark.line, column: mark.column)
    }

    /// The path as messages show it (`the top level` for the root).
    public var displayPath: String { path.isEmpty ? "the top level" : "'\(path)'" }

    /// A plain `null`, `~` or empty scalar: the same as leaving the key out.
    public var isNull: Bool {
        // `!!str null` is the text it says.
        guard case .scalar(let scalar) = node, scalar.style == .plain || scalar.style == .any,
              scalar.tag.description != Tag.Name.str.rawValue else { return false }
        return ["", "~", "null", "Null", "NULL"].contains(scalar.string)
    }

    /// Records an error at this node.
    public func error(_ message: String, rule: String = "spec") {
        reader.error(message, at: location, rule: rule)
    }

    /// The scalar text on one line, or nil (recorded): a name, code or label the reports print in
    /// one line of a heading or table, where a line break is an error at its place (`rule`).
    public func oneLineString(rule: String = "spec.shape") -> String? {
        guard let text = string() else { return nil }
        guard !text.contains(where: \.isNewline) else {
            error("'\(path)' must be one line; it holds a line break", rule: rule)
            return nil
        }
        return text
    }

    /// ``oneLineString(rule:)`` with some text: a name, label or reason the reports print, where
    /// an empty cell means something else ("not estimable", no reason given). Blank or
    /// white-space-only text is an error at this node.
    public func nonBlankLine(rule: String = "spec.empty") -> String? {
        guard let text = oneLineString(rule: rule) else { return nil }
        guard !text.allSatisfy(\.isWhitespace) else {
            error("'\(path)' must not be empty", rule: rule)
            return nil
        }
        return text
    }

    /// The scalar text, or nil (recorded) for null, a list or a mapping.
    public func string() -> String? {
        guard case .scalar(let scalar) = node, !isNull else {
            error("\(displayPath) must be text, found \(shapeName)", rule: "spec.type")
            return nil
        }
        return scalar.string
    }

    /// A whole number written in decimal digits with an optional sign.
    public func int() -> Int? {
        guard case .scalar(let scalar) = node, !isNull else {
            error("\(displayPath) must be a whole number, found \(shapeName)", rule: "spec.type")
            return nil
        }
        let text = scalar.string
        let digits = text.hasPrefix("-") || text.hasPrefix("+") ? text.dropFirst() : Substring(text)
        guard !digits.isEmpty, digits.allSatisfy({ $0.isASCII && $0.isNumber }), let value = Int(text) else {
            error("\(displayPath) must be a whole number, found '\(text)'", rule: "spec.type")
            return nil
        }
        return value
    }

    /// A finite decimal number with `.` as the decimal mark (`1e3` and `.5` are accepted).
    public func double() -> Double? {
        guard case .scalar(let scalar) = node, !isNull else {
            error("\(displayPath) must be a number, found \(shapeName)", rule: "spec.type")
            return nil
        }
        let text = scalar.string
        guard let value = Double(decimalText: text) else {
            error("\(displayPath) must be a number, found '\(text)'", rule: "spec.type")
            return nil
        }
        return value
    }

    /// `true` or `false` (any letter case); nothing else, so that `yes` never flips a setting.
    public func bool() -> Bool? {
        guard case .scalar(let scalar) = node, !isNull else {
            error("\(displayPath) must be true or false, found \(shapeName)", rule: "spec.type")
            return nil
        }
        switch scalar.string.lowercased() {
        case "true": return true
        case "false": return false
        default:
            error("\(displayPath) must be true or false, found '\(scalar.string)'", rule: "spec.type")
            return nil
        }
    }

    /// The items of a list, or nil (recorded) for any other shape.
    public func list() -> [YAMLValue]? {
        guard case .sequence(let sequence) = node else {
            error("\(displayPath) must be a list, found \(shapeName)", rule: "spec.type")
            return nil
        }
        return sequence.enumerated().map { YAMLValue(node: $1, path: "\(path)[\($0)]", reader: reader) }
    }

    /// One text or a list of texts (e.g. alternative column names); nil (recorded) otherwise.
    /// An empty list is an error: it would match nothing.
    public func strings() -> [String]? {
        if case .sequence = node {
            guard let items = list() else { return nil }
            guard !items.isEmpty else {
                error("\(displayPath) must name at least one value", rule: "spec.empty")
                return nil
            }
            let texts = items.map { $0.string() }
            let values = texts.compactMap { $0 }
            return values.count == texts.count ? values : nil
        }
        return string().map { [$0] }
    }

    /// The node as a mapping whose keys can be checked; nil (recorded) for any other shape.
    public func mapping() -> YAMLMapping? {
        guard case .mapping(let mapping) = node else {
            error("\(displayPath) must be a mapping of keys to values, found \(shapeName)", rule: "spec.type")
            return nil
        }
        return YAMLMapping(mapping, value: self)
    }

    /// One of a fixed set of names (e.g. an enum's raw values); the message lists the choices.
    public func choice<T: RawRepresentable & CaseIterable>(_ type: T.Type = T.self) -> T? where T.RawValue == String {
        guard let text = string() else { return nil }
        if let value = T(rawValue: text) { return value }
        let choices = T.allCases.map { "'\($0.rawValue)'" }.joined(separator: ", ")
        error("unknown value '\(text)' for \(displayPath) (expected one of \(choices))", rule: "spec.choice")
        return nil
    }

    /// How messages name the shape of this node.
    public var shapeName: String {
        if isNull { return "nothing" }
        switch node {
        case .scalar(let scalar): return "'\(scalar.string)'"
        case .sequence: return "a list"
        case .mapping: return "a mapping"
        case .alias: return "an alias"
        }
    }
}
