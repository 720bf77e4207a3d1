/// What a long run reports while it works, for a progress display.
public enum RunProgress: Sendable, Equatable {
    /// A stage begins: a line of its own.
    case step(String)
    /// A stage is done, with what it did: a line of its own.
    case done(String)
    /// Rows read so far from the file being read (at most twice a second): one line, rewritten
    /// as reading goes on.
    case reading(file: String, rows: Int, rowsPerSecond: Int)
}
