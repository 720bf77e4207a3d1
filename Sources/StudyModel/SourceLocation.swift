/// Where a value came from: a file, the line a record starts on, and the column of a field.
///
/// Bases: `line` counts from 1 (the physical line where the record starts, so a record with a
/// newline inside a quoted field keeps the line of its first byte); `column` counts fields from 1;
/// `byteOffset` counts bytes of the raw file from 0. A location in a YAML file uses `line` and
/// `column` as the YAML parser reports them (both from 1).
public struct SourceLocation: Hashable, Sendable, Comparable, CustomStringConvertible {
    /// The file as the user named it (relative to the pipeline file when it came from one).
    public var file: String
    /// Line number, from 1; 0 when the problem concerns the whole file.
    public var line: Int
    /// Field (or YAML) column, from 1; nil when the problem concerns a whole record or file.
    public var column: Int?
    /// Byte offset of the record in the raw file, from 0; nil when unknown.
    public var byteOffset: Int?

    public init(file: String, line: Int = 0, column: Int? = nil, byteOffset: Int? = nil) {
        self.file = file
        self.line = line
        self.column = column
        self.byteOffset = byteOffset
    }

    /// The same place, pointing at another column.
    public func column(_ column: Int?) -> SourceLocation {
        var copy = self
        copy.column = column
        return copy
    }

    /// `file:line:column`, leaving out the parts that are unknown.
    public var description: String {
        var text = file
        if line > 0 { text += ":\(line)" }
        if line > 0, let column { text += ":\(column)" }
        return text
    }

    public static func < (lhs: SourceLocation, rhs: SourceLocation) -> Bool {
        if lhs.file != rhs.file { return lhs.file < rhs.file }
        if lhs.line != rhs.line { return lhs.line < rhs.line }
        return (lhs.column ?? 0) < (rhs.column ?? 0)
    }
}
