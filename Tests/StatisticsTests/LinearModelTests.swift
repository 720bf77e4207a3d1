import Testing
import TestSupport
@testable import Statistics

/// Each of the fixture case's F-tests, from `fTest(dropped terms)`, against statsmodels' result
/// (nil where statsmodels has nothing to test).
private func expectFTests(_ row: Reference.LinearModelRow, _ fTest: ([Term]) -> FTest?) throws {
    for test in row.fTests {
        let dropped = test.drop.map(Term.init)
        let actual = fTest(dropped)
        let label = "\(row.name) dropping \(dropped)"
        guard let expected = test.expected else {
            #expect(actual == nil, "\(label) has nothing to test")
            continue
        }
        let f = try #require(actual, "\(label)")
        expectClose(f.f, expected.f, "\(label) F")
        expectClose(f.pValue, expected.pValue, "\(label) p")
        #expect(f.numeratorDegreesOfFreedom == expected.numeratorDegreesOfFreedom, "\(label)")
        #expect(f.denominatorDegreesOfFreedom == expected.denominatorDegreesOfFreedom, "\(label)")
        expectClose(f.reducedResidualSumOfSquares, expected.reducedResidualSumOfSquares, "\(label) reduced RSS")
    }
}

@Suite("Linear models")
struct LinearModelTests {
    /// Builds the fixture case's design with the Swift builder and fits it: on the rows when
    /// `blockRows` is nil, else after reducing `[X | y]` to a triangle in blocks of that many rows.
    private func fit(_ row: Reference.LinearModelRow, blockRows: Int? = nil) throws -> LinearModel {
        guard case .numbers(let response) = try #require(row.data["y"]) else {
            Issue.record("\(row.name): the response is not numeric")
            throw FixtureError.missing
        }
        var builder = DesignBuilder(rowCount: response.count)
        for (name, column) in row.data.sorted(by: { $0.key < $1.key }) where name != "y" {
            switch column {
            case .numbers(let values): try builder.addNumeric(name, values)
            case .labels(let labels): try builder.addFactor(name, labels, levels: try #require(row.levels[name]))
            }
        }
        let design = try builder.build(row.terms.map(Term.init))
        return try #require(LinearModel(design: design, response: response, tolerance: 1e-7, blockRows: blockRows),
                            "\(row.name)")
    }

    /// Each case fitted on its rows and after the blocked reduction, with blocks of one row, of
    /// a few and of more rows than the case has.
    @Test("coefficients, SEs, RSS, rank and aliasing match statsmodels", arguments: [
        "covariance", "interaction", "emptyCell", "emptyReferenceCell", "collinear",
    ], [nil, 1, 3, 1000])
    func againstReference(name: String, blockRows: Int?) throws {
        let row = try #require(try Reference.load().linearModels.first { $0.name == name })
        let model = try fit(row, blockRows: blockRows)
        #expect(Set(model.design.columnNames) == Set(row.columnNames))
        #expect(model.aliasedColumnNames == row.aliased)
        #expect(model.isRankDeficient == !row.aliased.isEmpty)
        #expect(model.rank == row.rank)
        #expect(model.residualDegreesOfFreedom == row.residualDegreesOfFreedom)
        expectClose(model.residualSumOfSquares, row.residualSumOfSquares, "\(name) RSS")
        expectClose(model.residualVariance, row.residualVariance, "\(name) σ²")
        // The fixture's estimated coefficients are exactly the model's (no more, no fewer).
        #expect(Set(model.estimatedColumns.map { model.design.columnNames[$0] }) == Set(row.coefficients.keys))
        for (column, expected) in row.coefficients {
            let coefficient = try #require(model.coefficient(named: column), "\(name) \(column)")
            let label = "\(name) \(column)"
            expectClose(coefficient.estimate, expected.estimate, scale: expected.standardError, "\(label) estimate")
            expectClose(coefficient.standardError, expected.standardError, "\(label) SE")
            expectClose(coefficient.pValue, expected.pValue, "\(label) p")
            expectClose(coefficient.interval.lower, expected.lower, scale: expected.standardError, "\(label) lower")
            expectClose(coefficient.interval.upper, expected.upper, scale: expected.standardError, "\(label) upper")
        }
        for column in row.aliased {
            #expect(model.coefficient(named: column) == nil, "\(name) \(column) is aliased")
            let index = try #require(model.design.columnNames.firstIndex(of: column))
            #expect(model.coefficients[index] == nil)
            #expect(model.standardErrors[index] == nil)
        }
        try expectFTests(row) { model.fTest(dropping: $0) }
    }

    /// A tall ANCOVA-like design (three arms, one of them without rows, and a covariate), fitted
    /// on its rows and reduced in blocks: the same rank, aliasing, coefficients, standard errors
    /// and residual sum of squares, up to rounding (estimates on the scale of their SE).
    @Test("the blocked reduction gives the fit on the rows", arguments: [1, 7, 256])
    func blockedReduction(blockRows: Int) throws {
        let n = 5_000
        var generator = SeededGenerator(seed: 11)
        let arm = (0..<n).map { _ in Int.random(in: 0...1, using: &generator) * 2 }   // level 1 unused
        let baseline = (0..<n).map { _ in Double(Int.random(in: 0...24, using: &generator)) }
        let followUp = zip(arm, baseline).map { arm, baseline in
            0.6 * baseline - 1.5 * Double(arm) + Double.random(in: -3...3, using: &generator)
        }
        var builder = DesignBuilder(rowCount: n)
        try builder.addFactor("arm", codes: arm, levels: ["a", "b", "c"])
        try builder.addNumeric("baseline", baseline)
        let design = try builder.build([.main("arm"), .main("baseline")])
        let rows = try #require(LinearModel(design: design, response: followUp, tolerance: 1e-7, blockRows: nil))
        let blocked = try #require(LinearModel(design: design, response: followUp, tolerance: 1e-7, blockRows: blockRows))
        #expect(rows.aliasedColumnNames == ["arm[b]"])
        #expect(blocked.aliasedColumns == rows.aliasedColumns)
        #expect(blocked.rank == rows.rank && blocked.residualDegreesOfFreedom == n - 3)
        expectClose(blocked.residualSumOfSquares, rows.residualSumOfSquares, "RSS")
        for index in rows.estimatedColumns {
            // An estimate near 0 (the intercept here) is compared on the scale of its SE.
            expectClose(blocked.coefficients[index] ?? .nan, rows.coefficients[index] ?? .nan,
                        scale: rows.standardErrors[index] ?? 0, "coefficient \(index)")
            expectClose(blocked.standardErrors[index] ?? .nan, rows.standardErrors[index] ?? .nan, "SE \(index)")
        }
    }

    @Test("an empty interaction cell gives an all-zero column that is reported as aliased")
    func emptyCellColumnIsZero() throws {
        let row = try #require(try Reference.load().linearModels.first { $0.name == "emptyCell" })
        let model = try fit(row)
        let index = try #require(model.design.columnNames.firstIndex(of: "a[a3]:b[b2]"))
        #expect(model.design.column(index).allSatisfy { $0 == 0 })
        #expect(model.aliasedColumns == [index])
    }

    @Test("a two-group model reproduces the pooled t-test and a one-factor F the ANOVA")
    func agreesWithClassicalTests() throws {
        let first = [5.1, 6.3, 4.8, 7.0, 5.5, 6.1]
        let second = [4.0, 3.2, 5.1, 4.4, 3.9]
        var builder = DesignBuilder(rowCount: 11)
        try builder.addFactor("group", Array(repeating: "r", count: 6) + Array(repeating: "s", count: 5), levels: ["r", "s"])
        let model = try #require(LinearModel(design: try builder.build([.main("group")]), response: first + second))
        let coefficient = try #require(model.coefficient(named: "group[s]"))
        let t = try #require(TwoSampleTTest.pooled(Moments(second), Moments(first)))
        expectClose(coefficient.estimate, t.difference, relative: 1e-13, "difference")
        expectClose(coefficient.standardError, t.standardError, relative: 1e-13, "SE")
        expectClose(coefficient.pValue, t.pValue, relative: 1e-12, "p")
        let f = try #require(model.fTest(dropping: [.main("group")]))
        let anova = try #require(OneWayANOVA([Moments(first), Moments(second)]))
        expectClose(f.f, anova.f, relative: 1e-12, "F")
        #expect(f.numeratorDegreesOfFreedom == 1 && f.denominatorDegreesOfFreedom == 9)
        // Dropping the intercept too leaves the null model y = 0.
        let all = try #require(model.fTest(dropping: [.intercept, .main("group")]))
        #expect(all.numeratorDegreesOfFreedom == 2)
        expectClose(all.reducedResidualSumOfSquares, (first + second).reduce(0) { $0 + $1 * $1 }, relative: 1e-14, "Σy²")
    }

    @Test("a saturated fit has no error estimate, and bad input gives nil")
    func degenerate() throws {
        let design = try #require(DesignMatrix(columns: [[1, 1, 1], [0, 1, 2], [0, 1, 4]], names: ["one", "x", "x2"]))
        let saturated = try #require(LinearModel(design: design, response: [1, 3, 2]))
        #expect(saturated.rank == 3)
        #expect(saturated.residualDegreesOfFreedom == 0)
        #expect(saturated.residualVariance == nil)
        #expect(saturated.standardErrors.allSatisfy { $0 == nil })
        #expect(saturated.coefficient(named: "x") == nil)
        #expect(saturated.fTest(dropping: [Term(["x2"])]) == nil)
        expectClose(saturated.coefficients[2] ?? .nan, -1.5, relative: 1e-13, "exact interpolation")

        #expect(LinearModel(design: design, response: [1, 2]) == nil)
        #expect(LinearModel(design: design, response: [1, .nan, 2]) == nil)
        #expect(LinearModel(design: design, response: [1, 2, 3], tolerance: 1) == nil)
        #expect(DesignMatrix(columns: [[1, 2], [1]], names: ["a", "b"]) == nil)
        #expect(DesignMatrix(columns: [[1, .infinity]], names: ["a"]) == nil)
        #expect(DesignMatrix(columns: [[1, 2]], names: ["a", "b"]) == nil)
    }

    /// follow-up = baseline − 3 in one arm and baseline − 1 in the other: the ANCOVA fits exactly,
    /// its residuals are rounding noise, and a t-test on them would report a made-up p (statsmodels
    /// gives a different one each time the data are permuted). One changed follow-up gives an
    /// ordinary fit again.
    @Test("an exact fit has no error estimate; a near one keeps it", arguments: [false, true])
    func exactFit(perturbed: Bool) throws {
        let baseline: [Double] = [12, 15, 9, 18, 11, 14, 10, 16]
        let arm: [Double] = [0, 0, 0, 0, 1, 1, 1, 1]
        var followUp = zip(baseline, arm).map { $0 - ($1 == 1 ? 1 : 3) }
        if perturbed { followUp[2] += 1 }
        let design = try #require(DesignMatrix(columns: [[Double](repeating: 1, count: 8), arm, baseline],
                                               names: ["(Intercept)", "arm", "baseline"]))
        let model = try #require(LinearModel(design: design, response: followUp))
        #expect(model.isExactFit == !perturbed)
        #expect((model.residualVariance == nil) == !perturbed)
        #expect((model.coefficient(named: "arm") == nil) == !perturbed)
        #expect((model.fTest(dropping: [Term(["arm"])]) == nil) == !perturbed)
        if perturbed {
            // An ordinary fit: a positive standard error and a p-value strictly inside (0, 1).
            let arm = try #require(model.coefficient(named: "arm"))
            #expect(arm.standardError > 1e-3 && arm.pValue > 0 && arm.pValue < 1)
        } else {
            expectClose(model.coefficients[1] ?? .nan, 2, relative: 1e-12, "the shift is exact")
        }
    }

    /// Rounding in the fit grows with the number of observations (about 1e-18 · n relative):
    /// at a million rows an exact fit must still count as one.
    @Test("an exact fit on a million rows is still exact")
    func exactFitAtAMillionRows() throws {
        let n = 1_000_000
        // Arms in blocks (as a file sorted by arm), baselines scattered over 0...24.
        var generator = SeededGenerator(seed: 7)
        let baseline = (0..<n).map { _ in Double(Int.random(in: 0...24, using: &generator)) }
        let arm = (0..<n).map { Double($0 < n / 2 ? 0 : 1) }
        let followUp = zip(baseline, arm).map { $0 - ($1 == 1 ? 2 : 1) }
        let design = try #require(DesignMatrix(columns: [[Double](repeating: 1, count: n), arm, baseline],
                                               names: ["(Intercept)", "arm", "baseline"]))
        let model = try #require(LinearModel(design: design, response: followUp))
        #expect(model.isExactFit)
        #expect(model.coefficient(named: "arm") == nil)
        // With room to spare: other builds round differently (1.1e-12 was seen at this size).
        let ratio = model.residualSumOfSquares.squareRoot() / followUp.reduce(0) { $0 + $1 * $1 }.squareRoot()
        #expect(ratio < LinearModel.exactFitRatio / 100, "√RSS/‖y‖ = \(ratio)")
    }

    /// The F-test from group moments: changes that are the same within each arm × group cell up
    /// to rounding (decimal scores differ in their last bits) leave a residual of rounding noise
    /// only; no F is built on it. One participant off the pattern gives an ordinary test.
    @Test("the grouped F-test of an exact fit is nil", arguments: [false, true])
    func groupedExactFit(perturbed: Bool) throws {
        var builder = DesignBuilder(rowCount: 6)
        try builder.addFactor("arm", codes: [0, 0, 0, 1, 1, 1], levels: ["a", "b"])
        try builder.addFactor("group", codes: [0, 1, 2, 0, 1, 2], levels: ["x", "y", "z"])
        let design = try builder.build(Term.crossed("arm", "group"))
        // Cell means: 1.1 + 0.7 · arm + (0, 2.3, 4.6) by group, four observations each.
        var groups = (0..<6).map { cell -> Moments in
            let mean = 1.1 + 0.7 * Double(cell / 3) + 2.3 * Double(cell % 3)
            return Moments([mean, mean.nextUp, mean.nextDown, mean])
        }
        if perturbed { groups[4].add(groups[4].mean.map { $0 + 1 } ?? 0) }
        let test = GroupedLinearModel.fTest(design: design, groups: groups, dropping: [.interaction("arm", "group")])
        #expect((test == nil) == !perturbed)
    }

    @Test("the builder codes factors against the reference and names interaction columns")
    func builder() throws {
        var builder = DesignBuilder(rowCount: 4)
        try builder.addFactor("a", ["p", "q", "r", "q"], levels: ["q", "p", "r"])
        try builder.addFactor("b", ["m", "n", "n", "m"], levels: ["m", "n"])
        try builder.addNumeric("x", [1, 2, 3, 4])
        let design = try builder.build(Term.crossed("a", "b") + [.interaction("a", "x")])
        #expect(design.columnNames == [
            "(Intercept)", "a[p]", "a[r]", "b[n]", "a[p]:b[n]", "a[r]:b[n]", "a[p]:x", "a[r]:x",
        ])
        #expect(Array(design.column(1)) == [1, 0, 0, 0])
        #expect(Array(design.column(5)) == [0, 0, 1, 0])
        #expect(Array(design.column(7)) == [0, 0, 3, 0])
        #expect(design.terms.map(\.description) == ["(Intercept)", "a", "b", "a:b", "a:x"])
        #expect(Term.crossed("a", "b", "c").map(\.description) == ["a", "b", "c", "a:b", "a:c", "b:c", "a:b:c"])
        let noIntercept = try builder.build([.main("x")], intercept: false)
        #expect(noIntercept.columnNames == ["x"])
    }

    @Test("the builder rejects bad input with a located error")
    func builderErrors() throws {
        var builder = DesignBuilder(rowCount: 3)
        try builder.addNumeric("x", [1, 2, 3])
        #expect(throws: DesignError.duplicateVariable("x")) { try builder.addNumeric("x", [1, 2, 3]) }
        #expect(throws: DesignError.lengthMismatch(variable: "y", expected: 3, actual: 2)) {
            try builder.addNumeric("y", [1, 2])
        }
        #expect(throws: DesignError.nonFiniteValue(variable: "z", row: 1)) { try builder.addNumeric("z", [1, .nan, 2]) }
        #expect(throws: DesignError.invalidLevels(variable: "f")) { try builder.addFactor("f", ["a", "a", "a"], levels: []) }
        #expect(throws: DesignError.invalidLevels(variable: "f")) {
            try builder.addFactor("f", ["a", "a", "a"], levels: ["a", "a"])
        }
        #expect(throws: DesignError.unknownLevel(variable: "f", row: 2, label: "c")) {
            try builder.addFactor("f", ["a", "b", "c"], levels: ["a", "b"])
        }
        #expect(throws: DesignError.unknownVariable("w")) { try builder.build([.main("w")]) }
        #expect(throws: DesignError.invalidTerm("x")) { try builder.build([.main("x"), .main("x")]) }
        #expect(throws: DesignError.invalidTerm("x:x")) { try builder.build([.interaction("x", "x")]) }
        #expect(DesignError.unknownLevel(variable: "f", row: 2, label: "c").description
            == "the label 'c' in row 2 is not a level of the factor 'f'")
    }

    @Test("a factor given by level positions is the factor given by labels")
    func factorFromCodes() throws {
        var byLabel = DesignBuilder(rowCount: 5)
        try byLabel.addFactor("a", ["p", "q", "r", "q", "q"], levels: ["q", "p", "r"])
        try byLabel.addNumeric("x", [1, 2, 3, 4, 6])
        var byCode = DesignBuilder(rowCount: 5)
        try byCode.addFactor("a", codes: [1, 0, 2, 0, 0], levels: ["q", "p", "r"])
        try byCode.addNumeric("x", [1, 2, 3, 4, 6])
        let terms = [Term.main("a"), .main("x"), .interaction("a", "x")]
        #expect(try byCode.build(terms) == byLabel.build(terms))
        var bad = DesignBuilder(rowCount: 3)
        #expect(throws: DesignError.unknownLevel(variable: "f", row: 1, label: "2")) {
            try bad.addFactor("f", codes: [0, 2, 1], levels: ["a", "b"])
        }
        #expect(throws: DesignError.unknownLevel(variable: "f", row: 0, label: "-1")) {
            try bad.addFactor("f", codes: [-1, 0, 1], levels: ["a", "b"])
        }
        #expect(throws: DesignError.lengthMismatch(variable: "f", expected: 3, actual: 2)) {
            try bad.addFactor("f", codes: [0, 1], levels: ["a", "b"])
        }
        #expect(throws: DesignError.invalidLevels(variable: "f")) { try bad.addFactor("f", codes: [0, 0, 0], levels: ["a", "a"]) }
    }

    @Test("an exactly collinear numeric column is aliased, not solved")
    func collinearity() throws {
        let x = [0.3, 1.7, 2.2, 3.9, 4.1, 5.6]
        let design = try #require(DesignMatrix(
            columns: [Array(repeating: 1, count: 6), x, x.map { 2 * $0 - 1 }],
            names: ["one", "x", "z"]
        ))
        let model = try #require(LinearModel(design: design, response: [1, 2, 2.5, 4.2, 4.0, 6.1]))
        #expect(model.aliasedColumnNames == ["z"])
        #expect(model.rank == 2)
        #expect(model.fTest(dropping: [Term(["z"])]) == nil)
    }
}

/// Factor-only models fitted from per-group summaries must give the F-tests of the fit to the
/// observations: statsmodels' for the fixture's two-way layouts (one with an empty cell, one with
/// an empty reference cell), and the row-level QR's on unbalanced layouts with empty cells.
@Suite("Linear models from group summaries")
struct GroupedLinearModelTests {
    /// The design with one row per combination of the factors' levels (first factor varying
    /// slowest), and each combination's moments, from observations given as labels and responses.
    private func grouped(_ labels: [String: [String]], levels: [String: [String]], factors: [String],
                         response: [Double], terms: [Term]) throws -> (DesignMatrix, [Moments]) {
        var combinations: [[String]] = [[]]
        for factor in factors {
            let factorLevels = try #require(levels[factor])
            combinations = combinations.flatMap { prefix in factorLevels.map { prefix + [$0] } }
        }
        var moments = Array(repeating: Moments(), count: combinations.count)
        for row in response.indices {
            let key = try factors.map { try #require(labels[$0])[row] }
            let index = try #require(combinations.firstIndex(of: key))
            moments[index].add(response[row])
        }
        var builder = DesignBuilder(rowCount: combinations.count)
        for (position, factor) in factors.enumerated() {
            try builder.addFactor(factor, combinations.map { $0[position] }, levels: try #require(levels[factor]))
        }
        return (try builder.build(terms), moments)
    }

    @Test("the fixture's two-way F-tests match statsmodels", arguments: ["interaction", "emptyCell", "emptyReferenceCell"])
    func againstReference(name: String) throws {
        let row = try #require(try Reference.load().linearModels.first { $0.name == name })
        guard case .numbers(let response) = try #require(row.data["y"]) else {
            Issue.record("\(name): the response is not numeric")
            return
        }
        var labels: [String: [String]] = [:]
        for (factor, column) in row.data where factor != "y" {
            guard case .labels(let values) = column else {
                Issue.record("\(name): '\(factor)' is not a factor")
                return
            }
            labels[factor] = values
        }
        let (design, groups) = try grouped(labels, levels: row.levels, factors: ["a", "b"], response: response,
                                           terms: row.terms.map(Term.init))
        #expect(groups.reduce(0) { $0 + $1.count } == response.count)
        try expectFTests(row) { GroupedLinearModel.fTest(design: design, groups: groups, dropping: $0) }
    }

    @Test("unbalanced layouts with empty cells give the row-level fit's F-test", arguments: [1, 2, 3, 4, 5, 6])
    func againstRowLevelFit(seed: UInt64) throws {
        // A small deterministic generator (SplitMix64), so each case is the same on every run.
        var state = seed &* 0x9E37_79B9_7F4A_7C15
        func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
        func uniform() -> Double { Double(next() >> 11) / Double(1 << 53) }
        let levels = ["arm": ["ref", "a1", "a2"], "group": ["g1", "g2", "g3", "g4"]]
        // Seed-dependent empty cells: cell (arm 2, group seed % 4), and for even seeds all of group g4's
        // non-reference arms, so that the interaction loses columns to aliasing.
        var arms: [String] = []
        var groups: [String] = []
        var response: [Double] = []
        for row in 0..<(150 + Int(seed) * 37) {
            let arm = Int(next() % 3)
            let group = Int(next() % 4)
            if arm == 2, group == Int(seed % 4) { continue }
            if seed % 2 == 0, group == 3, arm > 0 { continue }
            arms.append(levels["arm", default: []][arm])
            groups.append(levels["group", default: []][group])
            response.append(10 + Double(arm) * 1.5 - Double(group) * 0.7 + (arm == 1 && group == 1 ? 2 : 0)
                + 3 * (uniform() - 0.5) + Double(row % 5) * 0.01)
        }
        let terms = Term.crossed("arm", "group")
        var builder = DesignBuilder(rowCount: response.count)
        try builder.addFactor("arm", arms, levels: try #require(levels["arm"]))
        try builder.addFactor("group", groups, levels: try #require(levels["group"]))
        let model = try #require(LinearModel(design: try builder.build(terms), response: response))
        let (design, cells) = try grouped(["arm": arms, "group": groups], levels: levels, factors: ["arm", "group"],
                                          response: response, terms: terms)
        for dropped in [[Term.interaction("arm", "group")], [Term.main("group"), Term.interaction("arm", "group")]] {
            let expected = try #require(model.fTest(dropping: dropped), "seed \(seed) dropping \(dropped)")
            let actual = try #require(GroupedLinearModel.fTest(design: design, groups: cells, dropping: dropped))
            #expect(actual.numeratorDegreesOfFreedom == expected.numeratorDegreesOfFreedom, "seed \(seed)")
            #expect(actual.denominatorDegreesOfFreedom == expected.denominatorDegreesOfFreedom, "seed \(seed)")
            expectClose(actual.f, expected.f, relative: 1e-9, "seed \(seed) F")
            expectClose(actual.pValue, expected.pValue, relative: 1e-9, "seed \(seed) p")
            expectClose(actual.fullResidualSumOfSquares, expected.fullResidualSumOfSquares, relative: 1e-9, "seed \(seed) RSS")
        }
    }

    @Test("no observations, a design of another length or an unknown term give nil")
    func badInput() throws {
        var builder = DesignBuilder(rowCount: 2)
        try builder.addFactor("a", ["x", "y"], levels: ["x", "y"])
        let design = try builder.build([.main("a")])
        let groups = [Moments([1, 2, 3]), Moments([4, 5])]
        #expect(GroupedLinearModel.fTest(design: design, groups: groups, dropping: [.main("a")]) != nil)
        #expect(GroupedLinearModel.fTest(design: design, groups: [Moments(), Moments()], dropping: [.main("a")]) == nil)
        #expect(GroupedLinearModel.fTest(design: design, groups: [groups[0]], dropping: [.main("a")]) == nil)
        #expect(GroupedLinearModel.fTest(design: design, groups: groups, dropping: [.main("b")]) == nil)
        #expect(GroupedLinearModel.fTest(design: design, groups: groups, dropping: []) == nil)
    }
}

extension GroupedLinearModelTests {
    @Test("a full model that fits every observation exactly leaves nothing to test")
    func exactFitGivesNil() throws {
        var builder = DesignBuilder(rowCount: 4)
        try builder.addFactor("a", ["x", "y", "x", "y"], levels: ["x", "y"])
        try builder.addFactor("b", ["u", "u", "v", "v"], levels: ["u", "v"])
        let design = try builder.build(Term.crossed("a", "b"))
        // Every cell's values are equal: no residual variation in the full model.
        let exact = [Moments([1, 1]), Moments([2, 2, 2]), Moments([4, 4]), Moments([3, 3])]
        #expect(GroupedLinearModel.fTest(design: design, groups: exact, dropping: [Term.interaction("a", "b")]) == nil)
        // One value off in one cell: the test exists, with F from the within-cell variation.
        let noisy = [Moments([1, 1.5]), Moments([2, 2, 2]), Moments([4, 4]), Moments([3, 3])]
        let test = try #require(GroupedLinearModel.fTest(design: design, groups: noisy, dropping: [Term.interaction("a", "b")]))
        #expect(test.numeratorDegreesOfFreedom == 1)
        #expect(test.denominatorDegreesOfFreedom == 5)
        expectClose(test.fullResidualSumOfSquares, 0.125, "within-cell sum of squares")
    }
}
