import Foundation
import StudyModel

/// One file to read, found from an input's path or glob.
public struct InputFile: Sendable, Hashable {
    /// Position of the input in `inputs:` (from 0).
    public var inputIndex: Int
    /// The path to open (relative to the working directory, or absolute).
    public var path: String
    /// The name messages and reports use: the path as the pipeline file writes it, with the
    /// glob expanded (relative to the pipeline file), so reports do not depend on where the tool
    /// was started.
    public var displayName: String

    public init(inputIndex: Int, path: String, displayName: String) {
        self.inputIndex = inputIndex
        self.path = path
        self.displayName = displayName
    }
}

extension PipelineSpec {
    /// Expands every input's path or glob into files, in input order and, within an input, in
    /// byte order of the path (deterministic on every machine). A path or glob that matches no
    /// file, a link it matches whose file is gone, or a file matched by two inputs, is an error at
    /// the input's `path` in the pipeline file, and so are two files whose names differ only in
    /// Unicode composition (NFC and NFD), which reports name alike.
    ///
    /// Globs: `*` (any run of characters except `/`), `?` (one character), `[abc]`, `[a-z]`,
    /// `[!a]` within one path component; names starting with `.` match only a pattern starting with `.`.
    public func inputFiles() throws(SpecError) -> [InputFile] {
        var files: [InputFile] = []
        var problems: [Diagnostic] = []
        var owner: [String: Int] = [:]
        var shownNames: [String: String] = [:]
        for (index, input) in inputs.enumerated() {
            let matches = Glob.expand(input.path, in: directory)
            if matches.isEmpty {
                var isFolder: ObjCBool = false
                let message = if Glob.hasWildcards(input.path) {
                    "no file matches '\(input.path)'"
                } else if FileManager.default.fileExists(atPath: resolve(input.path), isDirectory: &isFolder), isFolder.boolValue {
                    "'\(input.path)' is a folder; name its files (e.g. '\(PathText.normalise(input.path + "/*.csv"))')"
                } else {
                    "the input file '\(input.path)' does not exist"
                }
                problems.append(Diagnostic(.error, at: input.location, rule: "spec.input-missing", message: message))
                continue
            }
            for relative in matches {
                let path = resolve(relative)
                if !FileManager.default.fileExists(atPath: path) {
                    let file = Glob.hasWildcards(input.path) ? "'\(relative)', which '\(input.path)' matches," : "the input file '\(relative)'"
                    problems.append(Diagnostic(.error, at: input.location, rule: "spec.input-missing",
                                               message: "\(file) is a link to a file that does not exist"))
                    continue
                }
                if let kind = PhysicalPath.irregularKind(path) {
                    let file = Glob.hasWildcards(input.path) ? "'\(relative)', which '\(input.path)' matches," : "the input file '\(relative)'"
                    problems.append(Diagnostic(.error, at: input.location, rule: "spec.input-missing",
                                               message: "\(file) is \(kind), not a file; lbp reads files"))
                    continue
                }
                // One file under two names (a link, a hard link, a folder reached two ways) is
                // still one file.
                let physical = PhysicalPath.fileIdentity(path) ?? PhysicalPath.of(path)
                if let first = owner[physical] {
                    problems.append(Diagnostic(.error, at: input.location, rule: "spec.duplicate-input",
                                               message: "the file '\(relative)' is already read by 'inputs[\(first)]'"))
                    continue
                }
                owner[physical] = index
                let displayName = PhysicalPath.folded(relative, base: directory)
                // Reports and messages tell files apart by these names, compared as text, in which
                // an `ö` composed and an `o` with a combining diaeresis are the same.
                if let other = shownNames[displayName], !other.unicodeScalars.elementsEqual(displayName.unicodeScalars) {
                    problems.append(Diagnostic(.error, at: input.location, rule: "spec.duplicate-input",
                                               message: "the files '\(other)' and '\(displayName)' have names that differ only in how "
                                                   + "their letters are composed (NFC and NFD), which the reports cannot tell apart; rename one"))
                    continue
                }
                shownNames[displayName] = displayName
                files.append(InputFile(inputIndex: index, path: path, displayName: displayName))
            }
        }
        if !problems.isEmpty { throw SpecError(problems) }
        return files
    }
}

/// Glob expansion over the file system, sorted by bytes.
enum Glob {
    static func hasWildcards(_ pattern: String) -> Bool {
        pattern.unicodeScalars.contains { "*?[".unicodeScalars.contains($0) }
    }

    /// Paths (written relative to `base` like the pattern) of regular files matching `pattern`.
    static func expand(_ pattern: String, in base: String) -> [String] {
        let absolute = pattern.hasPrefix("/")
        let components = pattern.split(separator: "/", omittingEmptySubsequences: true).map(String.init)
        var candidates: [String] = [absolute ? "/" : ""]
        for (position, component) in components.enumerated() {
            let isLast = position == components.count - 1
            var next: [String] = []
            for prefix in candidates {
                if !hasWildcards(component) {
                    next.append(join(prefix, literal(component, in: onDisk(prefix.isEmpty ? "." : prefix, base: base, absolute: absolute))))
                    continue
                }
                let folder = onDisk(prefix.isEmpty ? "." : prefix, base: base, absolute: absolute)
                let names = (try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []
                for name in names where matches(name, component) {
                    next.append(join(prefix, name))
                }
            }
            candidates = next.filter { path in
                let onDisk = onDisk(path, base: base, absolute: absolute)
                var isDirectory: ObjCBool = false
                guard FileManager.default.fileExists(atPath: onDisk, isDirectory: &isDirectory) else {
                    // A link whose target is gone still names a file the user meant to read:
                    // kept, so that it is reported rather than silently left out.
                    return isLast && isDanglingLink(onDisk)
                }
                return isLast ? !isDirectory.boolValue : isDirectory.boolValue
            }
        }
        return candidates.sorted { Array($0.utf8).lexicographicallyPrecedes(Array($1.utf8)) }
    }

    /// `path` as the file system spells it: unchanged when it is there, else each component
    /// looked up in its folder as ``literal(_:in:)`` does (a rule set or literature table a Mac
    /// wrote decomposed).
    static func spelledOnDisk(_ path: String) -> String {
        if FileManager.default.fileExists(atPath: path) || isDanglingLink(path) { return path }
        var spelled = path.hasPrefix("/") ? "/" : ""
        for component in path.split(separator: "/", omittingEmptySubsequences: true).map(String.init) {
            let name = component == "." || component == ".." ? component : literal(component, in: spelled.isEmpty ? "." : spelled)
            spelled = join(spelled, name)
        }
        return spelled
    }

    /// A literal path component as the folder spells it: `name` itself when it is there (or the
    /// folder cannot be listed), else the one entry equal to it composed (NFC), as a `?` or a
    /// class compares, so that `GRÖ` names a file a Mac wrote decomposed.
    private static func literal(_ name: String, in folder: String) -> String {
        let exact = folder + "/" + name
        if FileManager.default.fileExists(atPath: exact) || isDanglingLink(exact) { return name }
        let entries = (try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []
        let equal = entries.filter { $0 == name }
        return equal.count == 1 ? equal[0] : name
    }

    private static func isDanglingLink(_ path: String) -> Bool {
        let type = (try? FileManager.default.attributesOfItem(atPath: path))?[.type] as? FileAttributeType
        return type == .typeSymbolicLink
    }

    private static func join(_ prefix: String, _ name: String) -> String {
        if prefix.isEmpty { return name }
        return prefix.hasSuffix("/") ? prefix + name : prefix + "/" + name
    }

    private static func onDisk(_ path: String, base: String, absolute: Bool) -> String {
        if absolute || base.isEmpty { return path }
        return base + "/" + path
    }

    /// Whether a file name matches one glob component. Both are compared composed (NFC), so
    /// that a name written decomposed (as macOS writes `Ö`: `O` and a combining diaeresis)
    /// matches `?` and the letters of the pattern as the character it shows.
    static func matches(_ name: String, _ pattern: String) -> Bool {
        // By first scalar: a `.` with a combining mark on it still hides the file.
        if name.unicodeScalars.first == ".", pattern.unicodeScalars.first != "." { return false }
        return match(Array(name.precomposedStringWithCanonicalMapping.unicodeScalars), 0,
                     Array(pattern.precomposedStringWithCanonicalMapping.unicodeScalars), 0)
    }

    private static func match(_ name: [Unicode.Scalar], _ n: Int, _ pattern: [Unicode.Scalar], _ p: Int) -> Bool {
        var n = n
        var p = p
        while p < pattern.count {
            switch pattern[p] {
            case "*":
                // Collapse runs of stars, then try every split.
                while p < pattern.count, pattern[p] == "*" { p += 1 }
                if p == pattern.count { return true }
                for start in n...name.count where match(name, start, pattern, p) { return true }
                return false
            case "?":
                guard n < name.count else { return false }
                n += 1
                p += 1
            case "[":
                guard n < name.count, let (matched, next) = matchClass(name[n], pattern, p) else { return false }
                guard matched else { return false }
                n += 1
                p = next
            default:
                guard n < name.count, name[n] == pattern[p] else { return false }
                n += 1
                p += 1
            }
        }
        return n == name.count
    }

    /// Matches a `[...]` class starting at `start`; nil when the class is not closed (then `[`
    /// is not special and the pattern simply does not match).
    private static func matchClass(_ scalar: Unicode.Scalar, _ pattern: [Unicode.Scalar], _ start: Int) -> (Bool, Int)? {
        var index = start + 1
        var negate = false
        if index < pattern.count, pattern[index] == "!" || pattern[index] == "^" {
            negate = true
            index += 1
        }
        var matched = false
        var first = true
        while index < pattern.count {
            let current = pattern[index]
            if current == "]", !first { return (matched != negate, index + 1) }
            first = false
            if index + 2 < pattern.count, pattern[index + 1] == "-", pattern[index + 2] != "]" {
                if current.value <= scalar.value, scalar.value <= pattern[index + 2].value { matched = true }
                index += 3
            } else {
                if current == scalar { matched = true }
                index += 1
            }
        }
        return nil
    }
}

/// Paths as the file system resolves them, so that two names of one file compare equal.
public enum PhysicalPath {
    /// `path` without `.` segments and doubled slashes, each `folder/..` folded away unless
    /// `folder` is a link, where the system's `..` leads out of the folder the link names: so
    /// `a/../b.csv` reads `b.csv`, and `link/../b.csv` stays as it is. A relative path is looked
    /// at from `base` (the working folder when empty); a part that does not exist is folded.
    public static func folded(_ path: String, base: String = "") -> String {
        let absolute = path.hasPrefix("/")
        return PathText.normalise(path) { parts in
            let joined = parts.joined(separator: "/")
            let onDisk = absolute ? "/" + joined : (base.isEmpty ? joined : base + "/" + joined)
            var info = stat()
            return lstat(onDisk, &info) == 0 && (info.st_mode & S_IFMT) == S_IFLNK
        }
    }

    /// The device and inode of the file `path` names (links followed): the same for every name
    /// of one file, hard links included; nil when the file cannot be examined.
    public static func fileIdentity(_ path: String) -> String? {
        var info = stat()
        guard stat(path, &info) == 0 else { return nil }
        return "\(info.st_dev):\(info.st_ino)"
    }

    /// What `path` (its link followed) is when it is no regular file: `a named pipe`, `a
    /// socket`, `a device`; nil for a regular file, a folder or a path that does not exist. Reading a named
    /// pipe or a device would wait for a writer, or never end.
    public static func irregularKind(_ path: String) -> String? {
        var info = stat()
        guard stat(path, &info) == 0 else { return nil }
        switch info.st_mode & S_IFMT {
        case S_IFREG, S_IFDIR: return nil
        case S_IFIFO: return "a named pipe"
        case S_IFSOCK: return "a socket"
        default: return "a device"
        }
    }

    /// `path` (relative to the working folder) as an absolute path with every link and `..`
    /// resolved as the system does; a part that does not exist yet is appended to the resolved
    /// folder that holds it (`/tmp/link/new/reports` becomes `/tmp/real/new/reports`).
    public static func of(_ path: String) -> String {
        let absolute = path.hasPrefix("/") ? path : FileManager.default.currentDirectoryPath + "/" + path
        var existing = absolute
        var missing: [String] = []
        while true {
            if let resolved = realpath(existing, nil) {
                defer { free(resolved) }
                let folder = String(cString: resolved)
                guard !missing.isEmpty else { return folder }
                return (folder == "/" ? "" : folder) + "/" + missing.reversed().joined(separator: "/")
            }
            let name = (existing as NSString).lastPathComponent
            let parent = (existing as NSString).deletingLastPathComponent
            // Above a name that does not exist, '..' cannot be resolved: the path is read as written.
            guard parent != existing, !parent.isEmpty, name != "..", name != "." else { return PathText.normalise(absolute) }
            missing.append(name)
            existing = parent
        }
    }
}
