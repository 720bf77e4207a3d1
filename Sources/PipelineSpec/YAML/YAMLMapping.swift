import StudyModel
import Yams

/// A YAML mapping read key by key, remembering which keys were read so that the rest can be
/// rejected as unknown with their own line and column.
///
/// Use: read the known keys (``subscript(_:)``, ``required(_:)`` or the typed helpers), then call
/// ``rejectUnknownKeys()``. Keys that are data rather than format (field names, timepoint names)
/// are read with ``entries()``, which marks them all as read.
public final class YAMLMapping {
    /// One key with its location and value.
    public struct Entry {
        public let key: String
        public let keyLocation: SourceLocation
        public let value: YAMLValue
    }

    /// The mapping node itself (its location is where the mapping starts).
    public let value: YAMLValue
    private let items: [Entry]
    private var read: Set<String> = []

    init(_ mapping: Node.Mapping, value: YAMLValue) {
        self.value = value
        var items: [Entry] = []
        for (keyNode, valueNode) in mapping {
            let keyValue = YAMLValue(node: keyNode, path: value.path, reader: value.reader)
            guard case .scalar(let scalar) = keyNode else {
                keyValue.error("a key in \(value.displayPath) must be text, found \(keyValue.shapeName)", rule: "spec.type")
                continue
            }
            let path = value.path.isEmpty ? scalar.string : "\(value.path).\(scalar.string)"
            items.append(Entry(key: scalar.string, keyLocation: keyValue.location,
                               value: YAMLValue(node: valueNode, path: path, reader: value.reader)))
        }
        self.items = items
    }

    public var reader: YAMLReader { value.reader }
    public var location: SourceLocation { value.location }
    public var isEmpty: Bool { items.isEmpty }
    public var keys: [String] { items.map(\.key) }

    /// True when the key is present (with any value, null included); does not mark it read.
    public func contains(_ key: String) -> Bool {
        items.contains { $0.key == key }
    }

    /// True when the key is present with a value other than null: given, where a null is the
    /// same as leaving the key out. Does not mark it read.
    public func hasValue(_ key: String) -> Bool {
        items.contains { $0.key == key && !$0.value.isNull }
    }

    /// Marks keys as read without reading them (keys whose values another check makes moot).
    public func markRead(_ keys: String...) {
        read.formUnion(keys)
    }

    /// The value of a key, or nil when the key is absent or null; marks the key as read.
    public subscript(key: String) -> YAMLValue? {
        read.insert(key)
        guard let entry = items.first(where: { $0.key == key }), !entry.value.isNull else { return nil }
        return entry.value
    }

    /// The location of a key (not its value), when present.
    public func keyLocation(_ key: String) -> SourceLocation? {
        items.first { $0.key == key }?.keyLocation
    }

    /// The value of a key that must be there; records a problem at the mapping when it is not.
    public func required(_ key: String) -> YAMLValue? {
        if let value = self[key] { return value }
        if let keyLocation = keyLocation(key) {
            reader.error("'\(key)' in \(value.displayPath) needs a value", at: keyLocation, rule: "spec.missing")
        } else {
            value.error("\(value.displayPath) needs the key '\(key)'", rule: "spec.missing")
        }
        return nil
    }

    /// Every entry in file order, all marked as read (for mappings whose keys are data).
    public func entries() -> [Entry] {
        for item in items { read.insert(item.key) }
        return items
    }

    /// Records one problem per key that was never read, at the key itself, listing the keys
    /// that are known here; returns whether there was one.
    @discardableResult
    public func rejectUnknownKeys() -> Bool {
        let known = read.sorted().map { "'\($0)'" }.joined(separator: ", ")
        let unknown = items.filter { !read.contains($0.key) }
        for item in unknown {
            let expected = known.isEmpty ? "" : " (expected one of \(known))"
            // A key with a character no one sees (a zero-width space) says so, or it would look
            // like one of those expected.
            reader.error("unknown key '\(item.key.unseenEscaped)' in \(value.displayPath)\(expected)",
                         at: item.keyLocation, rule: "spec.unknown-key")
        }
        return !unknown.isEmpty
    }

    // MARK: - Typed helpers (nil when absent, null, or of the wrong shape; the latter recorded)

    public func string(_ key: String) -> String? { self[key]?.string() }
    public func int(_ key: String) -> Int? { self[key]?.int() }
    public func double(_ key: String) -> Double? { self[key]?.double() }
    public func bool(_ key: String) -> Bool? { self[key]?.bool() }
    public func list(_ key: String) -> [YAMLValue]? { self[key]?.list() }
    public func strings(_ key: String) -> [String]? { self[key]?.strings() }
    public func mapping(_ key: String) -> YAMLMapping? { self[key]?.mapping() }

    public func choice<T: RawRepresentable & CaseIterable>(_ key: String, _ type: T.Type = T.self) -> T?
    where T.RawValue == String {
        self[key]?.choice(type)
    }
}
