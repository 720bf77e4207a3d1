import Foundation
import Synchronization
import TestSupport
import Testing
@testable import PipelineRunner

@Suite struct ConcurrentlyTests {
    /// Every index runs once, whatever thread takes it, and its result is at its index.
    @Test func mapRunsEachIndexOnceAndKeepsIndexOrder() {
        let calls = Mutex([Int](repeating: 0, count: 1_000))
        let results = Concurrently.map(1_000) { index in
            calls.withLock { $0[index] += 1 }
            return index * index
        }
        #expect(results == (0..<1_000).map { $0 * $0 })
        #expect(calls.withLock { $0 }.allSatisfy { $0 == 1 })
    }

    @Test func mapOfNothingIsEmpty() {
        #expect(Concurrently.map(0) { $0 }.isEmpty)
    }
}

@Suite struct ManifestDigestTests {
    /// Files hashed on several threads are listed in the order given, each with its own digest
    /// (SHA-256 of "abc" is the FIPS 180-2 example), and a missing file is an error.
    @Test func digestsKeepFileOrder() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let contents = (0..<12).map { index in index == 5 ? "abc" : String(repeating: "row \(index)\n", count: 1_000 * index) }
        let files = try contents.enumerated().map { index, text in
            let path = directory.file("f\(index).csv")
            try text.write(toFile: path, atomically: true, encoding: .utf8)
            return (path: path, name: "f\(index).csv")
        }
        let digests = try Manifest.digests(files)
        #expect(digests.map(\.file) == files.map(\.name))
        #expect(digests.map(\.bytes) == contents.map(\.utf8.count))
        #expect(digests[5].sha256 == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        #expect(try digests.map(\.sha256) == files.map { try Manifest.digest($0.path, name: $0.name).sha256 })
        #expect(throws: (any Error).self) { try Manifest.digests(files + [(directory.file("missing.csv"), "missing.csv")]) }
    }
}
