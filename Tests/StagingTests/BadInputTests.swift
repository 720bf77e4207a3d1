import CSVKit
import PipelineSpec
import Staging
import StudyModel
import Testing

/// Every bad input the reader knows goes through staging with a located message and exact
/// accounting (rows read = accepted + rejected, checked by the harness for every case).
@Suite struct BadInputTests {
    private func stage(visits: [UInt8]) throws -> (StagedStudy, CollectingSink) {
        let participants = H.lines([H.participantsHeader, H.participant("P1"), H.participant("P2", arm: "2")])
        let harness = try H(yaml: H.castorPipeline, bytes: ["participants.csv": Array(participants.utf8), "visits.csv": visits])
        return try harness.run()
    }

    private func bytes(_ text: String) -> [UInt8] { Array(text.utf8) }

    @Test func raggedRowIsRejectedAsRead() throws {
        let text = H.lines([H.visitsHeader, H.visit("P1", "T0", date: "05-01-2024"), "P2;T0;05-01-2024;5;10;extra", H.visit("P2", "week6", date: "16-02-2024")])
        let (study, sink) = try stage(visits: bytes(text))
        #expect(sink.summary(.error) == ["visits.csv:3:6 csv.ragged-row error"])
        #expect(sink.issues.first { $0.severity == .error }?.message == "the record has 6 fields where the header has 5")
        let row = try #require(sink.rejectedRows.first)
        #expect(row.rawFields.map { String(decoding: $0, as: UTF8.self) } == ["P2", "T0", "05-01-2024", "5", "10", "extra"])
        #expect(study.accounting[1].rowsRead == 3)
        #expect(study.accounting[1].accepted == 2)
        #expect(study.accounting[1].rejected == 1)
    }

    /// A second byte-order mark before the first name (a file saved with a BOM twice) is trimmed
    /// as in any cell: the id column is still found, and every row read.
    @Test func aSecondByteOrderMarkBeforeTheHeaderIsTrimmed() throws {
        let text = H.lines([H.visitsHeader, H.visit("P1", "T0", date: "05-01-2024"), H.visit("P2", "T0", date: "05-01-2024")])
        let (study, sink) = try stage(visits: [0xEF, 0xBB, 0xBF, 0xEF, 0xBB, 0xBF] + bytes(text))
        #expect(sink.summary(.error).isEmpty)
        #expect(study.accounting[1].rowsRead == 2)
        #expect(study.accounting[1].accepted == 2)
    }

    @Test func shortRowIsRejectedToo() throws {
        let text = H.lines([H.visitsHeader, H.visit("P1", "T0", date: "05-01-2024"), "P2;T0"])
        let (study, sink) = try stage(visits: bytes(text))
        #expect(sink.summary(.error) == ["visits.csv:3:- csv.ragged-row error"])
        #expect(study.accounting[1].rejected == 1)
    }

    @Test func unterminatedQuoteRejectsTheRecordItNamesAndStops() throws {
        let text = H.visitsHeader + "\n" + H.visit("P1", "T0", date: "05-01-2024") + "\n" + "P2;T0;05-01-2024;5;\"10\n"
        let (study, sink) = try stage(visits: bytes(text))
        let error = try #require(sink.issues.first { $0.severity == .error })
        #expect(error.rule == "csv.unterminated-quote")
        #expect(error.location.file == "visits.csv")
        #expect(error.location.line == 3)
        #expect(error.message.hasSuffix("; reading stopped here"))
        #expect(study.accounting[1].rowsRead == 2)
        #expect(study.accounting[1].accepted == 1)
        #expect(study.accounting[1].rejected == 1)
        #expect(sink.rejectedRows.map(\.line) == [3])
        #expect(study.accounting[1].stoppedAtLine == 3)
        #expect(study.accounting[0].stoppedAtLine == nil)
        #expect(study.inputProblems.isEmpty)
    }

    /// A quote never closed on line 3 takes lines 4 and 5 into its field: they were never read
    /// as rows, so the file is an input problem; trailing lines of empty fields are blank.
    @Test func unterminatedQuoteBeforeTheLastLineIsAnInputProblem() throws {
        let text = H.visitsHeader + "\n" + H.visit("P1", "T0", date: "05-01-2024") + "\n" + "P2;T0;05-01-2024;5;\"10\n"
            + H.visit("P2", "week6", date: "16-02-2024") + "\n" + H.visit("P1", "week6", date: "16-02-2024") + "\n;;;;\n"
        let (study, sink) = try stage(visits: bytes(text))
        let error = try #require(sink.issues.first { $0.severity == .error })
        #expect(error.rule == "csv.unterminated-quote")
        #expect(study.inputProblems == [error])
        #expect(error.message.hasSuffix(
            "; reading stopped here; the 2 lines after line 3 were read into that field, not as rows: fix the file and run again"))
    }

    @Test func nulByteStopsTheFileAtItsRecord() throws {
        var data = bytes(H.visitsHeader + "\n" + H.visit("P1", "T0", date: "05-01-2024") + "\n")
        data += bytes("P2;T0;05-01-2024;5") + [0] + bytes(";10\n") + bytes(H.visit("P2", "week6", date: "16-02-2024") + "\n")
        let (study, sink) = try stage(visits: data)
        let error = try #require(sink.issues.first { $0.severity == .error })
        #expect(error.rule == "csv.nul-byte")
        #expect(error.location.line == 3)
        #expect(study.accounting[1].stoppedAtLine == 3)
        #expect(study.accounting[1].rowsRead == 2)
        #expect(study.accounting[1].rejected == 1)
        // Line 4 was never read: the file cannot be accounted for, so it is an input problem.
        #expect(study.inputProblems.map(\.rule) == ["csv.nul-byte"])
        #expect(error.message.hasSuffix("reading stopped here and the line after line 3 was not read: fix the file and run again"))
    }

    /// `"abc"def` halfway through a file: the rows after it are not read, so the run cannot
    /// account for them and the file is an input problem (exit code 2), not one rejected row.
    @Test func textAfterAQuoteHalfwayIsAnInputProblem() throws {
        let text = H.lines([H.visitsHeader, H.visit("P1", "T0", date: "05-01-2024"), "P2;T0;05-01-2024;5;\"1\"0",
                            H.visit("P2", "week6", date: "16-02-2024"), "", H.visit("P1", "week6", date: "16-02-2024")])
        let (study, sink) = try stage(visits: bytes(text))
        let error = try #require(sink.issues.first { $0.severity == .error })
        #expect(error.rule == "csv.text-after-quote")
        #expect(error.location.line == 3)
        #expect(study.inputProblems == [error])
        #expect(error.message.hasSuffix("reading stopped here and the 2 lines after line 3 were not read: fix the file and run again"))
        #expect(study.accounting[1].rowsRead == 2)
        #expect(study.accounting[1].rejected == 1)
    }

    @Test func mixedEncodingStopsTheFileAtItsRecord() throws {
        // A UTF-8 'é' on line 2, then a lone Windows-1252 byte 0xE9 on line 3.
        var data = bytes(H.visitsHeader + "\n" + "P1;T0;05-01-2024;5;10\n")
        data = bytes("Castor Participant Id;Visit;Date;NRS;RMDQ;Opmerking\n") + bytes("P1;T0;05-01-2024;5;10;café\n")
        data += bytes("P2;T0;05-01-2024;5;10;caf") + [0xE9] + bytes("\n")
        let (study, sink) = try stage(visits: data)
        let error = try #require(sink.issues.first { $0.severity == .error })
        #expect(error.rule == "csv.mixed-encoding" || error.rule == "csv.invalid-utf8")
        #expect(error.location.line == 3)
        #expect(study.accounting[1].rowsRead == 2)
        #expect(study.accounting[1].accepted == 1)
        #expect(study.accounting[1].rejected == 1)
        // The stop is in the last record: nothing after it is lost, so it is one rejected row.
        #expect(study.inputProblems.isEmpty)
        #expect(error.message.hasSuffix("; reading stopped here"))
    }

    @Test func windows1252IsReadAndNoted() throws {
        let data = bytes("Castor Participant Id;Visit;Date;NRS;RMDQ;Opmerking\n") + bytes("P1;T0;05-01-2024;5;10;caf") + [0xE9] + bytes("\n")
        let (study, sink) = try stage(visits: data)
        #expect(sink.summary(.error) == [])
        #expect(sink.issues.contains { $0.rule == "csv.windows-1252" && $0.severity == .note })
        #expect(study.accounting[1].encoding == "windows-1252")
        #expect(study.accounting[1].accepted == 1)
    }

    /// A quote inside an unquoted field is kept as text and warned about where it stands; here
    /// it makes the RMDQ cell unreadable, so that row is rejected and the others are kept.
    @Test func strayQuoteIsWarnedAtItsCell() throws {
        let text = H.lines([H.visitsHeader, H.visit("P1", "T0", date: "05-01-2024"), "P2;T0;05-01-2024;5;1\"0",
                            H.visit("P2", "week6", date: "16-02-2024")])
        let (study, sink) = try stage(visits: bytes(text))
        #expect(sink.summary(.warning).contains("visits.csv:3:5 csv.stray-quote warning"))
        #expect(sink.summary(.error).allSatisfy { $0.hasPrefix("visits.csv:3:5 ") } && !sink.summary(.error).isEmpty)
        #expect(sink.rejectedRows.map(\.line) == [3])
        #expect(study.accounting[1].rowsRead == 3 && study.accounting[1].accepted == 2 && study.accounting[1].rejected == 1)
    }

    /// Files joined one after another repeat the header (after the byte-order mark and the
    /// `sep=;` line each file began with): those rows are set aside with a warning, rejected as
    /// read, and reject no participant named after the id column.
    @Test(arguments: [
        ("", "", [3]),
        ("\u{FEFF}", "", [3]),
        ("\u{FEFF}sep=;\n", "\u{FEFF}sep=;\n", [4, 5]),
    ])
    func aRepeatedHeaderIsSetAsideAndIsNoParticipant(firstFileStart: String, secondFileStart: String, setAside: [Int]) throws {
        let second = secondFileStart.isEmpty && !firstFileStart.isEmpty ? firstFileStart : secondFileStart
        let participants = firstFileStart + H.lines([H.participantsHeader, H.participant("P1")])
            + second + H.lines([H.participantsHeader, H.participant("P2", arm: "2")])
        let harness = try H(yaml: H.castorPipeline, bytes: ["participants.csv": bytes(participants), "visits.csv": bytes(H.lines([H.visitsHeader]))])
        let (study, sink) = try harness.run()
        #expect(sink.summary(.warning).filter { $0.contains("repeated-header") } == setAside.map { "participants.csv:\($0):- csv.repeated-header warning" })
        #expect(sink.summary(.error).isEmpty, "\(sink.summary(.error))")
        #expect(sink.rejectedRows.map(\.line) == setAside)
        #expect(study.participants.map(\.id) == ["P1", "P2"])
        #expect(study.participantsRejected == 0 && study.participantRowsWithoutID == 0)
        #expect(study.accounting[0].rowsRead == 2 + setAside.count && study.accounting[0].accepted == 2
            && study.accounting[0].rejected == setAside.count)
    }

    /// Exports of two layouts joined one after another: the second header in another form (its
    /// columns in another order, another name among them, the id's column renamed as the
    /// pipeline allows) is an error at its first differing column, and the rows after it cannot
    /// be read by the file's header, so they are rejected (their participant named from that
    /// header's id column, and rejected with them) up to the header as it was. A header in other
    /// letter case is the header again.
    @Test(arguments: [
        ([1, 0, 2, 3, 4, 5, 6, 7, 8, 9], [:], 1),
        ([0, 1, 2, 3, 5, 4, 6, 7, 8, 9], ["Sex": "Geslacht"], 4),
        ([1, 0, 2, 3, 4, 5, 6, 7, 8, 9], ["Participant Id": "Castor Participant Id"], 1),
        // The first two names both other (the id's by an alternative the pipeline maps).
        ([0, 1, 2, 3, 5, 4, 6, 7, 8, 9], ["Participant Id": "Castor Participant Id", "Site": "Centre"], 1),
        // No-break spaces in names, which columns are matched without.
        ([0, 1, 2, 3, 5, 4, 6, 7, 8, 9], ["Participant Id": "Participant\u{A0}Id", "Site": "\u{A0}Site"], 5),
        // Half the names other, the first three, the middle and the last among them: the other
        // half are the header's names, so it is the header in another form still.
        ([0, 1, 2, 3, 4, 5, 7, 6, 8, 9], ["Participant Id": "Castor Participant Id", "Site": "Centre", "Group": "Groep",
                                          "Age": "Leeftijd", "flags#night": "vlag#nacht"], 1),
    ])
    func aHeaderInAnotherFormRejectsTheRowsAfterIt(order: [Int], renamed: [String: String], column: Int) throws {
        func rearranged(_ line: String, naming: Bool = false) -> String {
            let cells = line.split(separator: ";", omittingEmptySubsequences: false).map(String.init)
            return order.map { naming ? renamed[cells[$0]] ?? cells[$0] : cells[$0] }.joined(separator: ";")
        }
        let participants = H.lines([H.participantsHeader, H.participant("P1"), rearranged(H.participantsHeader, naming: true),
                                    rearranged(H.participant("P2")), H.participantsHeader, H.participant("P3")])
        let harness = try H(yaml: H.castorPipeline, bytes: ["participants.csv": bytes(participants), "visits.csv": bytes(H.lines([H.visitsHeader]))])
        let (study, sink) = try harness.run()
        #expect(sink.summary(.error) == ["participants.csv:3:\(column) csv.changed-header error", "participants.csv:4:- csv.changed-header error"])
        #expect(sink.issues.filter { $0.location.line == 4 }.map(\.participant) == ["P2"])
        #expect(sink.summary(.warning).filter { $0.contains("repeated-header") } == ["participants.csv:5:- csv.repeated-header warning"])
        #expect(sink.rejectedRows.map(\.line) == [3, 4, 5])
        #expect(study.participants.map(\.id) == ["P1", "P3"])
        #expect(study.participantsRejected == 1)
        #expect(study.accounting[0].rowsRead == 5 && study.accounting[0].accepted == 2 && study.accounting[0].rejected == 3)
    }

    /// The id's column renamed to a name the pipeline does not map: the rows after the header are
    /// rejected without naming anyone (a guess could name the wrong participant), each counted
    /// as a participant row whose id could not be read.
    @Test func aChangedHeaderWithoutTheIdsNameNamesNoParticipant() throws {
        let changed = H.participantsHeader.replacingOccurrences(of: "Participant Id;", with: "Record Nr;")
            .replacingOccurrences(of: "Birth year;Age", with: "Age;Birth year")
        let participants = H.lines([H.participantsHeader, H.participant("P1"), changed, H.participant("P2")])
        let harness = try H(yaml: H.castorPipeline, bytes: ["participants.csv": bytes(participants), "visits.csv": bytes(H.lines([H.visitsHeader]))])
        let (study, sink) = try harness.run()
        #expect(sink.summary(.error) == ["participants.csv:3:1 csv.changed-header error", "participants.csv:4:- csv.changed-header error"])
        #expect(sink.issues.filter { $0.location.line == 4 }.map(\.participant) == [nil])
        #expect(study.participants.map(\.id) == ["P1"])
        #expect(study.participantsRejected == 0 && study.participantRowsWithoutID == 1)
    }

    /// A changed header with two of the id's names: the id is read under the first name the
    /// pipeline maps it by, as the file's header was bound, not under the first column found.
    @Test func aChangedHeaderIsReadByTheIdsFirstName() throws {
        let changed = H.participantsHeader.replacingOccurrences(of: "Participant Id;Site;", with: "Castor Participant Id;Participant Id;")
        let row = H.participant("P2").replacingOccurrences(of: "P2;AMS;", with: "Q9;P2;")
        let participants = H.lines([H.participantsHeader, H.participant("P1"), changed, row])
        let harness = try H(yaml: H.castorPipeline, bytes: ["participants.csv": bytes(participants), "visits.csv": bytes(H.lines([H.visitsHeader]))])
        let (_, sink) = try harness.run()
        #expect(sink.issues.filter { $0.location.line == 4 }.map(\.participant) == ["P2"])
    }

    /// A ragged visit row has one error, that it cannot be read: its visit cell, read to know
    /// which visit took place, says nothing of its own.
    @Test func aRaggedVisitRowHasOneError() throws {
        let visits = H.lines([H.visitsHeader, H.visit("P1", "T0", date: "05-01-2024"), H.visit("P1", "TX", date: "16-02-2024") + ";extra"])
        let harness = try H(yaml: H.castorPipeline, bytes: ["participants.csv": bytes(H.lines([H.participantsHeader, H.participant("P1")])),
                                                            "visits.csv": bytes(visits)])
        let (_, sink) = try harness.run()
        #expect(sink.summary(.error) == ["visits.csv:3:6 csv.ragged-row error"])
    }

    @Test func aHeaderInOtherLetterCaseIsTheHeaderAgain() throws {
        let participants = H.lines([H.participantsHeader, H.participant("P1"), H.participantsHeader.lowercased(), H.participant("P2")])
        let harness = try H(yaml: H.castorPipeline, bytes: ["participants.csv": bytes(participants), "visits.csv": bytes(H.lines([H.visitsHeader]))])
        let (study, sink) = try harness.run()
        #expect(sink.summary(.error).isEmpty, "\(sink.summary(.error))")
        #expect(sink.summary(.warning).filter { $0.contains("repeated-header") } == ["participants.csv:3:- csv.repeated-header warning"])
        #expect(study.participants.map(\.id) == ["P1", "P2"])
    }

    /// The reader lists 100 findings of a kind; the rest are one note, but every one of them
    /// counts in the file's warnings and the total.
    @Test func warningsPastTheFirstHundredAreStillCounted() throws {
        let rows = (1...150).map { H.participant("P\($0)") + ";5\" x" }
        let participants = H.lines([H.participantsHeader + ";Note"] + rows)
        let harness = try H(yaml: H.castorPipeline, bytes: ["participants.csv": bytes(participants), "visits.csv": bytes(H.lines([H.visitsHeader]))])
        let (study, sink) = try harness.run()
        #expect(sink.issues.filter { $0.rule == "csv.stray-quote" && $0.severity == .warning }.count == 100)
        #expect(sink.issues.contains { $0.rule == "csv.stray-quote" && $0.severity == .note && $0.message == "50 more warnings of 'csv.stray-quote' are not listed" })
        let otherWarnings = sink.issues.filter { $0.severity == .warning && $0.location.file == "participants.csv" && $0.rule != "csv.stray-quote" }
        #expect(study.accounting[0].warnings == 150 + otherWarnings.count)
        #expect(study.warningCount == sink.issues.filter { $0.severity == .warning }.count + 50)
        #expect(study.unlistedCount == 50)
    }

    /// A header the file cannot be read by (a column without a name, a quote that runs on past
    /// the header line) is a problem with the file at that column: no row of it is read.
    @Test(arguments: [
        ("Castor Participant Id;;Date;NRS;RMDQ\nP1;T0;05-01-2024;5;10\n", "visits.csv:1:2 csv.empty-header-name error"),
        ("Castor Participant Id;\"Visit;Date\nP1\";T0;05-01-2024;5;10\n", "visits.csv:1:2 csv.multiline-header error"),
    ])
    func unreadableHeaderIsAnInputProblem(text: String, expected: String) throws {
        let (study, sink) = try stage(visits: bytes(text))
        #expect(sink.summary(.error) == [expected])
        #expect(study.inputProblems.count == 1)
        #expect(study.accounting[1].rowsRead == 0)
    }

    /// UTF-16 with a lone surrogate on line 3: the rows before it are read, its record is
    /// rejected and reading stops there.
    @Test func invalidUTF16StopsTheFileAtItsRecord() throws {
        func utf16(_ text: String) -> [UInt8] { text.utf16.flatMap { [UInt8($0 & 0xFF), UInt8($0 >> 8)] } }
        let data = [0xFF, 0xFE] + utf16(H.lines([H.visitsHeader, H.visit("P1", "T0", date: "05-01-2024")]) + "P2;T0;")
            + [0x00, 0xD8] + utf16(";5;10\n" + H.visit("P2", "week6", date: "16-02-2024") + "\n")
        let (study, sink) = try stage(visits: data)
        let error = try #require(sink.issues.first { $0.severity == .error })
        #expect(error.rule == "csv.invalid-utf16")
        #expect(error.location.file == "visits.csv" && error.location.line == 3)
        #expect(study.accounting[1].stoppedAtLine == 3)
        #expect(study.accounting[1].rowsRead == 2 && study.accounting[1].accepted == 1 && study.accounting[1].rejected == 1)
    }

    /// A file of one column is noted as such; here it lacks the visit columns, so its rows are
    /// rejected, every one accounted for.
    @Test func singleColumnFileIsNotedAndItsRowsAccounted() throws {
        let (study, sink) = try stage(visits: bytes("Castor Participant Id\nP1\nP2\n"))
        #expect(sink.issues.contains { $0.rule == "csv.single-column" && $0.severity == .note && $0.location.file == "visits.csv" })
        #expect(study.accounting[1].rowsRead == 2)
        #expect(study.accounting[1].accepted + study.accounting[1].rejected == 2)
    }

    @Test func emptyFileIsAnInputProblem() throws {
        let (study, sink) = try stage(visits: [])
        #expect(sink.summary(.error) == ["visits.csv:0:- csv.empty-file error"])
        #expect(study.inputProblems.map(\.message) == ["the file holds no records, not even a header; export it again, or leave it out of 'inputs'"])
        #expect(study.accounting[1].rowsRead == 0)
    }

    @Test func headerOnlyFileIsNotedAndHoldsNothing() throws {
        let (study, sink) = try stage(visits: bytes(H.visitsHeader + "\n"))
        #expect(sink.summary(.error) == [])
        #expect(sink.issues.contains { $0.rule == "csv.header-only" && $0.severity == .note && $0.location.file == "visits.csv" })
        #expect(study.accounting[1].rowsRead == 0)
        #expect(study.inputProblems.isEmpty)
    }

    @Test func duplicateHeaderIsAnInputProblem() throws {
        let (study, sink) = try stage(visits: bytes("Castor Participant Id;Visit;Date;NRS;NRS\nP1;T0;05-01-2024;5;6\n"))
        #expect(sink.summary(.error) == ["visits.csv:1:5 csv.duplicate-header-name error"])
        #expect(study.inputProblems.count == 1)
        #expect(study.accounting[1].rowsRead == 0)
    }

    @Test func missingKeyColumnRejectsEveryRowOfTheFile() throws {
        let (study, sink) = try stage(visits: bytes("Participant;Visit;Date\nP1;T0;05-01-2024\nP2;T0;05-01-2024\n"))
        #expect(sink.summary(.error) == ["visits.csv:1:- staging.header error"])
        #expect(study.inputProblems.map(\.message) == [
            "the header has no column for 'participant_id' (looked for 'Participant Id', 'Castor Participant Id'); "
                + "if the file names it otherwise, add that name under the input's 'fields'",
        ])
        #expect(study.accounting[1].rowsRead == 2)
        #expect(study.accounting[1].rejected == 2)
        #expect(sink.rejectedRows.map(\.reasons) == [[study.inputProblems[0].message], [study.inputProblems[0].message]])
    }

    /// Two header names that match one field (they differ in case or spaces only) are located at
    /// the second of them.
    @Test func twoColumnsMatchingOneFieldAreLocatedAtTheSecond() throws {
        let (study, sink) = try stage(visits: bytes("Castor Participant Id;Visit;Date;NRS;RMDQ; nrs\nP1;T0;05-01-2024;5;6;5\n"))
        #expect(sink.summary(.error) == ["visits.csv:1:6 staging.header error"])
        #expect(study.inputProblems.first?.message.hasPrefix("the header has two columns that match 'NRS' for 'pain_nrs' (columns 4 and 6)") == true)
        #expect(study.accounting[1].rowsRead == 1 && study.accounting[1].rejected == 1)
    }

    /// A header after a `sep=` line is line 2, and a `sep=` line naming a delimiter the header
    /// does not use is said to be the cause.
    @Test func aSeparatorLineThatDoesNotFitIsNamedAtTheHeadersLine() throws {
        let (study, sink) = try stage(visits: bytes("sep=,\n" + H.visitsHeader + "\nP1;T0;05-01-2024;5;6\n"))
        #expect(sink.summary(.error) == ["visits.csv:2:- staging.header error", "visits.csv:2:- staging.header error"])
        #expect(study.inputProblems.first?.message.hasSuffix("the file's first line 'sep=' declares ','; correct or remove "
            + "that line, or set 'delimiter' on the input") == true)
        #expect(study.accounting[1].rowsRead == 1 && study.accounting[1].rejected == 1)
    }

    @Test func absentOrdinaryColumnIsAWarningOnce() throws {
        let (study, sink) = try stage(visits: bytes("Castor Participant Id;Visit;Date;NRS\nP1;T0;05-01-2024;5\n"))
        #expect(sink.summary(.warning) == ["visits.csv:1:- staging.column-absent warning"])
        #expect(study.visits.first?.values[.rmdq] == nil)
    }

    @Test func blankLinesAreCountedAndNoted() throws {
        let text = H.visitsHeader + "\n\n" + H.visit("P1", "T0", date: "05-01-2024") + "\n;;;;\n\n"
        let (study, sink) = try stage(visits: bytes(text))
        #expect(study.accounting[1].blankLines == 3)
        #expect(study.accounting[1].rowsRead == 1)
        #expect(sink.issues.contains { $0.rule == "csv.blank-lines" && $0.message == "3 blank lines were skipped (lines 2, 4, 5)" })
        // Located at the first of them.
        #expect(sink.issues.first { $0.rule == "csv.blank-lines" }?.location.line == 2)
    }

    @Test func manyBlankLinesNameTheFirstFew() throws {
        let text = H.visitsHeader + "\n" + H.visit("P1", "T0", date: "05-01-2024") + String(repeating: "\n", count: 8)
            + H.visit("P1", "week6", date: "16-02-2024") + "\n\n"
        let (study, sink) = try stage(visits: bytes(text))
        #expect(study.accounting[1].blankLines == 8)
        #expect(sink.issues.contains {
            $0.rule == "csv.blank-lines" && $0.message == "8 blank lines were skipped (the first at lines 3, 4, 5, 6, 7)"
                && $0.location.line == 3
        })
    }

    @Test func unreadableFileIsAnInputProblem() throws {
        let harness = try H(yaml: H.castorPipeline, files: ["participants.csv": H.lines([H.participantsHeader])])
        let sink = CollectingSink()
        let files = [InputFile(inputIndex: 0, path: "/nonexistent/participants.csv", displayName: "participants.csv")]
        let study = try Staging.stage(files, spec: harness.spec, sink: sink)
        #expect(study.inputProblems.count == 1)
        #expect(study.accounting[0].rowsRead == 0)
        #expect(sink.issues.first?.location.file == "participants.csv")
    }
}
