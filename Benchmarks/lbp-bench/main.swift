// lbp-bench: throughput probes for the stages of lbp, driven by Benchmarks/run.sh.
// Benchmarks are not tests: nothing here asserts a time.

import CSVKit
import Foundation
import PipelineSpec
import PipelineRunner
import Staging

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

/// `stage PIPELINE OUTDIR`: ingest and staging as `lbp validate` does them: loads the pipeline
/// file, stages every input with a sink that streams issues and rejected rows into OUTDIR
/// (`issues.csv`, `rejected/`), and closes the sink. The clean tables are not written: this
/// measures reading, normalising, validating and accounting, not the writing of the results.
/// The staged study is still held when the process exits (as `lbp run` holds it for the stages
/// after staging), so freeing it is not counted either.
func stageBatch(_ pipeline: String, outputFolder: String) throws -> Never {
    let spec = try PipelineSpec.load(path: pipeline)
    let files = try spec.inputFiles()
    try FileManager.default.createDirectory(atPath: outputFolder, withIntermediateDirectories: true)
    let sink = try StagingFileSink(folder: outputFolder)
    let study = try stage(files, spec: spec, sink: sink)
    try sink.finish()
    let rows = study.accounting.reduce(0) { $0 + $1.rowsRead }
    let rejected = study.accounting.reduce(0) { $0 + $1.rejected }
    print("rows \(rows) rejected \(rejected) participants \(study.participants.count) visits \(study.visits.count) errors \(study.errorCount) warnings \(study.warningCount) notes \(study.noteCount) files \(files.count)")
    fflush(nil)
    withExtendedLifetime(study) { exit(0) }
}

let arguments = CommandLine.arguments
guard arguments.count >= 3 else {
    FileHandleOutput.error("usage: lbp-bench read FILE | lbp-bench stage PIPELINE OUTDIR")
    exit(64)
}
do {
    switch arguments[1] {
    case "read":
        try readFile(arguments[2])
    case "stage" where arguments.count >= 4:
        try stageBatch(arguments[2], outputFolder: arguments[3])
    default:
        FileHandleOutput.error("unknown mode or missing argument '\(arguments[1])'; known: read FILE, stage PIPELINE OUTDIR")
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
