import StudyModel
import Testing
import TestSupport

@Suite struct FieldOrdinalTests {
    @Test func ordinalIsTheDeclarationIndex() {
        for (index, field) in Field.allCases.enumerated() {
            #expect(field.ordinal == index, "\(field)")
            #expect(Field(ordinal: index) == field)
        }
        #expect(Field.count == Field.allCases.count)
        #expect(Field(ordinal: -1) == nil)
        #expect(Field(ordinal: Field.count) == nil)
    }

    @Test func participantFieldsComeFirstAndIndexWithinTheirLevel() {
        let participantFields = Field.allCases.filter { $0.level == .participant }
        let visitFields = Field.allCases.filter { $0.level == .visit }
        #expect(Field.allCases == participantFields + visitFields)
        #expect(Field.firstVisitOrdinal == participantFields.count)
        for level in [FieldLevel.participant, .visit] {
            let fields = Field.fields(at: level)
            #expect(Field.count(at: level) == fields.count)
            for (index, field) in fields.enumerated() {
                #expect(field.indexInLevel == index, "\(field)")
                #expect(Field.field(at: index, in: level) == field)
            }
            #expect(Field.field(at: fields.count, in: level) == nil)
            #expect(Field.field(at: -1, in: level) == nil)
        }
    }

    @Test func hashingAndOrderFollowTheOrdinal() {
        #expect(Set(Field.allCases).count == Field.count)
        let dictionary = Dictionary(uniqueKeysWithValues: Field.allCases.map { ($0, $0.name) })
        for field in Field.allCases {
            #expect(dictionary[field] == field.name)
            #expect(Field(name: field.name) == field)
        }
        var generator = SeededGenerator(seed: 7)
        #expect(Field.allCases.shuffled(using: &generator).sorted() == Field.allCases)
    }
}

/// FieldValues and FieldValuesBuilder keep values compactly (a tag and a payload word per field,
/// short text inline); these tests hold both to a plain dictionary of `Value`s.
@Suite struct FieldValuesTests {
    /// Values of every kind, with the edges of the compact storage: text of 0, 8 and 9 UTF-8
    /// bytes, non-ASCII text, negative zero, a declared missing reason, dates before 1970.
    static let samples: [Value] = [
        .number(0), .number(-0.0), .number(6.5), .number(-1e300), .number(1e15), .number(.infinity),
        .boolean(true), .boolean(false),
        .date(CalendarDate(daysSinceEpoch: 0)), .date(CalendarDate(daysSinceEpoch: -400_000)),
        .date(CalendarDate(daysSinceEpoch: 2_000_000)),
        .text(""), .text("M"), .text("baseline"), .text("GRO-00002"), .text("motor_control"),
        .text("Z\u{00FC}rich"), .text("e\u{0301}"), .text("\u{00E9}"), .text(String(repeating: "x", count: 40)),
        .missing(.empty), .missing(.notDone), .missing(.measurementFailed), .missing(.askedButUnknown),
        .missing(.declared(code: "UNK", label: "unknown")), .missing(.declared(code: "invalid", label: "emptied by rule 'x'")),
    ]

    @Test(arguments: [FieldLevel.participant, .visit])
    func randomWritesReadBackAsADictionaryWould(level: FieldLevel) {
        var generator = SeededGenerator(seed: level == .participant ? 11 : 12)
        let fields = Field.fields(at: level)
        var values = FieldValues(level: level)
        let builder = FieldValuesBuilder(level: level)
        var reference: [Field: Value] = [:]
        for step in 0..<3000 {
            let field = fields[Int(generator.next() % UInt64(fields.count))]
            let value: Value? = generator.next() % 6 == 0 ? nil : Self.samples[Int(generator.next() % UInt64(Self.samples.count))]
            values[field] = value
            builder[field] = value
            reference[field] = value
            if step % 100 == 99 {
                Self.check(values, builder, against: reference, level: level)
            }
            if step % 1000 == 999 {
                values.removeAll()
                builder.removeAll()
                reference = [:]
                Self.check(values, builder, against: reference, level: level)
            }
        }
        Self.check(values, builder, against: reference, level: level)
    }

    static func check(_ values: FieldValues, _ builder: FieldValuesBuilder, against reference: [Field: Value], level: FieldLevel) {
        for field in Field.allCases {
            let expected = field.level == level ? reference[field] : nil
            #expect(Self.same(values[field], expected), "\(field): \(String(describing: values[field])) ≠ \(String(describing: expected))")
            #expect(Self.same(builder[field], expected))
            #expect(values.number(field) == expected?.number)
            #expect(values.date(field) == expected?.date)
            #expect(values.boolean(field) == expected?.boolean)
            #expect(values.contains(field) == (expected != nil))
            #expect(values.isMissing(field) == (expected?.isMissing == true))
            #expect(builder.number(field) == expected?.number)
            #expect(builder.date(field) == expected?.date)
            #expect(builder.boolean(field) == expected?.boolean)
            #expect(builder.contains(field) == (expected != nil))
            #expect(builder.isMissing(field) == (expected?.isMissing == true))
        }
        let present = Field.fields(at: level).filter { reference[$0] != nil }
        #expect(values.presentFields == present)
        var walked: [Field] = []
        var next = builder.presentField(after: nil)
        while let field = next {
            walked.append(field)
            next = builder.presentField(after: field)
        }
        #expect(walked == present)
        #expect(builder.values == values)
        #expect(builder.values.hashValue == values.hashValue)
    }

    /// Equal as `Value`s (the samples hold no NaN, which equals nothing).
    static func same(_ left: Value?, _ right: Value?) -> Bool {
        left == right
    }

    @Test func equalityIsByValueWhateverTheOrderOfWrites() {
        var first = FieldValues(level: .participant)
        first[.participantID] = .text("GRO-00002")
        first[.arm] = .text("motor_control")
        first[.age] = .number(54)
        var second = FieldValues(level: .participant)
        second[.age] = .number(54)
        second[.status] = .text("a long status text kept out of line")
        second[.arm] = .text("motor_control")
        second[.participantID] = .text("GRO-00002")
        second[.status] = nil
        #expect(first == second)
        #expect(first.hashValue == second.hashValue)
        second[.age] = .number(55)
        #expect(first != second)
        // Text compares as Swift strings do: canonically equivalent spellings are equal.
        var composed = FieldValues(level: .visit)
        composed[.remark] = .text("\u{00E9}")
        var decomposed = FieldValues(level: .visit)
        decomposed[.remark] = .text("e\u{0301}")
        #expect(composed == decomposed)
        #expect(composed.hashValue == decomposed.hashValue)
        // Negative zero equals zero, as the numbers do.
        var zero = FieldValues(level: .visit)
        zero[.painNRS] = .number(0)
        var negativeZero = FieldValues(level: .visit)
        negativeZero[.painNRS] = .number(-0.0)
        #expect(zero == negativeZero)
    }

    @Test func fieldsOfTheOtherLevelAreNeverKept() {
        var values = FieldValues(level: .visit)
        values[.age] = .number(40)
        #expect(values[.age] == nil)
        #expect(!values.contains(.age))
        #expect(values.presentFields.isEmpty)
        let builder = FieldValuesBuilder(level: .participant)
        builder.setNumber(5, for: .painNRS)
        #expect(builder[.painNRS] == nil)
    }

    @Test func buildersSetTypedValuesAndStoredValuesAsTheSubscriptWould() {
        let builder = FieldValuesBuilder(level: .participant)
        builder.setNumber(6.5, for: .age)
        builder.setBoolean(true, for: .rfNightPain)
        builder.setDate(CalendarDate(daysSinceEpoch: 19_000), for: .screeningDate)
        builder.setEmpty(.heightCM)
        builder.setText("GRO", for: .site)
        builder.setText("a site name longer than eight bytes", for: .status)
        "GRO-00002".utf8CString.withUnsafeBytes { bytes in
            builder.setText(utf8: UnsafeRawBufferPointer(rebasing: bytes[0..<9]), for: .participantID)
        }
        "M".utf8CString.withUnsafeBytes { bytes in
            builder.setText(utf8: UnsafeRawBufferPointer(rebasing: bytes[0..<1]), for: .sex)
        }
        #expect(builder[.age] == .number(6.5))
        #expect(builder[.rfNightPain] == .boolean(true))
        #expect(builder[.screeningDate] == .date(CalendarDate(daysSinceEpoch: 19_000)))
        #expect(builder[.heightCM] == .missing(.empty))
        #expect(builder[.site] == .text("GRO"))
        #expect(builder[.status] == .text("a site name longer than eight bytes"))
        #expect(builder[.participantID] == .text("GRO-00002"))
        #expect(builder[.sex] == .text("M"))
        // A stored value moves between builders of the same level; text kept out of line does not.
        let other = FieldValuesBuilder(level: .participant)
        for field in [Field.age, .rfNightPain, .screeningDate, .heightCM, .site, .sex] {
            let stored = builder.stored(field)
            #expect(stored != nil, "\(field)")
            if let stored { other.setStored(stored, for: field) }
            #expect(other[field] == builder[field])
        }
        #expect(builder.stored(.status) == nil)
        #expect(builder.stored(.participantID) == nil)
        #expect(builder.stored(.weightKG) == nil)
        // The same stored value is recognised across a builder and a record.
        let record = builder.values
        #expect(builder.storesSameValue(.age, as: record))
        #expect(!builder.storesSameValue(.status, as: record))
        builder.setNumber(7, for: .age)
        #expect(!builder.storesSameValue(.age, as: record))
        // A record copied out is its own: later writes to the builder leave it alone.
        #expect(record[.age] == .number(6.5))
        builder.removeAll()
        #expect(builder.values.presentFields.isEmpty)
        #expect(record.presentFields.count == 8)
    }
}
