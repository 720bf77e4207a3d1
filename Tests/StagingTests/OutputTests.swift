import CSVKit
import Foundation
import PipelineRunner
import PipelineSpec
import Staging
import StudyModel
import Testing
import TestSupport

/// The files staging writes: issues, rejected rows as read, clean tables, accounting.
@Suite struct OutputTests {
    private func read(_ path: String) -> String {
        String(decoding: FileManager.default.contents(atPath: path) ?? Data(), as: UTF8.self)
    }

    private func run(in directory: TemporaryDirectory) throws -> StagedStudy {
        let yaml = H.castorPipeline.replacingOccurrences(of: "  rmdq: RMDQ\n", with: "  rmdq: RMDQ\n  remark: Remark\n")
        let visits = H.lines([
            H.visitsHeader + ";Remark",
            H.visit("P1", "T0", date: "05-01-2024", nrs: "6,5") + ";=1+1",
            H.visit("P1", "week6", date: "16-02-2024", nrs: "-98") + ";\"said \"\"better\"\"; sleeps\"",
            H.visit("P1", "T12", date: "29-03-2024", nrs: "12") + ";late",
            "P2;T0;05-01-2024;5",
        ])
        let harness = try H(yaml: yaml, files: [
            "participants.csv": H.lines([H.participantsHeader, H.participant("P1"), H.participant("P2", arm: "2")]),
            "visits.csv": visits,
        ])
        let sink = try StagingFileSink(folder: directory.path)
        let contents = harness.contents
        let study = try stage(harness.inputFiles, spec: harness.spec, sink: sink) { file, _ in
            try CSVReader(bytes: contents[file.path] ?? [], displayName: file.displayName)
        }
        try sink.finish()
        try study.writeClean(to: directory.path, spec: harness.spec)
        try study.writeAccounting(to: directory.path)
        return study
    }

    @Test func issuesAreWrittenWithEveryColumn() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        _ = try run(in: directory)
        let lines = read(directory.file("issues.csv")).split(separator: "\n").map(String.init)
        #expect(lines.first == "file,line,column,participant,visit,field,value,rule,severity,message")
        #expect(lines.contains("visits.csv,4,4,P1,week12,pain_nrs,12,range,error,the value '12' is out of range 0...10 for 'pain_nrs'"))
        // A ragged row names the participant of its id cell.
        #expect(lines.contains("visits.csv,5,,P2,,,,csv.ragged-row,error,the record has 4 fields where the header has 6"))
    }

    /// The line and the reasons come first: a short row (line 5) leaves them in their columns.
    @Test func rejectedRowsAreWrittenAsReadWithTheirReasons() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        _ = try run(in: directory)
        let text = read(directory.file("rejected/visits.csv"))
        #expect(text == """
            source_line;reasons;Castor Participant Id;Visit;Date;NRS;RMDQ;Remark
            4;the value '12' is out of range 0...10 for 'pain_nrs';P1;T12;29-03-2024;12;10;late
            5;the record has 4 fields where the header has 6;P2;T0;05-01-2024;5

            """)
        #expect(!FileManager.default.fileExists(atPath: directory.file("rejected/participants.csv")))
    }

    @Test func cleanTablesAreTypedAndGuarded() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let study = try run(in: directory)
        #expect(study.visits.count == 2)
        let visits = read(directory.file("clean/visits.csv"))
        #expect(visits == """
            participant_id,visit,visit_date,pain_nrs,rmdq,remark
            P1,baseline,2024-01-05,6.5,10,'=1+1
            P1,week6,2024-02-16,,10,"said ""better""; sleeps"

            """)
        let participants = read(directory.file("clean/participants.csv")).split(separator: "\n").map(String.init)
        #expect(participants.first == "participant_id,site,arm,randomisation_date,screening_date,sex,birth_year,age,onset_date,rf_night_pain")
        #expect(participants.dropFirst().first == "P1,AMS,strength,2024-01-05,2024-01-02,F,1970,54,2023-11-01,0")
        #expect(read(directory.file("clean/missing.csv")) == """
            participant_id,visit,field,reason_code,reason
            P1,week6,pain_nrs,-98,asked but unknown

            """)
    }

    @Test func accountingIsWrittenPerFile() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        _ = try run(in: directory)
        #expect(read(directory.file("accounting.csv")) == """
            file,rows_read,accepted,rejected,warnings,blank_lines,encoding,delimiter,stopped_at_line
            participants.csv,2,2,0,0,0,utf-8,;,
            visits.csv,4,2,2,0,0,utf-8,;,

            """)
    }

    @Test func rejectedFilesOfSameNamedInputsDoNotCollide() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let sink = try StagingFileSink(folder: directory.path)
        try sink.startFile(InputFile(inputIndex: 0, path: "a/x.csv", displayName: "a/x.csv"), header: ["h"], delimiter: 44)
        try sink.startFile(InputFile(inputIndex: 1, path: "b/x.csv", displayName: "b/x.csv"), header: ["h"], delimiter: 59)
        try sink.reject(RejectedRow(file: "a/x.csv", inputIndex: 0, line: 2, rawFields: [Array("1".utf8)], reasons: ["r1"]))
        try sink.reject(RejectedRow(file: "b/x.csv", inputIndex: 1, line: 2, rawFields: [], reasons: ["r2", "r3"]))
        try sink.finish()
        #expect(read(directory.file("rejected/x.csv")) == "source_line,reasons,h\n2,r1,1\n")
        #expect(read(directory.file("rejected/x-2.csv")) == "source_line;reasons;h\n2;\"r2; r3\";\n")
    }

    /// Many input files with rejected rows (a glob of a thousand) keep only a few files open:
    /// the least recently written is closed and reopened for appending, every row in place.
    @Test func manyRejectedFilesStayCompleteWithFewOpen() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let count = StagingFileSink.maximumOpenRejectedFiles * 2 + 3
        let files = (0..<count).map { "site\($0).csv" }
        let sink = try StagingFileSink(folder: directory.path, files: files)
        for (index, file) in files.enumerated() {
            try sink.startFile(InputFile(inputIndex: index, path: file, displayName: file), header: ["h"], delimiter: 59)
        }
        for round in 1...3 {
            for (index, file) in files.enumerated() {
                try sink.reject(RejectedRow(file: file, inputIndex: index, line: round + 1, rawFields: [Array("v\(round)".utf8)],
                                            reasons: ["r\(round)"]))
                #expect(sink.openRejectedFiles <= StagingFileSink.maximumOpenRejectedFiles)
            }
        }
        try sink.finish()
        for file in files {
            #expect(read(directory.file("rejected/" + file)) == "source_line;reasons;h\n2;r1;v1\n3;r2;v2\n4;r3;v3\n", "\(file)")
        }
    }

    /// A numbered name is never another input's own name, and the names follow the inputs'
    /// order, not which file rejects a row first.
    @Test func aNumberedRejectedFileIsNeverAnotherInputsName() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let files = ["a/study.csv", "b/study.csv", "c/study-2.csv"]
        let sink = try StagingFileSink(folder: directory.path, files: files)
        for (index, file) in files.enumerated().reversed() {
            try sink.startFile(InputFile(inputIndex: index, path: file, displayName: file), header: ["h"], delimiter: 44)
            try sink.reject(RejectedRow(file: file, inputIndex: index, line: 2, rawFields: [Array(file.utf8)], reasons: ["r"]))
        }
        try sink.finish()
        #expect(read(directory.file("rejected/study.csv")) == "source_line,reasons,h\n2,r,a/study.csv\n")
        #expect(read(directory.file("rejected/study-3.csv")) == "source_line,reasons,h\n2,r,b/study.csv\n")
        #expect(read(directory.file("rejected/study-2.csv")) == "source_line,reasons,h\n2,r,c/study-2.csv\n")

        // A file not named .csv takes the .csv name only when no other file has it.
        let other = try TemporaryDirectory()
        defer { other.remove() }
        let named = ["t/visits.txt", "t/visits.txt.csv"]
        let second = try StagingFileSink(folder: other.path, files: named)
        for (index, file) in named.enumerated() {
            try second.startFile(InputFile(inputIndex: index, path: file, displayName: file), header: ["h"], delimiter: 44)
            try second.reject(RejectedRow(file: file, inputIndex: index, line: 2, rawFields: [Array(file.utf8)], reasons: ["r"]))
        }
        try second.finish()
        #expect(read(other.file("rejected/visits.txt-2.csv")) == "source_line,reasons,h\n2,r,t/visits.txt\n")
        #expect(read(other.file("rejected/visits.txt.csv")) == "source_line,reasons,h\n2,r,t/visits.txt.csv\n")
    }

    /// Names that differ only in letter case are one file on macOS and Windows: the second is
    /// numbered, and a numbered name is never another input's name in another case either.
    @Test func rejectedFileNamesDifferInMoreThanLetterCase() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let files = ["a/STUDY.csv", "b/study.csv", "c/Study-2.CSV"]
        let sink = try StagingFileSink(folder: directory.path, files: files)
        for (index, file) in files.enumerated() {
            try sink.startFile(InputFile(inputIndex: index, path: file, displayName: file), header: ["h"], delimiter: 44)
            try sink.reject(RejectedRow(file: file, inputIndex: index, line: 2, rawFields: [Array(file.utf8)], reasons: ["r"]))
        }
        try sink.finish()
        let names = try FileManager.default.contentsOfDirectory(atPath: directory.file("rejected")).sorted()
        #expect(names == ["STUDY.csv", "Study-2.CSV.csv", "study-3.csv"])
        #expect(read(directory.file("rejected/study-3.csv")) == "source_line,reasons,h\n2,r,b/study.csv\n")
    }
}
