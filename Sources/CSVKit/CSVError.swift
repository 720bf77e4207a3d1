/// Where a record sits in its file.
///
/// Bases: `line` from 1 (the physical line where the record starts), `record` from 0 (data and
/// header records alike, blank lines not counted), `byteOffset` from 0 in the raw file (before any
/// transcoding), `column` from 1 when the position names a field.
///
/// A record's position is where it starts. A problem found at one byte (a NUL, a stray quote, a
/// byte not valid in the file's encoding) instead has the line and byte offset of that byte, with
/// `record` and `column` saying which record and field it falls in.
public struct CSVPosition: Hashable, Sendable, CustomStringConvertible {
    public var file: String
    public var line: Int
    public var record: Int
    public var byteOffset: Int
    public var column: Int?

    public init(file: String, line: Int = 0, record: Int = 0, byteOffset: Int = 0, column: Int? = nil) {
        self.file = file
        self.line = line
        self.record = record
        self.byteOffset = byteOffset
        self.column = column
    }

    public var description: String {
        var text = file
        if line > 0 { text += ":\(line)" }
        if line > 0, let column { text += ":\(column)" }
        return text
    }
}

/// A CSV problem: what kind, and where.
public struct CSVError: Error, Hashable, Sendable, CustomStringConvertible {
    public enum Kind: Hashable, Sendable {
        /// The file could not be opened, read or written.
        case io(String)
        /// Anything the reader found in the bytes; the text says what (see CSVKit's README).
        case malformed(String)
    }

    public var kind: Kind
    public var position: CSVPosition
    /// Stable identifier of the problem (e.g. `csv.unterminated-quote`); the list is in CSVKit's
    /// README. Defaults to `csv.io` or `csv.malformed`.
    public var code: String

    public init(_ kind: Kind, at position: CSVPosition, code: String? = nil) {
        self.kind = kind
        self.position = position
        switch kind {
        case .io: self.code = code ?? "csv.io"
        case .malformed: self.code = code ?? "csv.malformed"
        }
    }

    public var message: String {
        switch kind {
        case .io(let text), .malformed(let text): text
        }
    }

    public var description: String { "\(position): error: \(message)" }
}
