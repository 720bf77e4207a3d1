import Foundation
import PipelineSpec
@testable import Staging
import StudyModel
import Testing
import TestSupport

/// Staging reads common ASCII cells straight from their bytes; the string functions of
/// `Normalise` are the reference: wherever the byte reader gives a value it must be theirs, bit for
/// bit, and it must give one for the common forms.
@Suite struct ByteReadingTests {
    /// Random ASCII text from an alphabet that makes numbers, dates and near misses likely.
    static func randomText(_ generator: inout SeededGenerator, alphabet: [UInt8], maxLength: Int) -> [UInt8] {
        let length = Int(generator.next() % UInt64(maxLength + 1))
        return (0..<length).map { _ in alphabet[Int(generator.next() % UInt64(alphabet.count))] }
    }

    static func withBytes<R>(_ bytes: [UInt8], _ body: (UnsafeRawBufferPointer) -> R) -> R {
        bytes.withUnsafeBytes(body)
    }

    @Test(arguments: [DecimalMark?.none, .comma, .point])
    func numbersFromBytesAreTheStringFunctionsNumbers(mark: DecimalMark?) {
        var generator = SeededGenerator(seed: 31)
        let alphabet = Array("0123456789,.-+ 0123456789".utf8)
        var read = 0
        for _ in 0..<60_000 {
            let bytes = Self.randomText(&generator, alphabet: alphabet, maxLength: 9)
            let text = String(decoding: bytes, as: UTF8.self)
            guard let fast = Self.withBytes(bytes, { Normalise.number(ascii: $0, decimalMark: mark) }) else { continue }
            read += 1
            let reference = try? Normalise.number(text, decimalMark: mark).get()
            #expect(reference?.bitPattern == fast.bitPattern, "'\(text)': \(fast) ≠ \(String(describing: reference))")
        }
        #expect(read > 5_000)
        for (text, value) in [("12", 12.0), ("-3", -3), ("+7", 7), ("0", 0), ("007", 7), ("32,6", 32.6), ("0.5", 0.5),
                              ("123456789012345", 123_456_789_012_345), ("1,5", 1.5)] {
            let expected = mark == .point && text.contains(",") || mark == .comma && text.contains(".") ? nil : value
            #expect(Self.withBytes(Array(text.utf8)) { Normalise.number(ascii: $0, decimalMark: mark) } == expected, "'\(text)'")
        }
        // Negative zero keeps its sign, as the string function's does.
        #expect(Self.withBytes(Array("-0".utf8)) { Normalise.number(ascii: $0, decimalMark: mark) }?.sign == .minus)
    }

    @Test(arguments: DateFormat.allCases)
    func datesFromBytesAreTheStringFunctionsDates(format: DateFormat) {
        var generator = SeededGenerator(seed: 37)
        let alphabet = Array("0123456789-/0123456789-.".utf8)
        var read = 0
        for _ in 0..<60_000 {
            var bytes = Self.randomText(&generator, alphabet: alphabet, maxLength: 11)
            if generator.next() % 2 == 0 {
                // A well-formed date of the format half of the time, sometimes impossible.
                let day = 1 + Int(generator.next() % 31)
                let month = 1 + Int(generator.next() % 12)
                let year = 1890 + Int(generator.next() % 1200)
                let text = switch format {
                case .dayMonthYearDash: Self.pad(day) + "-" + Self.pad(month) + "-" + String(year)
                case .dayMonthYearShort: String(day) + "-" + String(month) + "-" + String(year)
                case .iso: String(year) + "-" + Self.pad(month) + "-" + Self.pad(day)
                case .dayMonthYearSlash: Self.pad(day) + "/" + Self.pad(month) + "/" + String(year)
                case .excelSerial: String(Int(generator.next() % 80_000))
                }
                bytes = Array(text.utf8)
            }
            let text = String(decoding: bytes, as: UTF8.self)
            guard let (fast, year) = Self.withBytes(bytes, { Normalise.date(ascii: $0, format: format, decimalMark: nil) }) else {
                continue
            }
            read += 1
            #expect((try? Normalise.date(text, format: format).get()) == fast, "'\(text)'")
            #expect(fast.year == year)
            #expect(Normalise.castorMissingDate(year: year) == Normalise.castorMissingDate(fast))
        }
        #expect(read > 10_000)
    }

    static func pad(_ number: Int) -> String {
        number < 10 ? "0" + String(number) : String(number)
    }

    @Test func latinTextIsTrimmedAndComposedAsFoundationDoes() {
        var generator = SeededGenerator(seed: 59)
        let alphabet: [Unicode.Scalar] = ["a", "e", "\u{00EB}", "\u{00E9}", "\u{00FC}", "\u{0133}", " ", "\t", "\u{00A0}",
                                          "\u{0085}", "\n", "\u{0301}", "\u{0308}", "\u{2002}", "\u{3000}", "x", "\u{01C4}"]
        var latin = 0
        for _ in 0..<20_000 {
            let length = Int(generator.next() % 8)
            let scalars = (0..<length).map { _ in alphabet[Int(generator.next() % UInt64(alphabet.count))] }
            let text = String(String.UnicodeScalarView(scalars))
            let reference = text.trimmingCharacters(in: .whitespacesAndNewlines).precomposedStringWithCanonicalMapping
            #expect(Normalise.text(text) == reference, "'\(text.unicodeScalars.map { String($0.value, radix: 16) })'")
            #expect(Array(Normalise.text(text).utf8) == Array(reference.utf8))
            if Normalise.latinText(text) != nil { latin += 1 }
        }
        #expect(latin > 2_000)
    }

    @Test func castorMissingCodesFromBytesAreTheStringFunctionsCodes() {
        let castor = MissingCodes(castor: true)
        var texts = ["-95", "-96", "-97", "-98", "-99", "-94", "-9", "-990", "95", "-+9", "-9x",
                     "##USER_MISSING_95##", "##USER_MISSING_99##", "##USER_MISSING_90##", "##USER_MISSING_9##",
                     "##USER_MISSING_+9##", "##user_missing_95##", "##USER_MISSING_95#"]
        var generator = SeededGenerator(seed: 41)
        let alphabet = Array("-9#5U0".utf8)
        for _ in 0..<5_000 {
            texts.append(String(decoding: Self.randomText(&generator, alphabet: alphabet, maxLength: 4), as: UTF8.self))
        }
        for text in texts where !text.isEmpty {
            let fast = Self.withBytes(Array(text.utf8)) { Normalise.castorMissingReason(ascii: $0) }
            #expect(fast == Normalise.missingReason(text, codes: castor), "'\(text)'")
        }
    }

    @Test func vocabularyLookupsByBytesFindTheDictionarysEntry() {
        var generator = SeededGenerator(seed: 43)
        for vocabulary in [Vocabularies.defaultBooleans.mapValues { $0 ? "1" : "0" }, Vocabularies.defaultSex,
                           ["motorische controle": "motor_control", "graded activity": "graded_activity", "é": "e"]] {
            let (keys, values) = ByteVocabulary.entries(vocabulary)
            let bytes = ByteVocabulary(keys: keys)
            #expect(bytes.hasNonASCIIKeys == keys.contains { $0.utf8.contains { $0 >= 0x80 } })
            var texts = keys.flatMap { [$0, $0.uppercased(), $0.prefix(1).uppercased() + $0.dropFirst(), " " + $0 + " "] }
            let alphabet = Array("janeyvmfwoudrtsJNY012".utf8)
            for _ in 0..<3_000 {
                texts.append(String(decoding: Self.randomText(&generator, alphabet: alphabet, maxLength: 6), as: UTF8.self))
            }
            var found = 0
            for text in texts where text.utf8.allSatisfy({ $0 < 0x80 }) {
                let trimmed = Normalise.text(text)
                let reference = vocabulary[Vocabularies.key(trimmed)]
                let index = Self.withBytes(Array(trimmed.utf8)) { bytes.index(of: $0) }
                #expect(index.map { values[$0] } == reference, "'\(text)'")
                if index != nil { found += 1 }
            }
            #expect(found >= keys.filter { $0.utf8.allSatisfy { $0 < 0x80 } }.count * 3)
        }
        // Declared missing codes match exactly, letter case included.
        let declared = ByteVocabulary(keys: ["UNK", "nd"], foldsCase: false)
        #expect(Self.withBytes(Array("UNK".utf8)) { declared.index(of: $0) } == 0)
        #expect(Self.withBytes(Array("unk".utf8)) { declared.index(of: $0) } == nil)
    }

    @Test func idIndexFindsWhatADictionaryFinds() {
        var generator = SeededGenerator(seed: 47)
        var index = IDIndex()
        var reference: [String: Int] = [:]
        let alphabet = Array("GRO-0123456789UTRé".unicodeScalars)
        for _ in 0..<20_000 {
            let length = Int(generator.next() % 20)
            let id = String(String.UnicodeScalarView((0..<length).map { _ in alphabet[Int(generator.next() % UInt64(alphabet.count))] }))
            if let slot = reference[id] {
                #expect(index.slot(of: id) == slot)
                let again = index.slotInserting(id)
                #expect(again.slot == slot && !again.isNew)
            } else {
                #expect(index.slot(of: id) == nil)
                let inserted = index.slotInserting(id)
                reference[id] = inserted.slot
                #expect(inserted.isNew && inserted.slot == reference.count - 1)
            }
        }
        for (id, slot) in reference {
            #expect(index.slot(of: id) == slot)
            #expect(index.keys[slot] == id)
        }
        #expect(index.count == reference.count)
    }

    @Test func derivationInputsKeepTheirFieldsAndOrder() {
        for derivation in Derivation.allCases {
            for field in Field.allCases where derivation.applies(to: field) {
                let inputs = derivation.inputs(for: field)
                let packed = DerivationInputFields(inputs)
                #expect(packed.count == inputs.count)
                #expect((0..<packed.count).map { packed[$0] } == inputs)
            }
        }
    }

    @Test func arrangingMovesEachKeptElementToItsPlaceAndDropsTheRest() {
        var generator = SeededGenerator(seed: 53)
        for size in [0, 1, 2, 5, 100, 1_000] {
            let elements = (0..<size).map { "element \($0)" }
            var order = Array(elements.indices).shuffled(using: &generator)
            order.removeLast(size / 3)
            var arranged = elements
            StagingState.arrange(&arranged, as: order)
            #expect(arranged == order.map { elements[$0] })
        }
    }
}

/// The byte path and the string path must stage the same cells alike. A cell wrapped in no-break
/// spaces is not ASCII, so it always takes the string path (which trims them); the same cell
/// without them takes the byte path when it can.
@Suite struct BytePathAgreesWithStringPathTests {
    static let participantCells: [String: [String]] = [
        "Group": ["1", "s", "S", "2", "m", "3", "-97", ""],
        "Sex": ["V", "v", "M", "man", "Male", "2", "x", "", "-99"],
        "Birth year": ["1970", "1970,0", "1970,5", "-95", "##USER_MISSING_96##", "UNK", "", "19 70", "+1970"],
        "Age": ["54", "54,5", "54.5", "1,234", "1.234,5", "-97", "UNK", "abc", "", "0054"],
        "Screening": ["02-01-2024", "2-1-2024", "31-02-2024", "02-01-2997", "", "-98", "02/01/2024", "02-01-2024 10:12:33",
                      "02-01-2997 00:00", "02-01-2024 25:00"],
        "Onset": ["01-11-2023", "01-11-2999", "03-01-2024", ""],
        "flags#night": ["0", "1", "ja", "Nee", "j", "2", "", "-96", "waar"],
        "Site": ["AMS", "ams", "Utrecht centrum", "", "-97"],
    ]

    @Test func everyCellStagesAlikeWithAndWithoutNoBreakSpaces() throws {
        var rows: [String] = []
        var pairs: [(plain: String, wrapped: String)] = []
        var number = 0
        for (column, cells) in Self.participantCells.sorted(by: { $0.key < $1.key }) {
            for cell in cells {
                number += 1
                let plain = "A\(number)"
                let wrapped = "B\(number)"
                rows.append(StagingHarness.participant(plain, [column: cell]))
                rows.append(StagingHarness.participant(wrapped, [column: cell.isEmpty ? cell : "\u{00A0}" + cell + "\u{00A0}"]))
                pairs.append((plain, wrapped))
            }
        }
        let harness = try StagingHarness(yaml: StagingHarness.castorPipeline, files: [
            "participants.csv": StagingHarness.lines([StagingHarness.participantsHeader] + rows),
        ])
        let (study, sink) = try harness.run()
        let byID = Dictionary(uniqueKeysWithValues: study.participants.map { ($0.id, $0) })
        for (plain, wrapped) in pairs {
            let plainRecord = byID[plain]
            let wrappedRecord = byID[wrapped]
            #expect((plainRecord == nil) == (wrappedRecord == nil), "\(plain) and \(wrapped) are not both kept or both rejected")
            if let plainRecord, let wrappedRecord {
                for field in Field.fields(at: .participant) where field != .participantID {
                    #expect(plainRecord.values[field] == wrappedRecord.values[field], "\(plain) \(field)")
                }
                #expect(plainRecord.arm == wrappedRecord.arm)
                #expect(plainRecord.site == wrappedRecord.site)
            }
            let plainIssues = sink.issues.filter { $0.participant == plain }.map { "\($0.rule) \($0.severity) \($0.field ?? "")" }
            let wrappedIssues = sink.issues.filter { $0.participant == wrapped }.map { "\($0.rule) \($0.severity) \($0.field ?? "")" }
            #expect(plainIssues == wrappedIssues, "\(plain)")
        }
        // The byte path did its part: most plain rows are kept.
        #expect(study.participants.count > pairs.count)
    }

    @Test func visitCellsStageAliveWithAndWithoutNoBreakSpaces() throws {
        let cells = ["5", "6,5", "6.5", "11", "-99", "##USER_MISSING_95##", "UNK", "", "x", "1,234"]
        var participants: [String] = []
        var visits: [String] = []
        for (number, cell) in cells.enumerated() {
            for (prefix, wrap) in [("A", false), ("B", true)] {
                let id = "\(prefix)\(number)"
                participants.append(StagingHarness.participant(id))
                let shown = wrap && !cell.isEmpty ? "\u{00A0}" + cell + "\u{00A0}" : cell
                let visit = wrap ? "\u{00A0}T0" : "t0"
                visits.append(StagingHarness.visit(id, visit, date: wrap ? "\u{00A0}05-01-2024" : "05-01-2024", nrs: shown, rmdq: shown))
            }
        }
        let harness = try StagingHarness(yaml: StagingHarness.castorPipeline, files: [
            "participants.csv": StagingHarness.lines([StagingHarness.participantsHeader] + participants),
            "visits.csv": StagingHarness.lines([StagingHarness.visitsHeader] + visits),
        ])
        let (study, sink) = try harness.run()
        let byID = Dictionary(grouping: study.visits, by: \.participantID)
        for number in cells.indices {
            let plain = byID["A\(number)"] ?? []
            let wrapped = byID["B\(number)"] ?? []
            #expect(plain.map(\.values) == wrapped.map(\.values), "cell '\(cells[number])'")
            #expect(plain.map(\.timepoint) == wrapped.map(\.timepoint))
            let plainIssues = sink.issues.filter { $0.participant == "A\(number)" }.map { "\($0.rule) \($0.field ?? "")" }
            let wrappedIssues = sink.issues.filter { $0.participant == "B\(number)" }.map { "\($0.rule) \($0.field ?? "")" }
            #expect(plainIssues == wrappedIssues, "cell '\(cells[number])'")
        }
        #expect(study.visits.count >= 8)
    }
}

/// Records are read on a thread of their own, a batch at a time: order, counts and a stop in the
/// middle of a batch must be exactly as when read in line.
@Suite struct RecordPipeTests {
    @Test(arguments: [1, RecordPipe.batchSize - 1, RecordPipe.batchSize, RecordPipe.batchSize * RecordPipe.batchCount * 3 + 7])
    func manyRowsComeInOrderAndAReadingStopEndsTheFile(rows: Int) throws {
        var lines = [StagingHarness.participantsHeader]
        for number in 0..<rows {
            // Every 97th row breaks a range, so that rejections are spread over the batches.
            lines.append(StagingHarness.participant("P\(number)", number % 97 == 5 ? ["Age": "300"] : [:]))
        }
        // A quote left open at the end stops the reader inside the last record.
        let text = StagingHarness.lines(lines) + "P-last;AMS;1;V;1970;\"54\n"
        let harness = try StagingHarness(yaml: StagingHarness.castorPipeline, files: ["participants.csv": text])
        let (study, sink) = try harness.run()
        let broken = (0..<rows).filter { $0 % 97 == 5 }
        #expect(study.accounting[0].rowsRead == rows + 1)
        #expect(study.accounting[0].rejected == broken.count + 1)
        #expect(study.accounting[0].stoppedAtLine == rows + 2)
        #expect(study.participants.count == rows - broken.count)
        #expect(sink.rejectedRows.map(\.line) == broken.map { $0 + 2 } + [rows + 2])
        #expect(sink.issues.contains { $0.rule == "csv.unterminated-quote" })
    }
}
