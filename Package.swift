// swift-tools-version:6.0
//
// lbp: batch pipeline for the Dutch exercise-therapy trial in low back pain.
// Modules follow the data flow: CSV in, staged study data, profiles, statistics, evidence, reports.

import PackageDescription

// MARK: - External packages (only versions present on the build machines)

let externalPackages: [Package.Dependency] = [
    .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
    .package(url: "https://github.com/jpsim/Yams", from: "6.0.0"),
    .package(url: "https://github.com/apple/swift-crypto", from: "3.12.0"),
]

let argumentParser: Target.Dependency = .product(name: "ArgumentParser", package: "swift-argument-parser")
let yams: Target.Dependency = .product(name: "Yams", package: "Yams")
let crypto: Target.Dependency = .product(name: "Crypto", package: "swift-crypto")

// MARK: - C glue

/// libcsv (Debian `libcsv-dev`): header `<csv.h>`, library `-lcsv`; Debian ships no pkg-config file.
let cLibCSV: Target = .systemLibrary(
    name: "CLibCSV",
    path: "Sources/CLibCSV",
    providers: [.apt(["libcsv-dev"])]
)

// MARK: - Library modules, in data-flow order

let libraries: [Target] = [
    .target(name: "CSVKit", dependencies: ["CLibCSV"], exclude: ["README.md"]),
    .target(name: "StudyModel", exclude: ["README.md"]),
    .target(name: "PipelineSpec", dependencies: ["StudyModel", yams], exclude: ["README.md"]),
    .target(name: "Staging", dependencies: ["StudyModel", "PipelineSpec", "CSVKit"], exclude: ["README.md"]),
    .target(name: "Profiling", dependencies: ["StudyModel", "PipelineSpec"], exclude: ["README.md"]),
    .target(name: "Statistics", exclude: ["README.md"]),
    .target(name: "Analysis", dependencies: ["StudyModel", "Statistics"], exclude: ["README.md"]),
    .target(name: "Evidence", dependencies: ["StudyModel", "Statistics", "CSVKit"], exclude: ["README.md"]),
    .target(name: "Reporting", dependencies: ["StudyModel", "PipelineSpec", "Staging", "Profiling", "Analysis", "Evidence", "CSVKit"],
            exclude: ["README.md"]),
    .target(name: "SampleDataGenerator", dependencies: ["StudyModel", "CSVKit"], exclude: ["README.md"]),
    .target(name: "PipelineRunner", dependencies: [
        "StudyModel", "PipelineSpec", "CSVKit", "Staging", "Profiling", "Analysis", "Evidence", "Reporting", crypto,
    ], exclude: ["README.md"]),
]

// MARK: - Executables

let executables: [Target] = [
    .executableTarget(name: "lbp", dependencies: ["PipelineRunner", "SampleDataGenerator", argumentParser]),
    .executableTarget(name: "lbp-bench", dependencies: ["CSVKit", "PipelineSpec", "Staging", "PipelineRunner"], path: "Benchmarks/lbp-bench"),
]

// MARK: - Tests (one target per module, plus end-to-end and shared support)

let tests: [Target] = [
    .target(name: "TestSupport", path: "Tests/TestSupport"),
    .testTarget(name: "CSVKitTests", dependencies: ["CSVKit", "TestSupport"]),
    .testTarget(name: "StudyModelTests", dependencies: ["StudyModel", "TestSupport"]),
    .testTarget(name: "PipelineSpecTests", dependencies: ["PipelineSpec", "TestSupport"]),
    .testTarget(name: "StagingTests", dependencies: ["Staging", "CSVKit", "PipelineRunner", "TestSupport"]),
    .testTarget(name: "ProfilingTests", dependencies: ["Profiling", "TestSupport"]),
    .testTarget(name: "StatisticsTests", dependencies: ["Statistics", "TestSupport"], resources: [.copy("Fixtures")]),
    .testTarget(name: "AnalysisTests", dependencies: ["Analysis", "TestSupport"], exclude: ["Fixtures"]),
    .testTarget(name: "EvidenceTests", dependencies: ["Evidence", "TestSupport"]),
    .testTarget(name: "ReportingTests", dependencies: ["Reporting", "Evidence", "Statistics", "TestSupport"]),
    .testTarget(name: "SampleDataGeneratorTests", dependencies: ["SampleDataGenerator", "CSVKit", "TestSupport"],
                exclude: ["check_interaction.py"]),
    .testTarget(name: "EndToEndTests", dependencies: ["PipelineRunner", "Analysis", "Profiling", "Reporting", "CSVKit", "TestSupport"]),
]

let package = Package(
    name: "lbp",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "lbp", targets: ["lbp"]),
    ],
    dependencies: externalPackages,
    targets: [cLibCSV] + libraries + executables + tests
)
