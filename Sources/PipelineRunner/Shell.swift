import Foundation

/// Text for commands the tool advises, meant to be pasted into a shell.
public enum Shell {
    /// A path as a shell word: as it is when it holds only characters no shell treats specially,
    /// else in double quotes (`"sp ace/r"`).
    public static func word(_ path: String) -> String {
        let plain = path.unicodeScalars.allSatisfy { $0.isASCII && (CharacterSet.alphanumerics.contains($0) || "/._-+,:@%=".unicodeScalars.contains($0)) }
        if plain, !path.isEmpty { return path }
        var escaped = ""
        for character in path {
            if "\"\\$`".contains(character) { escaped.append("\\") }
            escaped.append(character)
        }
        return "\"" + escaped + "\""
    }
}
