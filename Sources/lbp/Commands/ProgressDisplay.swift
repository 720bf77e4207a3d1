import Foundation
import PipelineRunner

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Progress of a long run on standard error, for a person at a terminal: each step on a line of
/// its own, the rows read so far (and their rate) on one line rewritten in place. Silent when
/// standard error is not a terminal (CI logs, pipes) or with `--quiet`.
final class ProgressDisplay: @unchecked Sendable {
    private let enabled: Bool
    /// Whether the terminal understands "clear to the end of the line"; a dumb one gets each rows
    /// line on a line of its own instead.
    private let canRewrite: Bool
    /// Whether the last thing written is a rewritable rows line (not yet ended by a line break).
    private var openLine = false

    init(quiet: Bool) {
        enabled = !quiet && isatty(STDERR_FILENO) == 1
        let terminal = ProcessInfo.processInfo.environment["TERM"] ?? ""
        canRewrite = !terminal.isEmpty && terminal != "dumb"
    }

    func show(_ progress: RunProgress) {
        guard enabled else { return }
        switch progress {
        case .step(let step):
            write((openLine ? "\n" : "") + step + "...\n")
            openLine = false
        case .done(let summary):
            write((openLine ? "\n" : "") + summary + "\n")
            openLine = false
        case .reading(let file, let rows, let rate):
            // Carriage return, then clear to the end of the line: the new text replaces the old.
            guard canRewrite else {
                write("  \(file): \(rows) rows read (\(rate) rows/s)\n")
                return
            }
            // Fitted to the terminal: a longer line would wrap, and only its last row be cleared.
            write("\r\u{1B}[K" + TerminalLine.fitted("  \(file): \(rows) rows read (\(rate) rows/s)", columns: Self.terminalColumns()))
            openLine = true
        }
    }

    /// Ends a rows line left open, before anything else is written.
    func finish() {
        guard enabled, openLine else { return }
        write("\n")
        openLine = false
    }

    /// The width of the terminal on standard error; nil when it cannot be told.
    private static func terminalColumns() -> Int? {
        var size = winsize()
        guard ioctl(STDERR_FILENO, UInt(TIOCGWINSZ), &size) == 0, size.ws_col > 0 else { return nil }
        return Int(size.ws_col)
    }

    private func write(_ text: String) {
        FileHandle.standardError.write(Data(text.utf8))
    }
}
