import Foundation

extension SampleDataGenerator {
    /// What differs between `folder` and what this generator writes with `style`: one line per
    /// file of the generator's folders (`truth/`, and `castor/` and/or `redcap/`) that is missing
    /// from `folder`, no longer generated, or different byte for byte; empty when they match.
    /// Generates into a temporary folder, removed afterwards; throws when that cannot be written.
    public func drift(from folder: String, style: ExportStyle) throws -> [String] {
        let fileManager = FileManager.default
        var isFolder: ObjCBool = false
        guard fileManager.fileExists(atPath: fileManager.temporaryDirectory.path, isDirectory: &isFolder), isFolder.boolValue else {
            throw SampleDataError.noTemporaryFolder(fileManager.temporaryDirectory.path)
        }
        let scratch = (fileManager.temporaryDirectory.path as NSString)
            .appendingPathComponent("lbp-sample-data-check-\(ProcessInfo.processInfo.processIdentifier)")
        defer { try? fileManager.removeItem(atPath: scratch) }
        _ = try write(to: scratch, style: style)
        // The folders this style writes: those the generator wrote into the scratch folder.
        let folders = Self.ownedFolders.filter { fileManager.fileExists(atPath: (scratch as NSString).appendingPathComponent($0)) }
        var drift: [String] = []
        for subfolder in folders.sorted() {
            let expected = Self.files(in: (scratch as NSString).appendingPathComponent(subfolder))
            let actual = Self.files(in: (folder as NSString).appendingPathComponent(subfolder))
            for name in Set(expected).union(actual).sorted() {
                let path = subfolder + "/" + name
                let committed = fileManager.contents(atPath: (folder as NSString).appendingPathComponent(path))
                let generated = fileManager.contents(atPath: (scratch as NSString).appendingPathComponent(path))
                switch (committed, generated) {
                case (nil, _): drift.append("'\(path)' is missing from '\(folder)'")
                case (_, nil): drift.append("'\(path)' in '\(folder)' is not generated any more")
                case let (committed?, generated?) where committed != generated:
                    drift.append("'\(path)' differs from what seed \(seed) with \(participantCount) participants generates")
                default: break
                }
            }
        }
        return drift
    }

    private static func files(in folder: String) -> [String] {
        (try? FileManager.default.contentsOfDirectory(atPath: folder))?.filter { !$0.hasPrefix(".") }.sorted() ?? []
    }
}
