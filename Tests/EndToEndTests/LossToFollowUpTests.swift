import CSVKit
import Foundation
import Testing
import TestSupport

/// The losses to follow-up GRADE's risk of bias states, recounted from the committed clean
/// tables and profiles: of those randomised to a comparison's two arms in its group, the share
/// without its outcome at its visit (a missing baseline is no loss to follow-up).
@Suite struct LossToFollowUpTests {
    static func table(_ path: String) throws -> [[String: String]] {
        let comma = CSVDialect(delimiter: UInt8(ascii: ","))
        let header = try CSVReader(path: path, dialect: comma).header
        return try CSVReader.records(path: path, dialect: comma).map { record in
            Dictionary(zip(header, record.fields.map { $0.hasPrefix("'") ? String($0.dropFirst()) : $0 }),
                       uniquingKeysWith: { first, _ in first })
        }
    }

    @Test(arguments: ["sample-castor", "sample-redcap"])
    func statedLossesAreEachComparisonsOwn(name: String) throws {
        let folder = Repository.path("Reports/\(name)")
        let profiles = try Self.table(folder + "/profiles.csv")
        let visits = try Self.table(folder + "/clean/visits.csv")
        let findings = try Self.table(folder + "/summary_of_findings.csv")
        let field = ["rmdq": "rmdq", "pain_nrs": "pain_nrs", "odi": "odi", "gpe_success": "gpe"]
        var checked = 0
        for finding in findings {
            guard let reasons = finding["reasons"], let range = reasons.range(of: #"[0-9.]+ % lost to follow-up at \w+"#, options: .regularExpression)
            else { continue }
            let stated = reasons[range].split(separator: " ")
            let (percent, visit) = (String(stated[0]), String(stated[stated.count - 1]))
            let arms = (finding["comparison"] ?? "").components(separatedBy: " vs ")
            let group = finding["profile"] ?? ""
            let randomised = Set(profiles.filter { arms.contains($0["arm"] ?? "") && (group == "all" || $0["profile"] == group) }
                .compactMap { $0["participant_id"] })
            let column = try #require(field[finding["outcome"] ?? ""])
            let measured = Set(visits.filter { $0["visit"] == visit && !($0[column] ?? "").isEmpty }.compactMap { $0["participant_id"] })
            let lost = randomised.subtracting(measured).count
            let recounted = (Double(lost) / Double(randomised.count) * 100 * 10).rounded() / 10
            #expect(Double(percent) == recounted, "\(finding["outcome"] ?? "") \(group) \(arms) \(visit): \(percent) % stated")
            checked += 1
        }
        #expect(checked >= 5)
    }
}
