#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Where the reader's raw bytes come from: a file read with `read(2)`, or bytes in memory.
///
/// The first bytes can be looked at ahead of time (for the byte-order mark and the dialect) and
/// are then delivered again by ``read(into:count:)``, so the reader sees one continuous stream.
/// Memory: the look-ahead (at most 64 KiB) until it has been delivered.
final class ByteSource {
    private var descriptor: Int32 = -1
    /// The file's path; nil for bytes in memory.
    private let path: String?
    private let memory: [UInt8]
    private var memoryIndex = 0
    private var lookahead: [UInt8] = []
    private var lookaheadIndex = 0
    private var reachedEnd = false
    let displayName: String
    /// Raw bytes taken from the file or memory so far, look-ahead included.
    private(set) var bytesRead = 0

    init(path: String, displayName: String) throws {
        self.displayName = displayName
        self.path = path
        memory = []
        let opened = open(path, O_RDONLY | O_CLOEXEC)
        guard opened >= 0 else {
            throw CSVError(.io("cannot open for reading: " + ByteSource.errorText()), at: CSVPosition(file: displayName))
        }
        descriptor = opened
    }

    init(bytes: [UInt8], displayName: String) {
        self.displayName = displayName
        path = nil
        memory = bytes
    }

    /// A new source over the same input, from raw byte `offset` on (empty past the end).
    func reopened(at offset: Int) throws -> ByteSource {
        guard let path else {
            return ByteSource(bytes: Array(memory[min(max(0, offset), memory.count)...]), displayName: displayName)
        }
        let source = try ByteSource(path: path, displayName: displayName)
        guard lseek(source.descriptor, off_t(max(0, offset)), SEEK_SET) >= 0 else {
            throw CSVError(.io("cannot seek: " + ByteSource.errorText()), at: CSVPosition(file: displayName))
        }
        return source
    }

    deinit {
        if descriptor >= 0 { close(descriptor) }
    }

    /// The first `count` bytes (fewer when the input is shorter), without consuming them; and
    /// whether they are the whole input.
    func peek(_ count: Int) throws -> (bytes: ArraySlice<UInt8>, isWhole: Bool) {
        while lookahead.count < count, !reachedEnd {
            var chunk = [UInt8](repeating: 0, count: count - lookahead.count)
            let got = try chunk.withUnsafeMutableBytes { buffer in
                try readSource(into: buffer.baseAddress, count: buffer.count)
            }
            if got == 0 { reachedEnd = true }
            lookahead.append(contentsOf: chunk[0..<got])
        }
        if !reachedEnd, lookahead.count == count {
            // One more byte tells whether the look-ahead is the whole input.
            var probe: UInt8 = 0
            let got = try readSource(into: &probe, count: 1)
            if got == 0 { reachedEnd = true } else { lookahead.append(probe) }
        }
        let isWhole = reachedEnd
        return (lookahead[lookaheadIndex..<min(lookahead.count, lookaheadIndex + count)], isWhole)
    }

    /// Drops `count` bytes from the front of the look-ahead (a byte-order mark, a `sep=` line).
    func skip(_ count: Int) {
        lookaheadIndex = min(lookahead.count, lookaheadIndex + count)
    }

    /// Fills `buffer` with up to `count` bytes; 0 only at the end of the input.
    func read(into buffer: UnsafeMutableRawPointer, count: Int) throws -> Int {
        if lookaheadIndex < lookahead.count {
            let taken = min(count, lookahead.count - lookaheadIndex)
            lookahead.withUnsafeBytes { source in
                buffer.copyMemory(from: source.baseAddress.map { $0 + lookaheadIndex } ?? UnsafeRawPointer(buffer), byteCount: taken)
            }
            lookaheadIndex += taken
            if lookaheadIndex == lookahead.count {
                lookahead = []
                lookaheadIndex = 0
            }
            return taken
        }
        if reachedEnd { return 0 }
        let got = try readSource(into: buffer, count: count)
        if got == 0 { reachedEnd = true }
        return got
    }

    private func readSource(into buffer: UnsafeMutableRawPointer?, count: Int) throws -> Int {
        guard count > 0, let buffer else { return 0 }
        if descriptor < 0 {
            let taken = min(count, memory.count - memoryIndex)
            memory.withUnsafeBytes { source in
                if let base = source.baseAddress, taken > 0 {
                    buffer.copyMemory(from: base + memoryIndex, byteCount: taken)
                }
            }
            memoryIndex += taken
            bytesRead += taken
            return taken
        }
        while true {
            let got = readDescriptor(descriptor, buffer, count)
            if got >= 0 {
                bytesRead += got
                return got
            }
            if errno == EINTR { continue }
            throw CSVError(.io("cannot read: " + ByteSource.errorText()), at: CSVPosition(file: displayName))
        }
    }

    private static func errorText() -> String {
        String(cString: strerror(errno))
    }
}

/// `read(2)`, named apart from ``ByteSource/read(into:count:)``.
private func readDescriptor(_ descriptor: Int32, _ buffer: UnsafeMutableRawPointer, _ count: Int) -> Int {
    read(descriptor, buffer, count)
}
