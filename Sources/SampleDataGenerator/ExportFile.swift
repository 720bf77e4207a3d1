import CSVKit
import Foundation

/// One output file written record by record through CSVWriter, counting the line each record
/// starts on so that planted problems can name their exact place.
///
/// Export cells are written as raw fields (`writeRow(rawFields:extra:)`): an EDC export is not
/// guarded against formulas, so a planted `=HYPERLINK(...)` must reach the file as it is. Truth files
/// use ``writeCells(_:)``, which applies CSVWriter's formula guard.
///
/// A Windows-1252 file is written in chunks: the rows go through an in-memory CSVWriter (UTF-8),
/// every few hundred rows the chunk is transcoded and appended to the file, so memory stays bounded
/// whatever the number of participants.
final class ExportFile {
    enum Encoding {
        case utf8
        case windows1252
    }

    /// Path relative to the output folder, as problems and the README name it.
    let relativePath: String
    let delimiter: UInt8
    let encoding: Encoding
    /// Line on which the next record starts, from 1.
    private(set) var nextLine = 1
    /// Records written, header included.
    private(set) var records = 0
    /// Whether any byte outside ASCII was written.
    private(set) var wroteNonASCII = false

    private let absolutePath: String
    private var writer: CSVWriter
    private var handle: FileHandle?
    private var rowsInChunk = 0
    private static let chunkRows = 256

    init(root: String, relativePath: String, delimiter: UInt8, encoding: Encoding = .utf8) throws {
        self.relativePath = relativePath
        self.delimiter = delimiter
        self.encoding = encoding
        absolutePath = (root as NSString).appendingPathComponent(relativePath)
        let folder = (absolutePath as NSString).deletingLastPathComponent
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        switch encoding {
        case .utf8:
            writer = try CSVWriter(to: .file(absolutePath), delimiter: delimiter)
        case .windows1252:
            guard FileManager.default.createFile(atPath: absolutePath, contents: nil),
                  let handle = FileHandle(forWritingAtPath: absolutePath) else {
                throw CSVError(.io("cannot open for writing"), at: CSVPosition(file: absolutePath))
            }
            self.handle = handle
            writer = try CSVWriter(to: .memory, delimiter: delimiter)
        }
    }

    /// Writes one record of raw fields and returns the line it starts on.
    @discardableResult
    func write(_ fields: [String]) throws -> Int {
        let line = nextLine
        try writer.writeRow(rawFields: fields.map { Array($0.utf8) }, extra: [])
        account(fields)
        try afterRow()
        return line
    }

    /// Writes one record of cells (text cells formula-guarded) and returns the line it starts on.
    @discardableResult
    func writeCells(_ cells: [CSVCell]) throws -> Int {
        let line = nextLine
        try writer.writeRow(cells)
        account(cells.map { cell in
            switch cell {
            case .text(let text), .number(let text): text
            case .empty: ""
            }
        })
        try afterRow()
        return line
    }

    /// Finishes the file and appends `bytes` as they are, for the one record that is damaged on
    /// purpose after CSVWriter wrote it (an unterminated quote). Returns the line it starts on.
    func finish(appendingDamaged bytes: [UInt8]? = nil) throws -> Int {
        let line = nextLine
        try writer.finish()
        if encoding == .windows1252 { try drainChunk(restart: false) }
        if let bytes {
            let target = try handle ?? FileHandle(forWritingTo: URL(fileURLWithPath: absolutePath))
            try target.seekToEnd()
            try target.write(contentsOf: encoding == .windows1252 ? Windows1252.encode(utf8: bytes) : bytes)
            if handle == nil { try target.close() }
            records += 1
            nextLine += bytes.filter { $0 == UInt8(ascii: "\n") }.count
        }
        try handle?.close()
        handle = nil
        return line
    }

    private func account(_ fields: [String]) {
        records += 1
        nextLine += 1 + fields.reduce(0) { $0 + $1.utf8.filter { $0 == UInt8(ascii: "\n") }.count }
        if !wroteNonASCII, fields.contains(where: { $0.utf8.contains { $0 >= 0x80 } }) { wroteNonASCII = true }
    }

    private func afterRow() throws {
        guard encoding == .windows1252 else { return }
        rowsInChunk += 1
        if rowsInChunk >= ExportFile.chunkRows {
            try writer.finish()
            try drainChunk(restart: true)
        }
    }

    /// Moves the finished in-memory chunk to the file as Windows-1252.
    private func drainChunk(restart: Bool) throws {
        guard let handle else { return }
        try handle.write(contentsOf: Windows1252.encode(utf8: writer.bytes))
        rowsInChunk = 0
        if restart { writer = try CSVWriter(to: .memory, delimiter: delimiter) }
    }
}
