/// Matches the records of one list with those of another by participant id (an assignment with
/// its participant, say): by position when the two lists hold the same ids in the same order, as
/// a run makes them, else with the first record of the other list that has the id.
///
/// Ids are read through closures, so that a caller reads them in place: mapping whole records
/// out of an array would copy each one and count references on all its parts.
public struct IDMatch {
    private let aligned: Bool
    /// Id → position of its first record in the other list; empty when aligned.
    private let positions: [String: Int]

    /// - Parameters:
    ///   - count, id: the records to match, and the id of the record at a position.
    ///   - otherCount, otherID: the records they are matched with.
    public init(count: Int, id: (Int) -> String, otherCount: Int, otherID: (Int) -> String) {
        aligned = count == otherCount && (0..<count).allSatisfy { id($0) == otherID($0) }
        var positions: [String: Int] = [:]
        if !aligned {
            for position in 0..<otherCount where positions[otherID(position)] == nil {
                positions[otherID(position)] = position
            }
        }
        self.positions = positions
    }

    /// The position in the other list of the record matched with the one at `position`, whose id
    /// is `id`; nil when the other list has no record with that id.
    public func other(of position: Int, id: String) -> Int? {
        aligned ? position : positions[id]
    }
}
