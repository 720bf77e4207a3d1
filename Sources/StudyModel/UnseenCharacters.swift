extension Unicode.Scalar {
    /// Whether a reader could not see the character, so that text quoted in a message or a diff
    /// writes it as `\u{…}` (``escaped``): controls (a tab, a CR), format characters (a byte-order
    /// mark, a zero-width space, a direction mark), line and paragraph separators, any space but
    /// U+0020, private-use, unassigned and surrogate code points. A variation selector, which
    /// changes how the character before it is drawn, is not among them.
    public var isUnseen: Bool {
        switch properties.generalCategory {
        case .control, .format, .lineSeparator, .paragraphSeparator, .privateUse, .unassigned, .surrogate: true
        case .spaceSeparator: self != " "
        default: false
        }
    }

    /// `\u{200B}` for a zero-width space: the scalar's code point, as Swift writes it.
    public var escaped: String {
        "\\u{" + String(value, radix: 16, uppercase: true) + "}"
    }
}

extension String {
    /// The text with each character a reader could not see written as `\u{…}` (``Unicode/Scalar/isUnseen``).
    public var unseenEscaped: String {
        var result = ""
        for scalar in unicodeScalars {
            if scalar.isUnseen {
                result += scalar.escaped
            } else {
                result.unicodeScalars.append(scalar)
            }
        }
        return result
    }
}
