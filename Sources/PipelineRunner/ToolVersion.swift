/// The version reports and manifests name; bump it when outputs change.
public enum ToolVersion {
    public static let current = "0.1.0"
}
