import Foundation
#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// What the file system says of each file a run reads: device, inode, size and modification
/// time to the nanosecond. A run takes one of each file just before it reads it (the pipeline
/// file and the rule set as they load, the inputs and literature files before staging) and
/// another after the manifest has hashed them; a file written to or replaced in between would
/// leave reports computed from other bytes than those the manifest's SHA-256 names, so the run
/// fails instead.
struct InputSnapshot {
    struct Identity: Equatable {
        var device: UInt64
        var inode: UInt64
        var size: Int64
        var modifiedSeconds: Int
        var modifiedNanoseconds: Int
    }

    /// Per file, in the order given; nil for a file that cannot be examined.
    private(set) var files: [(path: String, identity: Identity?)]

    init(_ paths: [String]) {
        files = paths.map { path in
            var status = stat()
            guard stat(path, &status) == 0 else { return (path, nil) }
            return (path, Identity(device: UInt64(status.st_dev), inode: UInt64(status.st_ino), size: Int64(status.st_size),
                                   modifiedSeconds: Int(status.st_mtim.tv_sec), modifiedNanoseconds: Int(status.st_mtim.tv_nsec)))
        }
    }

    /// The files, in order.
    var paths: [String] { files.map(\.path) }

    /// The files of `first`, then those of `second`.
    static func + (first: InputSnapshot, second: InputSnapshot) -> InputSnapshot {
        var joined = first
        joined.files += second.files
        return joined
    }

    /// The files (of the same list) whose identity differs from that in `earlier`, in order.
    func changed(since earlier: InputSnapshot) -> [String] {
        zip(earlier.files, files).filter { $0.identity != $1.identity }.map(\.1.path)
    }
}
