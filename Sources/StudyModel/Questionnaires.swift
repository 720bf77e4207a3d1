/// Scoring of the screening questionnaires, in one place for every stage that needs a total.
public enum Questionnaires {
    /// ÖMPSQ-10 items whose raw answer is reversed (`10 - value`): 3 (light work for an hour),
    /// 4 (sleep at night) and 8 (chance of working in six months), per Linton et al. (2011).
    public static let ompsqReversedItems: Set<Int> = [3, 4, 8]

    /// ÖMPSQ-10 total (1...100) from the raw items in order 1...10.
    ///
    /// Item 1 is the duration category (1...10) and scores its category; items 2...10 are raw
    /// answers 0...10, with items 3, 4 and 8 reversed. Returns nil when any item is missing or out of
    /// range, because a partial total would understate the risk.
    public static func ompsqTotal(items: [Double?]) -> Double? {
        guard items.count == 10 else { return nil }
        return ompsqTotal { items[$0] }
    }

    /// As ``ompsqTotal(items:)``, reading item `offset + 1` as `item(offset)` (offsets 0...9), so a
    /// caller that holds the items elsewhere gathers nothing.
    public static func ompsqTotal(item: (Int) -> Double?) -> Double? {
        var total = 0.0
        for offset in 0..<10 {
            guard let value = item(offset) else { return nil }
            let number = offset + 1
            if number == 1 {
                guard (1...10).contains(value) else { return nil }
                total += value
            } else {
                guard (0...10).contains(value) else { return nil }
                total += ompsqReversedItems.contains(number) ? 10 - value : value
            }
        }
        return total
    }

    /// STarT Back Screening Tool scores (Hill et al. 2008) from items 1...9.
    ///
    /// Items 1...8 are agree (1) / disagree (0); item 9 (bothersomeness) is 1...5 and scores 1 for
    /// "very much" (4) or "extremely" (5). The psychosocial subscale is items 5...9. Returns nil
    /// when any item is missing or out of range.
    public static func startBackScores(items: [Double?]) -> (total: Double, psychosocial: Double)? {
        guard items.count == 9, let bothersomeness = items[8], (1...5).contains(bothersomeness) else { return nil }
        // Agreed items among 1...8, and among 5...8 (the psychosocial items).
        var agreed = 0
        var agreedPsychosocial = 0
        for (index, item) in items.dropLast().enumerated() {
            guard let value = item, value == 0 || value == 1 else { return nil }
            guard value == 1 else { continue }
            agreed += 1
            if index >= 4 { agreedPsychosocial += 1 }
        }
        return (startBackCount(agreedItems: agreed, bothersomeness: bothersomeness),
                startBackCount(agreedItems: agreedPsychosocial, bothersomeness: bothersomeness))
    }

    /// A STarT Back (sub)score: the number of agreed items plus 1 when bothersomeness (item 9,
    /// 1...5) is "very much" (4) or "extremely" (5). The total counts items 1...8, the
    /// psychosocial subscale items 5...8.
    public static func startBackCount(agreedItems: Int, bothersomeness: Double) -> Double {
        Double(agreedItems) + (bothersomeness >= 4 ? 1 : 0)
    }
}
