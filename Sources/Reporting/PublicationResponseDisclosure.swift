import Analysis
import StudyModel

/// Which counts of one outcome × timepoint × approach a publication may print: the number
/// analysed and the responders of every group × arm, after ``SmallCellSuppression``.
///
/// The response table, the comparisons table and the forest plot print the same counts (the
/// comparison's `n arm / n reference` are the response cells' numbers analysed), so all three
/// read their suppression from this one grid; a count hidden in one is hidden in all.
///
/// Every group × arm counts as published, whichever levels a particular table prints: the forest
/// plots print subprofiles the tables fold into their profile, and one grid for all outputs keeps
/// a count hidden in one from being printed in another.
///
/// Cells per group × arm: the number analysed and the responders, the non-responders (never printed, but derivable from `n/N`), and the responder total
/// when it differs from the number analysed. Relations: responders + non-responders = total;
/// per arm and count, profile = Σ its subprofiles (a subprofile belongs to the longest profile
/// code it starts with), and `all` = Σ profiles = Σ subprofiles, plus an unpublished cell for
/// randomised participants without a profile when there are any.
struct ResponseDisclosure {
    struct Key: Hashable {
        var group: GroupKey
        var arm: String
    }

    struct Entry {
        var analysed: CountDisclosure
        var responders: CountDisclosure
        var responderTotal: CountDisclosure
    }

    let suppression: SmallCellSuppression
    private(set) var entries: [Key: Entry] = [:]

    /// - Parameter rows: the response rows of one outcome, timepoint and approach.
    init(_ rows: [ResponseRow], suppression: SmallCellSuppression) {
        self.suppression = suppression
        var grid = CountGrid()
        struct Cells { var analysed: Int, responders: Int, nonResponders: Int, total: Int }
        var cells: [Key: Cells] = [:]
        var keysInOrder: [Key] = []
        for row in rows {
            let key = Key(group: row.group, arm: row.arm.id)
            guard cells[key] == nil else { continue }
            let analysed = grid.add(row.analysed)
            // The tables print no responder count, total or percentage for a withheld number analysed.
            let total = row.responderTotal == row.analysed ? analysed : grid.add(row.responderTotal, shownOnlyWith: analysed)
            // With nobody to count, the responders are 0 and the reader knows it (the row shows
            // its 0 analysed): a known count, not an unknown one.
            let responders = grid.add(row.responders, shownOnlyWith: total)
            let nonResponders = grid.add(max(0, row.responderTotal - row.responders), published: false)
            grid.relate(total: total, parts: [responders, nonResponders])
            cells[key] = Cells(analysed: analysed, responders: responders, nonResponders: nonResponders, total: total)
            keysInOrder.append(key)
        }
        // The responder total is its own cell only where it differs from the number analysed.
        let separateTotals = keysInOrder.contains { cells[$0].map { $0.total != $0.analysed } ?? false }
        var measures: [KeyPath<Cells, Int>] = [\.analysed, \.responders, \.nonResponders]
        if separateTotals { measures.append(\.total) }
        let profileCodes = Set(keysInOrder.filter { $0.group.grouping == .profile }.map(\.group.group))
        let arms = keysInOrder.map(\.arm).reduce(into: [String]()) { if !$0.contains($1) { $0.append($1) } }
        for arm in arms {
            let inArm = keysInOrder.filter { $0.arm == arm }
            let profiles = inArm.filter { $0.group.grouping == .profile }
            let subprofiles = inArm.filter { $0.group.grouping == .subprofile }
            for profile in profiles {
                guard let totals = cells[profile] else { continue }
                let children = subprofiles.filter { Self.parent(of: $0.group.group, among: profileCodes) == profile.group.group }
                guard !children.isEmpty else { continue }
                for measure in measures {
                    grid.relate(total: totals[keyPath: measure], parts: children.compactMap { cells[$0]?[keyPath: measure] })
                }
            }
            guard let all = inArm.first(where: { $0.group.grouping == .all }), let allCells = cells[all] else { continue }
            // Randomised participants without a profile: one unpublished cell per count, shared by
            // both levels when they agree (they do when every subprofile nests in its profile).
            var unclassified: [KeyPath<Cells, Int>: Int] = [:]
            for level in [profiles, subprofiles] where !level.isEmpty {
                for measure in measures {
                    let parts = level.compactMap { cells[$0]?[keyPath: measure] }
                    let remainder = grid.cells[allCells[keyPath: measure]].count - parts.reduce(0) { $0 + grid.cells[$1].count }
                    // A negative remainder means the rows do not nest; declaring the sum would be false.
                    guard remainder >= 0 else { continue }
                    if remainder == 0 {
                        grid.relate(total: allCells[keyPath: measure], parts: parts)
                    } else {
                        let cell: Int
                        if let existing = unclassified[measure], grid.cells[existing].count == remainder {
                            cell = existing
                        } else {
                            cell = grid.add(remainder, published: false)
                            unclassified[measure] = cell
                        }
                        grid.relate(total: allCells[keyPath: measure], parts: parts + [cell])
                    }
                }
            }
            let totalMeasure: KeyPath<Cells, Int> = separateTotals ? \.total : \.analysed
            if let total = unclassified[totalMeasure], let responders = unclassified[\.responders],
               let nonResponders = unclassified[\.nonResponders] {
                grid.relate(total: total, parts: [responders, nonResponders])
            }
        }
        let states = suppression.suppress(grid)
        for key in keysInOrder {
            guard let cell = cells[key] else { continue }
            entries[key] = Entry(analysed: states[cell.analysed], responders: states[cell.responders],
                                 responderTotal: states[cell.total])
        }
    }

    /// The profile a subprofile belongs to: the longest profile code it starts with.
    static func parent(of subprofile: String, among profiles: Set<String>) -> String? {
        profiles.filter { subprofile.hasPrefix($0) }.max { $0.count != $1.count ? $0.count < $1.count : $0 > $1 }
    }

    func entry(_ group: GroupKey, _ arm: String) -> Entry? {
        entries[Key(group: group, arm: arm)]
    }

    /// How the number analysed of a cell is printed; `count` is used when the cell is unknown
    /// to the grid (then only the small-count rule applies).
    func analysed(_ group: GroupKey, _ arm: String, count: Int) -> CountDisclosure {
        entry(group, arm)?.analysed ?? (suppression.isSmall(count) ? .small : .shown)
    }

    /// A count as printed: the number, `<threshold`, or the withheld mark.
    func text(_ count: Int, _ disclosure: CountDisclosure) -> String {
        PublicationText.count(count, disclosure, suppression)
    }
}

/// Text conventions shared by the publication tables and figures.
enum PublicationText {
    /// Printed for a count withheld by complementary suppression and for a statistic withheld
    /// because it would reveal a suppressed count (the convention of Statistics Canada).
    static let withheld = "x"

    static func count(_ count: Int, _ disclosure: CountDisclosure, _ suppression: SmallCellSuppression) -> String {
        switch disclosure {
        case .shown: String(count)
        case .small: suppression.smallMarker
        case .complementary, .unpublished: withheld
        }
    }

    /// The note under every table that suppresses.
    static func suppressionNote(_ suppression: SmallCellSuppression) -> String? {
        guard suppression.threshold > 1 || suppression.protectsZeros else { return nil }
        let range = suppression.threshold > 2 ? "1 to \(suppression.threshold - 1)" : "1"
        let zeros = suppression.protectsZeros ? "Counts of 0 and \(range)" : "Counts of \(range)"
        return "\(zeros) are shown as \(suppression.smallMarker); \(withheld) marks a count withheld so that a small "
            + "count cannot be worked out from totals, and statistics withheld because they would reveal a "
            + "suppressed count."
    }

    static func approach(_ approach: MissingDataApproach) -> String {
        switch approach {
        case .completeCase: "complete case"
        case .baselineCarriedForward: "baseline observation carried forward"
        case .nonResponderImputation: "non-responder imputation"
        }
    }

    static func group(_ key: GroupKey) -> String {
        switch key.grouping {
        case .all: "All"
        case .profile: "Profile " + key.group
        case .subprofile: "Subprofile " + key.group
        }
    }

    static func grouping(_ grouping: Grouping) -> String {
        switch grouping {
        case .all: "all randomised"
        case .profile: "profile"
        case .subprofile: "subprofile"
        }
    }
}
