// lbp-bench: throughput probes for the stages of lbp, driven by Benchmarks/run.sh.
// Benchmarks are not tests: nothing here asserts a time.

import CSVKit

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// `read FILE`: streams FILE through CSVKit's reader into one reused record, touching every
/// field (summing their byte counts) so that nothing is optimised away.
func readFile(_ path: String) throws {
    let reader = try CSVReader(path: path)
    var record = CSVRecord()
    var records = 0
    var fields = 0
    var fieldBytes = 0
    var lastLine = 0
    while try reader.read(into: &record) {
        records += 1
        fields += record.count
        for index in 0..<record.count {
            fieldBytes += record.withFieldBytes(index) { $0.count }
        }
        lastLine = record.position.line
    }
    print("rows \(records + (reader.header.isEmpty ? 0 : 1)) fields \(fields + reader.header.count) bytes \(reader.bytesRead) field-bytes \(fieldBytes) last-line \(lastLine) blank \(reader.blankLineCount) diagnostics \(reader.diagnosticCounts.values.reduce(0, +))")
}

let arguments = CommandLine.arguments
guard arguments.count >= 3 else {
    FileHandleOutput.error("usage: lbp-bench read FILE")
    exit(64)
}
do {
    switch arguments[1] {
    case "read":
        try readFile(arguments[2])
    default:
        FileHandleOutput.error("unknown mode '\(arguments[1])'; known: read")
        exit(64)
    }
} catch {
    FileHandleOutput.error("\(error)")
    exit(1)
}

enum FileHandleOutput {
    static func error(_ text: String) {
        let line = text + "\n"
        _ = line.withCString { write(2, $0, strlen($0)) }
    }
}
