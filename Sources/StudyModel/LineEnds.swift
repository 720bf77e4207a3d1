extension String {
    /// The text with every line end inside it (CR LF, a lone CR) written as LF, so that a text
    /// over several lines is the same from an Excel file (CR LF) as from elsewhere (LF). By
    /// scalar: a CR LF followed by a combining mark, joiner or variation selector forms one
    /// character with it, which a search for "\r\n" over characters does not find.
    public var withLineFeeds: String {
        guard utf8.contains(0x0D) else { return self }
        var result = String.UnicodeScalarView()
        var afterCarriageReturn = false
        for scalar in unicodeScalars {
            defer { afterCarriageReturn = scalar == "\r" }
            if scalar == "\n" && afterCarriageReturn { continue }
            result.append(scalar == "\r" ? "\n" : scalar)
        }
        return String(result)
    }
}
