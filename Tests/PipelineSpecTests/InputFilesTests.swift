import Foundation
import PipelineSpec
import StudyModel
import Testing
import TestSupport

/// Glob expansion of `inputs[].path`: sorted, deterministic, located errors.
@Suite struct InputFilesTests {
    private func spec(in directory: TemporaryDirectory, inputs: [String]) throws -> PipelineSpec {
        let list = inputs.map { "  - {path: '\($0)', source: castor, holds: participants}" }.joined(separator: "\n")
        let text = """
            study: {name: Test}
            fields: {participant_id: Participant Id}
            inputs:
            \(list)
            """
        let file = try directory.write(text, to: "Pipelines/test.yml")
        return try PipelineSpec.load(path: file)
    }

    @Test func globExpandsInByteOrderRelativeToThePipelineFile() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        for name in ["site10.csv", "site2.csv", "Site1.csv", ".hidden.csv", "notes.txt", "site3.csv"] {
            try directory.write("x", to: "Data/\(name)")
        }
        let spec = try spec(in: directory, inputs: ["../Data/*.csv", "../Data/notes.txt"])
        let files = try spec.inputFiles()
        #expect(files.map(\.displayName) == [
            "../Data/Site1.csv", "../Data/site10.csv", "../Data/site2.csv", "../Data/site3.csv", "../Data/notes.txt",
        ])
        #expect(files.map(\.inputIndex) == [0, 0, 0, 0, 1])
        #expect(files[0].path == directory.path + "/Data/Site1.csv")
    }

    /// A `..` after a linked folder is read as the system reads it: out of the folder the link
    /// names, not back beside the link (where an older file of the same name may lie).
    @Test func aParentAfterALinkIsTheSystemsParent() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        try directory.write("the export", to: "real/export.csv")
        try directory.write("x", to: "real/sub/keep")
        try directory.write("an older copy", to: "Pipelines/export.csv")
        try FileManager.default.createSymbolicLink(atPath: directory.file("Pipelines/L"), withDestinationPath: "../real/sub")
        let files = try spec(in: directory, inputs: ["L/../export.csv"]).inputFiles()
        #expect(files.map(\.displayName) == ["L/../export.csv"])
        #expect(try files.map { try String(contentsOfFile: $0.path, encoding: .utf8) } == ["the export"])
    }

    /// A named pipe would make reading wait for a writer (check and run hung): it is refused at
    /// the input, named as a glob matched it or as written.
    @Test func aNamedPipeIsNoInputFile() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        try directory.write("x", to: "Data/site1.csv")
        #expect(mkfifo(directory.file("Data/site2.csv"), 0o600) == 0)
        let pipeline = try spec(in: directory, inputs: ["../Data/*.csv", "../Data/site2.csv"])
        let problems: [String]
        do {
            _ = try pipeline.inputFiles()
            problems = []
        } catch {
            problems = error.diagnostics.map(\.message)
        }
        #expect(problems == [
            "'../Data/site2.csv', which '../Data/*.csv' matches, is a named pipe, not a file; lbp reads files",
            "the input file '../Data/site2.csv' is a named pipe, not a file; lbp reads files",
        ])
    }

    @Test func characterClassesAndQuestionMarks() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        for name in ["a1.csv", "a2.csv", "a3.csv", "b1.csv", "a10.csv"] { try directory.write("x", to: "Pipelines/\(name)") }
        let spec = try spec(in: directory, inputs: ["a[12].csv", "[!a]?.csv", "a[3-9].csv"])
        #expect(try spec.inputFiles().map(\.displayName) == ["a1.csv", "a2.csv", "b1.csv", "a3.csv"])
    }

    /// A name and a pattern are compared composed (NFC): an `Ö` a copy from macOS wrote
    /// decomposed (`O` and a combining diaeresis) is one character for `?` and for a class, and
    /// `[[]` is a literal `[`.
    @Test func decomposedNamesAndBracketsInNames() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let decomposed = "study_GRO\u{308}.csv"
        for name in [decomposed, "visits[1].csv", "visits1.csv"] { try directory.write("x", to: "Pipelines/\(name)") }
        let spec = try spec(in: directory, inputs: ["study_???.csv", "visits[[]1].csv"])
        let names = try spec.inputFiles().map(\.displayName)
        #expect(names.map { Array($0.unicodeScalars) } == [Array(decomposed.unicodeScalars), Array("visits[1].csv".unicodeScalars)])
        let byClass = try self.spec(in: directory, inputs: ["study_GR[\u{D6}].csv"])
        #expect(try byClass.inputFiles().count == 1)
        let literal = try self.spec(in: directory, inputs: ["study_GR\u{D6}.csv"])
        #expect(try literal.inputFiles().map { Array($0.displayName.unicodeScalars) } == [Array(decomposed.unicodeScalars)])
        // Any other file the pipeline names (a rule set, a literature table) is found so too.
        let rules = "regels_GRO\u{308}.yml"
        try directory.write("x", to: "Pipelines/\(rules)")
        let resolved = Array(literal.resolveExisting("regels_GR\u{D6}.yml").unicodeScalars)
        #expect(resolved.suffix(rules.unicodeScalars.count).elementsEqual(rules.unicodeScalars), "\(resolved)")

        // Both spellings on one disk are two files the reports could not tell apart.
        try directory.write("x", to: "Pipelines/study_GR\u{D6}.csv")
        let both = try self.spec(in: directory, inputs: ["study_???.csv"])
        #expect(throws: SpecError.self) { try both.inputFiles() }
        do {
            _ = try both.inputFiles()
        } catch {
            #expect(error.diagnostics.map(\.message).contains { $0.hasSuffix("differ only in how their letters are composed (NFC and NFD), "
                + "which the reports cannot tell apart; rename one") }, "\(error.diagnostics)")
        }
    }

    @Test func globsInFolderNames() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        try directory.write("x", to: "Data/site2/export.csv")
        try directory.write("x", to: "Data/site1/export.csv")
        try directory.write("x", to: "Data/other/export.txt")
        let spec = try spec(in: directory, inputs: ["../Data/site*/export.csv"])
        #expect(try spec.inputFiles().map(\.displayName) == ["../Data/site1/export.csv", "../Data/site2/export.csv"])
    }

    @Test func aGlobThatMatchesNothingIsLocated() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        try directory.write("x", to: "Pipelines/exports/a.csv")
        let spec = try spec(in: directory, inputs: ["../Data/*.csv", "missing.csv", "exports"])
        #expect(throws: SpecError.self) { try spec.inputFiles() }
        do {
            _ = try spec.inputFiles()
        } catch {
            #expect(error.diagnostics.map(\.description) == [
                "\(directory.path)/Pipelines/test.yml:4:12: error: no file matches '../Data/*.csv'",
                "\(directory.path)/Pipelines/test.yml:5:12: error: the input file 'missing.csv' does not exist",
                "\(directory.path)/Pipelines/test.yml:6:12: error: 'exports' is a folder; name its files (e.g. 'exports/*.csv')",
            ])
        }
    }

    @Test func aLinkToAFileThatIsGoneIsReportedNotLeftOut() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        try directory.write("x", to: "Pipelines/study_GRO.csv")
        try FileManager.default.createSymbolicLink(atPath: directory.path + "/Pipelines/study_ZZZ.csv",
                                                   withDestinationPath: "/nonexistent/x.csv")
        let spec = try spec(in: directory, inputs: ["study_*.csv", "study_ZZZ.csv"])
        do {
            _ = try spec.inputFiles()
            Issue.record("expected a problem")
        } catch {
            #expect(error.diagnostics.map { "\($0.location.line): \($0.message)" } == [
                "4: 'study_ZZZ.csv', which 'study_*.csv' matches, is a link to a file that does not exist",
                "5: the input file 'study_ZZZ.csv' is a link to a file that does not exist",
            ])
        }
    }

    @Test func aFileMatchedByTwoInputsIsRejected() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        try directory.write("x", to: "Pipelines/a.csv")
        let spec = try spec(in: directory, inputs: ["*.csv", "a.csv"])
        do {
            _ = try spec.inputFiles()
            Issue.record("expected a problem")
        } catch {
            #expect(error.diagnostics.map(\.message) == ["the file 'a.csv' is already read by 'inputs[0]'"])
            #expect(error.diagnostics.first?.location.line == 5)
        }
    }

    /// One file reached through a linked folder, or a hard link to it, is the same file, read once.
    @Test func aFileReachedThroughALinkIsRejectedTheSecondTime() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        try directory.write("x", to: "Pipelines/data/a.csv")
        try FileManager.default.createSymbolicLink(atPath: directory.path + "/Pipelines/linked",
                                                   withDestinationPath: directory.path + "/Pipelines/data")
        try FileManager.default.linkItem(atPath: directory.path + "/Pipelines/data/a.csv", toPath: directory.path + "/Pipelines/hard.csv")
        let spec = try spec(in: directory, inputs: ["data/a.csv", "linked/a.csv", "hard.csv"])
        do {
            _ = try spec.inputFiles()
            Issue.record("expected a problem")
        } catch {
            #expect(error.diagnostics.map(\.message) == ["the file 'linked/a.csv' is already read by 'inputs[0]'",
                                                          "the file 'hard.csv' is already read by 'inputs[0]'"])
        }
    }

    @Test func aPipelineFileThatIsNotUTF8IsLocatedAtItsFirstForeignByte() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        // "study:\n  name: Caf\u{E9} é" with the first é in Latin-1 (0xE9) and the second in UTF-8.
        let bytes = Array("study:\n  name: Caf".utf8) + [0xE9] + Array(" \u{E9}\n".utf8)
        let file = try directory.write(bytes, to: "p.yml")
        do {
            _ = try PipelineSpec.load(path: file)
            Issue.record("expected a problem")
        } catch {
            #expect(error.description == "\(file):2:12: error: the file is not UTF-8 text: byte 0xE9 is not UTF-8 (save the file as UTF-8)")
        }
    }

    /// Counted as the YAML parser counts: CR alone and LS end lines, a leading mark takes no column.
    static let foreignBytes: [(text: [UInt8], place: String)] = [
        ([0xEF, 0xBB, 0xBF] + Array("study".utf8) + [0xE9, 0x3A, 0x0A], "1:6"),
        (Array("a: 1\rb: 2\r\nc: d".utf8) + [0xE9, 0x0A], "3:5"),
        (Array("# x\u{2028}  d".utf8) + [0xE9] + Array("scriptio: 1\n".utf8), "2:4"),
    ]

    @Test(arguments: foreignBytes.indices)
    func aForeignByteIsLocatedAsTheYAMLParserCountsLines(index: Int) throws {
        let (bytes, place) = Self.foreignBytes[index]
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let file = try directory.write(bytes, to: "p.yml")
        do {
            _ = try PipelineSpec.load(path: file)
            Issue.record("expected a problem")
        } catch {
            #expect(error.description.hasPrefix("\(file):\(place): error: the file is not UTF-8 text"), "\(error.description)")
        }
    }

    @Test func loadingAFileThatDoesNotExist() {
        do {
            _ = try PipelineSpec.load(path: "/nonexistent/p.yml")
            Issue.record("expected a problem")
        } catch {
            #expect(error.description == "/nonexistent/p.yml: error: the file does not exist")
        }
        do {
            _ = try PipelineSpec.load(path: "/")
            Issue.record("expected a problem")
        } catch {
            #expect(error.description == "/: error: this is a folder, not a file")
        }
    }
}
