/// Paths inside this repository, found from this source file's own location so tests run from
/// any working directory.
public enum Repository {
    /// The repository's top folder (the one holding `Package.swift`).
    public static let root: String = {
        var parts = String(#filePath).split(separator: "/", omittingEmptySubsequences: false)
        // .../Tests/TestSupport/Repository.swift → drop three components.
        parts.removeLast(3)
        return parts.joined(separator: "/")
    }()

    /// The absolute path of a repository-relative path.
    public static func path(_ relative: String) -> String {
        root + "/" + relative
    }
}
