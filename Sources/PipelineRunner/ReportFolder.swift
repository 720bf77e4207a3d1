import CSVKit
import Foundation
import PipelineSpec
import StudyModel

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Checking, creating, publishing and removing report folders.
///
/// A run writes into a scratch folder beside its target and publishes it with one atomic
/// exchange, so the target always holds either the previous reports or the new ones. A target is
/// only ever replaced when it is new, empty, or a report folder lbp wrote before: never a folder
/// of other files, a file, the working directory or a folder holding the run's own inputs.
enum ReportFolder {
    /// A target that must not be written to, said in a sentence naming it.
    struct Refusal: Error {
        let message: String
    }

    /// The output folder of a run and what chose it: `--out`, or the pipeline's `report.output`
    /// (with where it is written), or the default. A refusal names the setting to change.
    struct Target {
        let path: String
        let setting: String
        let location: SourceLocation?

        init(_ spec: PipelineSpec, override: String?) {
            if let override {
                (path, setting, location) = (override, "'--out'", nil)
            } else {
                (path, setting, location) = (spec.outputFolder, spec.report.output == nil ? "'--out' or 'report.output'" : "'report.output'",
                                             spec.report.outputLocation)
            }
        }

        /// An error line about this target, located at `report.output` when that chose it.
        func refusal(_ text: String) -> Refusal {
            Refusal(message: (location.map { "\($0): " } ?? "") + "error: " + text)
        }
    }

    /// The scratch folders of runs beside `target` share this prefix (then the process id, a
    /// UUID and, while a publish swaps folders, `.previous`).
    static func scratchPrefix(_ target: String) -> String {
        ".\(PathText.fileName(target)).tmp-"
    }

    /// `target` as an absolute path with its links resolved, checked before anything is written: it may be
    /// a new path, an empty folder or a report folder of an earlier run (``isReportFolder(_:)``).
    ///
    /// - Parameter protected: files the run reads (the pipeline file, inputs, rule set): a target
    ///   that holds one of them is refused.
    static func checkedTarget(_ chosen: Target, protecting protected: [String]) throws(Refusal) -> String {
        let target = chosen.path
        let how = chosen.setting
        guard !target.trimmingCharacters(in: .whitespaces).isEmpty else {
            throw chosen.refusal("no output folder is named (\(how) is empty); give a folder with \(how)")
        }
        let fileManager = FileManager.default
        // Not folded by text: `link/../x` is where the system finds it, out of the folder the link names.
        var absolute = target.hasPrefix("/") ? target : fileManager.currentDirectoryPath + "/" + target
        // A link is followed: the folder it names is the one replaced (swapping the link itself
        // would leave the reports beside the folder the user meant).
        if let type = (try? fileManager.attributesOfItem(atPath: absolute))?[.type] as? FileAttributeType,
           type == .typeSymbolicLink {
            let resolved = URL(fileURLWithPath: absolute).resolvingSymlinksInPath().standardizedFileURL.path
            guard resolved != absolute, fileManager.fileExists(atPath: resolved) else {
                throw chosen.refusal("the output folder '\(target)' is a link to nothing; give a folder with \(how)")
            }
            absolute = resolved
        }
        // Compared as the file system resolves them: a link anywhere in a path (a parent folder
        // reached through a link) must not hide the working folder or an input inside the target.
        absolute = PhysicalPath.of(absolute)
        let workingDirectory = PhysicalPath.of(fileManager.currentDirectoryPath)
        if absolute == "/" || contains(absolute, workingDirectory) {
            throw chosen.refusal("the output folder '\(target)' is the working folder or holds it; "
                + "reports replace their whole folder, so give a folder of their own with \(how)")
        }
        for path in protected {
            let file = PhysicalPath.of(path)
            if absolute == file {
                let what = path == target ? "a file" : "'\(path)', a file"
                throw chosen.refusal("the output folder '\(target)' is \(what) the run reads; give a folder with \(how)")
            }
            if contains(absolute, file) {
                throw chosen.refusal("the output folder '\(target)' holds '\(path)', which the run reads; "
                    + "reports replace their whole folder, so give a folder of their own with \(how)")
            }
        }
        var isDirectory: ObjCBool = false
        guard fileManager.fileExists(atPath: absolute, isDirectory: &isDirectory) else { return absolute }
        guard isDirectory.boolValue else {
            throw chosen.refusal("the output folder '\(target)' is a file; give a folder with \(how)")
        }
        let entries = (try? fileManager.contentsOfDirectory(atPath: absolute)) ?? []
        if !entries.isEmpty, !isReportFolder(absolute) {
            let example = entries.sorted().first.map { " (e.g. '\($0)')" } ?? ""
            throw chosen.refusal("the output folder '\(target)' holds files that are not lbp reports\(example); "
                + "reports replace their whole folder, so give a new or empty folder with \(how), or one an earlier run wrote")
        }
        // The previous reports are removed once the new ones are in place: a folder in them that
        // cannot be changed would be left behind beside them at every run.
        if let locked = readOnlyFolder(in: absolute) {
            let shown = locked == absolute ? "'\(target)' is" : "'\(target)' holds '\(String(locked.dropFirst(absolute.count + 1)))', which is"
            throw chosen.refusal("the output folder \(shown) read-only, so its reports could not be replaced; "
                + "make it writable or give another folder with \(how)")
        }
        return absolute
    }

    /// `chosen` checked (``checkedTarget(_:protecting:)``) and a scratch folder made beside it:
    /// what `run` and `validate` write into, and where they publish. Throws a refusal, or the
    /// scratch folder's failure, as the error line to print.
    /// `created` are the folders above the scratch folder that did not exist before (deepest
    /// first), for ``remove(_:leavingNoEmpty:)`` to take away again when nothing was published.
    static func prepare(_ chosen: Target, protecting protected: [String]) throws(Refusal)
        -> (target: String, scratch: String, created: [String]) {
        let target = try checkedTarget(chosen, protecting: protected)
        var created: [String] = []
        var folder = (target as NSString).deletingLastPathComponent
        while !folder.isEmpty, folder != "/", !FileManager.default.fileExists(atPath: folder) {
            created.append(folder)
            folder = (folder as NSString).deletingLastPathComponent
        }
        do {
            return (target, try makeScratch(beside: target), created)
        } catch {
            removeEmpty(created)
            throw Refusal(message: "error: cannot create a folder beside '\(chosen.path)': \(FileSystemErrorText.reason(error))")
        }
    }

    /// `folder` or the first folder in it (in path order) that this process may not write to.
    private static func readOnlyFolder(in folder: String) -> String? {
        if access(folder, W_OK) != 0 { return folder }
        let inner = (FileManager.default.enumerator(atPath: folder)?.allObjects as? [String] ?? []).sorted()
        for name in inner {
            let path = folder + "/" + name
            var isDirectory: ObjCBool = false
            if FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), isDirectory.boolValue, access(path, W_OK) != 0 {
                return path
            }
        }
        return nil
    }

    /// Whether `folder` holds reports lbp wrote: a `manifest.json` of `lbp run`, or the
    /// `accounting.csv` of `lbp validate`.
    static func isReportFolder(_ folder: String) -> Bool {
        func head(_ name: String) -> String {
            guard let handle = FileHandle(forReadingAtPath: (folder as NSString).appendingPathComponent(name)) else { return "" }
            defer { try? handle.close() }
            return String(decoding: (try? handle.read(upToCount: 1 << 16)) ?? Data(), as: UTF8.self)
        }
        return head("manifest.json").contains("\"tool\" : \"lbp\"")
            || head("accounting.csv").hasPrefix("file,rows_read,accepted,rejected,")
    }

    /// Whether `path` is `folder` or lies inside it (both absolute and standardised).
    private static func contains(_ folder: String, _ path: String) -> Bool {
        path == folder || path.hasPrefix(folder.hasSuffix("/") ? folder : folder + "/")
    }

    /// A new empty folder beside `target` (same file system, so publishing is a rename), after
    /// the scratch folders of runs that were killed before they could remove theirs are removed
    /// (a killed publish's `.previous` folder is put back first when the target is missing).
    static func makeScratch(beside target: String) throws -> String {
        removeAbandonedScratch(beside: target)
        let parent = (target as NSString).deletingLastPathComponent
        return try FolderClaim.makeClaimedFolder(in: parent.isEmpty ? "." : parent, prefix: scratchPrefix(target))
    }

    /// Removes the scratch folders beside `target` whose process has ended.
    static func removeAbandonedScratch(beside target: String) {
        let parent = (target as NSString).deletingLastPathComponent
        removeAbandoned(in: parent.isEmpty ? "." : parent, prefix: scratchPrefix(target)) { path in
            if path.hasSuffix(".previous"), !FileManager.default.fileExists(atPath: target) {
                try? FileManager.default.moveItem(atPath: path, toPath: target)
            } else {
                try? FileManager.default.removeItem(atPath: path)
            }
        }
    }

    /// Removes (or hands to `dispose`) the folders in `folder` named `<prefix><pid>-...` of
    /// processes that have ended (killed before they could remove them): no process of that id
    /// runs here, and none holds the folder's claim (``FolderClaim``), which a process id alone
    /// cannot tell from another container or host sharing the folder. A `.previous` folder is
    /// judged by the claim on the scratch folder it was set aside for.
    static func removeAbandoned(in folder: String, prefix: String,
                                dispose: (String) -> Void = { try? FileManager.default.removeItem(atPath: $0) }) {
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: folder) else { return }
        for name in names.sorted() where name.hasPrefix(prefix) {
            let pidText = name.dropFirst(prefix.count).prefix { $0 != "-" }
            guard let pid = Int32(pidText), pid != ProcessInfo.processInfo.processIdentifier, !isRunning(pid) else { continue }
            let path = folder + "/" + name
            let owner = name.hasSuffix(".previous") ? String(path.dropLast(".previous".count)) : path
            guard !FolderClaim.isClaimed(owner) else { continue }
            dispose(path)
        }
    }

    private static func isRunning(_ pid: Int32) -> Bool {
        kill(pid, 0) == 0 || errno != ESRCH
    }

    /// Replaces `target` with `scratch`. Where the system can, the two folders are exchanged in
    /// one atomic rename and the old one, now at `scratch`, removed; else the old folder is moved
    /// aside, the new one renamed into place, and the old one removed (a run killed between the
    /// two renames has its `.previous` folder put back by the next run).
    static func publish(_ scratch: String, to target: String) throws {
        let fileManager = FileManager.default
        let parent = (target as NSString).deletingLastPathComponent
        if !parent.isEmpty { try fileManager.createDirectory(atPath: parent, withIntermediateDirectories: true) }
        if fileManager.fileExists(atPath: target), exchange(scratch, target) {
            try? fileManager.removeItem(atPath: scratch)
            return
        }
        // No target yet: renamed into place, unless another run published one meanwhile (its
        // folder is not empty, so the rename fails), which is then exchanged as above.
        if !fileManager.fileExists(atPath: target) {
            if rename(scratch, target) == 0 { return }
            if exchange(scratch, target) {
                try? fileManager.removeItem(atPath: scratch)
                return
            }
        }
        let previous = scratch + ".previous"
        let hadTarget = fileManager.fileExists(atPath: target)
        if hadTarget { try fileManager.moveItem(atPath: target, toPath: previous) }
        do {
            try fileManager.moveItem(atPath: scratch, toPath: target)
        } catch {
            if hadTarget { try? fileManager.moveItem(atPath: previous, toPath: target) }
            throw error
        }
        if hadTarget { try? fileManager.removeItem(atPath: previous) }
    }

    /// Exchanges two paths atomically (Linux `renameat2` with `RENAME_EXCHANGE`, looked up at run
    /// time); false when the system or the file system cannot.
    private static func exchange(_ first: String, _ second: String) -> Bool {
        #if os(Linux)
            typealias RenameAt2 = @convention(c) (Int32, UnsafePointer<CChar>, Int32, UnsafePointer<CChar>, UInt32) -> Int32
            let renameExchange: UInt32 = 1 << 1
            guard let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "renameat2") else { return false }
            let renameat2 = unsafeBitCast(symbol, to: RenameAt2.self)
            return renameat2(AT_FDCWD, first, AT_FDCWD, second, renameExchange) == 0
        #else
            return false
        #endif
    }

    static func remove(_ path: String) {
        if FileManager.default.fileExists(atPath: path) { try? FileManager.default.removeItem(atPath: path) }
    }

    /// Removes the scratch folder `path`, then each of `created` (deepest first) that is empty:
    /// the folders made for an output folder a run did not publish (it stopped with exit code 2)
    /// go with it; those holding the published reports stay.
    static func remove(_ path: String, leavingNoEmpty created: [String]) {
        remove(path)
        FolderClaim.release(path)
        removeEmpty(created)
    }

    /// Removes each of `folders` (deepest first) while it is empty.
    private static func removeEmpty(_ folders: [String]) {
        for folder in folders where rmdir(folder) != 0 { break }
    }
}

/// A folder a process works in, claimed with an exclusive `flock` on the folder, held until the
/// claim is released or the process ends (killed too). Another lbp process, in another PID
/// namespace, container or host sharing the file system, sees the claim and leaves the folder
/// alone, where the process id in its name could belong to no process there, or to another.
public enum FolderClaim {
    private final class Claims: @unchecked Sendable {
        let lock = NSLock()
        var descriptors: [String: Int32] = [:]
    }

    private static let claims = Claims()

    /// A new folder `folder/<prefix><process id>-<UUID>`, claimed before it has that name: made
    /// as `.claiming-<process id>-<UUID>`, claimed, then renamed, so that no process looking for
    /// abandoned `<prefix>` folders ever finds it unclaimed.
    public static func makeClaimedFolder(in folder: String, prefix: String) throws -> String {
        let own = "\(ProcessInfo.processInfo.processIdentifier)-\(UUID().uuidString)"
        let making = folder + "/" + claimingPrefix + own
        let made = folder + "/" + prefix + own
        if !FileManager.default.fileExists(atPath: folder) {
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        }
        try FileManager.default.createDirectory(atPath: making, withIntermediateDirectories: false)
        claim(making)
        guard rename(making, made) == 0 else {
            let code = errno
            release(making)
            try? FileManager.default.removeItem(atPath: making)
            throw NSError(domain: NSPOSIXErrorDomain, code: Int(code))
        }
        rekey(making, as: made)
        return made
    }

    /// Folders being made by ``makeClaimedFolder(in:prefix:)``, for a moment. Never taken for
    /// abandoned: one is unclaimed between being made and being claimed, and a process killed in
    /// that moment leaves an empty folder, which is harmless.
    static let claimingPrefix = ".claiming-"

    /// Claims the folder at `path`, waiting while another process looks whether it is claimed;
    /// a folder that cannot be opened goes unclaimed.
    static func claim(_ path: String) {
        let descriptor = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard descriptor >= 0 else { return }
        guard flock(descriptor, LOCK_EX) == 0 else {
            close(descriptor)
            return
        }
        claims.lock.lock()
        defer { claims.lock.unlock() }
        if let earlier = claims.descriptors.updateValue(descriptor, forKey: path) { close(earlier) }
    }

    /// The claim held on the folder at `old`, now at `new` (the lock follows the folder).
    private static func rekey(_ old: String, as new: String) {
        claims.lock.lock()
        defer { claims.lock.unlock() }
        if let descriptor = claims.descriptors.removeValue(forKey: old) { claims.descriptors[new] = descriptor }
    }

    /// Ends this process's claim on `path`, if it holds one.
    public static func release(_ path: String) {
        claims.lock.lock()
        defer { claims.lock.unlock() }
        if let descriptor = claims.descriptors.removeValue(forKey: path) { close(descriptor) }
    }

    /// Whether some process holds a claim on the folder at `path` (this one included). Looks
    /// with a shared lock, which never keeps another looker, or for long a claimer, waiting.
    static func isClaimed(_ path: String) -> Bool {
        let descriptor = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard descriptor >= 0 else { return false }
        defer { close(descriptor) }
        guard flock(descriptor, LOCK_SH | LOCK_NB) == 0 else { return errno == EWOULDBLOCK }
        flock(descriptor, LOCK_UN)
        return false
    }
}

/// Folders a process makes for itself (`<prefix><process id>...`) and removes when it is done.
public enum AbandonedFolders {
    /// Removes those in `folder` whose process has ended: killed before it could remove them.
    public static func remove(in folder: String, prefix: String) {
        ReportFolder.removeAbandoned(in: folder, prefix: prefix)
    }
}

/// File-system errors as the end of a sentence: the system's reason, never an error domain, a
/// code or a URL.
public enum FileSystemErrorText {
    /// The reason `error` gives: for a Foundation or POSIX file-system error the system's own
    /// words (`Not a directory`), for any other error its description.
    /// A file the CSV writer could not write is named inside `folder` (`clean/visits.csv`, the
    /// report folder's scratch folder left out), or by its name.
    public static func reason(_ error: Error, within folder: String? = nil) -> String {
        if let failure = error as? CSVError {
            let file = failure.position.file
            let inside = folder.map { $0.hasSuffix("/") ? $0 : $0 + "/" }.flatMap { file.hasPrefix($0) ? String(file.dropFirst($0.count)) : nil }
            return (inside ?? PathText.fileName(file)) + ": " + failure.message
        }
        let bridged = error as NSError
        if bridged.domain == NSPOSIXErrorDomain { return String(cString: strerror(Int32(bridged.code))) }
        guard bridged.domain == NSCocoaErrorDomain else { return String(describing: error) }
        // The underlying error is a Swift `POSIXError` on some platforms, an `NSError` on others.
        if let underlying = (bridged.userInfo[NSUnderlyingErrorKey] as? Error).map({ $0 as NSError }),
           underlying.domain == NSPOSIXErrorDomain {
            return String(cString: strerror(Int32(underlying.code)))
        }
        switch CocoaError.Code(rawValue: bridged.code) {
        case .fileNoSuchFile, .fileReadNoSuchFile: return "no such file or folder"
        case .fileReadNoPermission, .fileWriteNoPermission: return "permission denied"
        case .fileWriteFileExists: return "a file or folder of that name exists"
        case .fileWriteOutOfSpace: return "the disk is full"
        case .fileWriteVolumeReadOnly: return "the file system is read-only"
        default: return "the file system refused (code \(bridged.code))"
        }
    }
}
