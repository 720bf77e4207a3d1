#!/usr/bin/env bash
# Benchmarks for lbp: wall time, throughput and peak memory of each measured stage on generated
# Castor-style batches, printed as one table. Called by `make bench`; builds what it needs.
#
# Each measured command is one `stage_*` function below; to add a stage (staging, a full run),
# write one more function and add its name to STAGES. Benchmarks are not tests: nothing here fails
# a build, the table only marks whether the reader meets its bar.
#
# Settings (environment): BENCH_SIZES_MB (default "200 400"), BENCH_REPEAT (default 3: each
# command runs that many times, interleaved with the others; the table keeps the fastest run and
# the largest peak memory), SWIFT (default swift).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
BENCH="$ROOT/Benchmarks"
OUT="$BENCH/out"
SIZES_MB="${BENCH_SIZES_MB:-200 400}"
REPEAT="${BENCH_REPEAT:-3}"
SWIFT="${SWIFT:-swift}"

# The stages measured, in table order. The first is the baseline the others are compared with.
STAGES=(c_counter reader)

# The reader's bar (from the issue): at most this many times the C counter's wall time, and a peak
# resident memory below this many MiB for any file size.
READER_MAX_RATIO=1.3
READER_MAX_PEAK_MB=64

# MARK: - Stages: each sets CMD to one command run on "$1" (the CSV file), whose standard output
# includes "rows N"; the label names it in the table.

stage_c_counter_label="C libcsv counter (csvcount.c)"
stage_c_counter() { CMD=("$OUT/csvcount" "$1" ';'); }

stage_reader_label="CSVKit reader (lbp-bench read)"
stage_reader() { CMD=("$LBP_BENCH" read "$1"); }

# MARK: - Building and data

build_tools() {
    mkdir -p "$OUT"
    if [[ ! -x "$OUT/csvcount" || "$BENCH/csvcount.c" -nt "$OUT/csvcount" ]]; then
        echo "building csvcount (cc -O2 Benchmarks/csvcount.c -lcsv)" >&2
        cc -O2 -o "$OUT/csvcount" "$BENCH/csvcount.c" -lcsv
    fi
    echo "building lbp-bench (swift build -c release --product lbp-bench)" >&2
    (cd "$ROOT" && "$SWIFT" build -c release --product lbp-bench >&2)
    LBP_BENCH="$(cd "$ROOT" && "$SWIFT" build -c release --show-bin-path)/lbp-bench"
}

# The Castor-style file of about $1 MB (generated once; regenerated when the generator changes).
data_file() {
    local file="$OUT/castor-$1mb.csv"
    if [[ ! -f "$file" || "$BENCH/generate_castor.py" -nt "$file" ]]; then
        echo "generating $file" >&2
        python3 "$BENCH/generate_castor.py" "$1" "$file"
    fi
    echo "$file"
}

# MARK: - Measuring

# Runs stage $1 on file $2 once; prints "wall_seconds peak_kb cpu_seconds rows" (CPU = user + system).
run_once() {
    local stage=$1 file=$2 timing output
    "stage_$stage" "$file"
    timing="$(mktemp)"
    output="$(/usr/bin/time -f '%e %M %U %S' -o "$timing" "${CMD[@]}")"
    local rows
    rows="$(sed -n 's/.*rows \([0-9]*\).*/\1/p' <<<"$output" | head -n 1)"
    awk -v rows="${rows:-0}" '{ printf "%s %s %.2f %s\n", $1, $2, $3 + $4, rows }' <(tail -n 1 "$timing")
    rm -f "$timing"
}

# MARK: - Table

main() {
    if [[ ! -x /usr/bin/time ]]; then
        echo "run.sh needs /usr/bin/time (Debian package 'time')" >&2
        exit 2
    fi
    build_tools
    local -A best_wall best_cpu peak_kb rows
    local size stage file
    local -a sizes
    read -r -a sizes <<<"$SIZES_MB"
    for size in "${sizes[@]}"; do
        file="$(data_file "$size")"
        for ((round = 1; round <= REPEAT; round++)); do
            for stage in "${STAGES[@]}"; do
                read -r wall kb cpu n < <(run_once "$stage" "$file")
                local key="$size/$stage"
                if [[ -z "${best_wall[$key]:-}" ]] || awk -v a="$wall" -v b="${best_wall[$key]}" 'BEGIN { exit !(a < b) }'; then
                    best_wall[$key]=$wall
                fi
                if [[ -z "${best_cpu[$key]:-}" ]] || awk -v a="$cpu" -v b="${best_cpu[$key]}" 'BEGIN { exit !(a < b) }'; then
                    best_cpu[$key]=$cpu
                fi
                if [[ -z "${peak_kb[$key]:-}" || $kb -gt ${peak_kb[$key]} ]]; then peak_kb[$key]=$kb; fi
                rows[$key]=$n
            done
        done
    done

    echo
    echo "lbp benchmarks: fastest of $REPEAT interleaved runs, peak resident memory of the largest;"
    echo "ratio = wall time / the C counter's; CPU s (user + system) and its ratio help on a busy machine"
    printf '%-8s %-34s %9s %9s %12s %9s %8s %8s %9s\n' "file MB" "stage" "wall s" "MB/s" "rows/s" "peak MB" "ratio" "CPU s" "CPU ratio"
    local verdict=ok
    for size in "${sizes[@]}"; do
        file="$(data_file "$size")"
        local bytes base base_cpu
        bytes=$(stat -c %s "$file")
        base="${best_wall[$size/${STAGES[0]}]}"
        base_cpu="${best_cpu[$size/${STAGES[0]}]}"
        for stage in "${STAGES[@]}"; do
            local key="$size/$stage" label_var="stage_${stage}_label"
            local line
            line=$(awk -v b="$bytes" -v w="${best_wall[$key]}" -v r="${rows[$key]}" -v k="${peak_kb[$key]}" -v base="$base" \
                -v c="${best_cpu[$key]}" -v base_cpu="$base_cpu" \
                'BEGIN { w = (w > 0 ? w : 0.001); printf "%9.2f %9.1f %12.0f %9.1f %8.2f %8.2f %9.2f", w, b / 1e6 / w, r / w, k / 1024,
                         w / (base > 0 ? base : 0.001), c, c / (base_cpu > 0 ? base_cpu : 0.001) }')
            printf '%-8s %-34s %s\n' "$size" "${!label_var}" "$line"
            if [[ $stage == reader ]]; then
                awk -v w="${best_wall[$key]}" -v base="$base" -v max="$READER_MAX_RATIO" 'BEGIN { exit !(w <= base * max) }' || verdict="over the bar"
                awk -v k="${peak_kb[$key]}" -v max="$READER_MAX_PEAK_MB" 'BEGIN { exit !(k / 1024 < max) }' || verdict="over the bar"
            fi
        done
    done
    echo
    echo "reader bar: wall time at most ${READER_MAX_RATIO}x the C counter, peak memory under ${READER_MAX_PEAK_MB} MB at every size: $verdict"
}

main "$@"
