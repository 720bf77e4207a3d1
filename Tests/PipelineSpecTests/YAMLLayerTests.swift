import PipelineSpec
import StudyModel
import Testing

/// The located YAML layer: typed accessors, unknown keys, and the place of every problem.
@Suite struct YAMLLayerTests {
    private func read(_ text: String) -> (YAMLReader, YAMLValue?) {
        let reader = YAMLReader(file: "p.yml")
        return (reader, reader.parse(text))
    }

    private func places(_ reader: YAMLReader) -> [String] {
        reader.diagnostics.map { "\($0.location.line):\($0.location.column ?? 0)" }
    }

    @Test func typedAccessorsReadScalars() throws {
        let (reader, root) = read("""
            name: Trial
            count: 12
            ratio: 0.5
            flag: TRUE
            names: [a, b]
            one: c
            """)
        let mapping = try #require(root?.mapping())
        #expect(mapping.string("name") == "Trial")
        #expect(mapping.int("count") == 12)
        #expect(mapping.double("ratio") == 0.5)
        #expect(mapping.bool("flag") == true)
        #expect(mapping.strings("names") == ["a", "b"])
        #expect(mapping.strings("one") == ["c"])
        mapping.rejectUnknownKeys()
        #expect(reader.diagnostics.isEmpty)
        #expect(throws: Never.self) { try reader.finish() }
    }

    @Test func unknownKeysAreRejectedAtTheirOwnPlace() throws {
        let (reader, root) = read("""
            name: Trial
            nmae: typo
            inner:
              known: 1
              other: 2
            """)
        let mapping = try #require(root?.mapping())
        _ = mapping.string("name")
        let inner = try #require(mapping.mapping("inner"))
        _ = inner.int("known")
        inner.rejectUnknownKeys()
        mapping.rejectUnknownKeys()
        #expect(places(reader) == ["5:3", "2:1"])
        #expect(reader.diagnostics[0].message == "unknown key 'other' in 'inner' (expected one of 'known')")
        #expect(reader.diagnostics.allSatisfy { $0.rule == "spec.unknown-key" })
        #expect(throws: SpecError.self) { try reader.finish() }
    }

    @Test(arguments: [
        ("n: twelve", "'n' must be a whole number, found 'twelve'"),
        ("n: 1.5", "'n' must be a whole number, found '1.5'"),
        ("n: [1]", "'n' must be a whole number, found a list"),
        ("n:  ~", "'n' must be a whole number, found nothing"),
    ])
    func intRejectsOtherShapes(text: String, message: String) throws {
        let (reader, root) = read(text)
        let value = try #require(root?.mapping()?.entries().first?.value)
        #expect(value.int() == nil)
        #expect(reader.diagnostics.map(\.message) == [message])
        #expect(places(reader) == [text.hasSuffix("~") ? "1:5" : "1:4"])
    }

    @Test func boolAcceptsOnlyTrueAndFalse() throws {
        let (reader, root) = read("a: yes\nb: false\n")
        let mapping = try #require(root?.mapping())
        #expect(mapping.bool("a") == nil)
        #expect(mapping.bool("b") == false)
        #expect(places(reader) == ["1:4"])
        #expect(reader.diagnostics.first?.message == "'a' must be true or false, found 'yes'")
    }

    @Test func doubleRejectsDecimalCommaAndInfinity() throws {
        let (reader, root) = read("a: '1,5'\nb: .inf\nc: -2.5e1\n")
        let mapping = try #require(root?.mapping())
        #expect(mapping.double("a") == nil)
        #expect(mapping.double("b") == nil)
        #expect(mapping.double("c") == -25)
        #expect(places(reader) == ["1:4", "2:4"])
    }

    @Test func listIndexesAppearInPaths() throws {
        let (reader, root) = read("items:\n  - a: 1\n  - a: x\n")
        let items = try #require(root?.mapping()?.list("items"))
        #expect(items.map(\.path) == ["items[0]", "items[1]"])
        #expect(items[1].mapping()?.int("a") == nil)
        #expect(reader.diagnostics.map(\.message) == ["'items[1].a' must be a whole number, found 'x'"])
        #expect(places(reader) == ["3:8"])
    }

    @Test func requiredKeyMissingIsReportedAtTheMapping() throws {
        let (reader, root) = read("outer:\n  x: 1\n")
        let outer = try #require(root?.mapping()?.mapping("outer"))
        #expect(outer.required("path") == nil)
        #expect(reader.diagnostics.map(\.message) == ["'outer' needs the key 'path'"])
        #expect(places(reader) == ["2:3"])
    }

    @Test func requiredKeyWithNullValueIsReportedAtTheKey() throws {
        let (reader, root) = read("x: 1\npath:\n")
        let mapping = try #require(root?.mapping())
        #expect(mapping.required("path") == nil)
        #expect(reader.diagnostics.map(\.message) == ["'path' in the top level needs a value"])
        #expect(places(reader) == ["2:1"])
    }

    @Test func emptyListOfNamesIsRejected() throws {
        let (reader, root) = read("names: []\n")
        #expect(root?.mapping()?.strings("names") == nil)
        #expect(places(reader) == ["1:8"])
    }

    /// At each repeat of the key (the first place is named in the message), in a nested block
    /// mapping too, and not at a deeper key of the same name.
    @Test func duplicateKeysAreLocated() {
        let (reader, root) = read("a: 1\nb: 2\na: 3\n")
        #expect(root == nil)
        #expect(reader.diagnostics.first?.rule == "yaml.duplicate-key")
        #expect(places(reader) == ["3:1"])
        let (nested, _) = read("top:\n  x: 1\n  inner:\n    x: 0\n  x: 2\n  \"x\": 3\n")
        #expect(places(nested) == ["5:3", "6:3"])
        #expect(nested.diagnostics.first?.message.contains("(first at line 2)") == true)
        let (crlf, _) = read("a: 1\r\nb: 2\r\na: 3\r\n")
        #expect(places(crlf) == ["3:1"])
        // Two keys repeated: Yams names the first of them alphabetically, not the mapping's start.
        let (two, _) = read("v:\n  b: 7\n  a: 0\n  b: 8\n  a: 1\n")
        #expect(places(two).sorted() == ["4:3", "5:3"])
        #expect(Set(two.diagnostics.map(\.message)) == [
            "the key 'b' appears more than once in its mapping (first at line 2); keep one",
            "the key 'a' appears more than once in its mapping (first at line 3); keep one",
        ])
        // In the second item of a list, not counting the first item's keys; CR and LS line ends.
        let (items, _) = read("l:\n  - x: 1\n    y: 2\n  - y: 3\n    x: 3\n    x: 4\n")
        #expect(places(items) == ["6:5"])
        let (wide, _) = read("l:\n  -   y: 1\n      x: 2\n      y: 3\n      x: 4\n")
        #expect(places(wide).sorted() == ["4:7", "5:7"])
        let (cr, _) = read("a: 1\rb: 2\ra: 3\r")
        #expect(places(cr) == ["3:1"])
        let (separator, _) = read("a: 1\u{2028}b: 2\u{2028}a: 3\n")
        #expect(places(separator) == ["3:1"])
        // A key of the next document is no repeat.
        let (documents, _) = read("a: 1\nb: 2\na: 3\n---\na: 4\n")
        #expect(places(documents).first == "3:1")
        #expect(!places(documents).contains("5:1"))
    }

    /// A written tag is refused where it is written, on a key, a value, a list or a mapping: it
    /// would otherwise be dropped, and a tagged key would hide a duplicate. `!!str` reads as
    /// written, and untagged values (`NO`, `010`, quoted or not) are text without a tag.
    @Test func writtenTagsAreRefused() throws {
        let (reader, root) = read("max_errors: 0\n!x max_errors: 100\noutput: !ENV OUT\nn: !!int 5\nl: !!seq [a]\nm: !x {a: 1}\n")
        #expect(root != nil)
        #expect(places(reader) == ["2:1", "3:9", "4:4", "5:4", "6:4"])
        #expect(reader.diagnostics.allSatisfy { $0.rule == "yaml.tag" })
        #expect(reader.diagnostics.map(\.message)[1] == "the tag '!ENV' has no meaning in lbp's files; remove it (quote a value to keep it as text)")
        #expect(reader.diagnostics.map(\.message)[2].hasPrefix("the tag '!!int' "))
        let (plain, plainRoot) = read("a: !!str 010\nb: NO\nc: '010'\nd: |\n  text\ne: [x, {y: 1}]\nf: !!str null\ng: null\n")
        #expect(plain.diagnostics.isEmpty)
        // `!!str null` is the text it says; a plain null is nothing.
        let mapping = try #require(plainRoot?.mapping())
        #expect(mapping["f"]?.string() == "null")
        #expect(mapping["g"] == nil)
    }

    /// Every plain value is text, so a key written `true` and one written "true" are one key.
    @Test func keysAreComparedAsText() {
        let (reader, root) = read("booleans: {true: [wel], \"true\": [jawel]}\n")
        #expect(root == nil)
        #expect(reader.diagnostics.map(\.rule) == ["yaml.duplicate-key"])
    }

    @Test func syntaxErrorsAreLocated() {
        let (reader, root) = read("a: [1, 2\nb: 3\n")
        #expect(root == nil)
        #expect(reader.diagnostics.first?.rule == "yaml.syntax")
        #expect((reader.diagnostics.first?.location.line ?? 0) > 0)
        // A quote left open is found at the end of the file: the message names where it opened.
        let (unclosed, _) = read("a: 1\nb: \"open\nc: 3\n")
        #expect(unclosed.diagnostics.first?.message.hasSuffix("(while scanning a quoted scalar at line 2, column 4)") == true,
                "\(unclosed.diagnostics)")
    }

    /// An unknown key with a character no one sees says so, or it would look like the key expected.
    @Test func anUnknownKeyShowsItsUnseenCharacters() throws {
        let (reader, root) = read("max_errors\u{200B}: 5\n")
        let mapping = try #require(root?.mapping())
        _ = mapping["max_errors"]
        mapping.rejectUnknownKeys()
        #expect(reader.diagnostics.map(\.message) == ["unknown key 'max_errors\\u{200B}' in the top level (expected one of 'max_errors')"])
    }

    @Test func emptyDocumentIsAProblem() {
        let (reader, root) = read("# only a comment\n")
        #expect(root == nil)
        #expect(reader.diagnostics.map(\.rule) == ["yaml.empty"])
    }

    @Test func choiceListsTheAlternatives() throws {
        enum Colour: String, CaseIterable { case red, green }
        let (reader, root) = read("c: blue\nd: red\n")
        let mapping = try #require(root?.mapping())
        #expect(mapping.choice("c", Colour.self) == nil)
        #expect(mapping.choice("d", Colour.self) == .red)
        #expect(reader.diagnostics.map(\.message) == ["unknown value 'blue' for 'c' (expected one of 'red', 'green')"])
    }

    @Test func specErrorListsProblemsInFileOrder() {
        let first = Diagnostic(.error, at: SourceLocation(file: "p.yml", line: 9, column: 1), rule: "r", message: "late")
        let second = Diagnostic(.error, at: SourceLocation(file: "p.yml", line: 2, column: 5), rule: "r", message: "early")
        let error = SpecError([first, second])
        #expect(error.description == "p.yml:2:5: error: early\np.yml:9:1: error: late")
    }
}
