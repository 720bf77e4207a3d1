/// A result row that belongs to a group, outcome, timepoint and missing-data approach.
public protocol GroupedResult {
    var group: GroupKey { get }
    var outcome: String { get }
    var timepoint: String { get }
    var approach: MissingDataApproach { get }
}

extension ResponseRow: GroupedResult {}
extension ComparisonRow: GroupedResult {}
