/// The version reports and manifests name.
enum ToolVersion {
    static let current = "0.1.0"
}
