#!/usr/bin/env bash
# Benchmarks for lbp: wall time, throughput and peak memory of each measured stage on generated
# Castor-style data, printed as one table. Called by `make bench`; builds what it needs.
#
# Two kinds of data, each with its own C baseline measured in the same run over the same bytes:
#   file   one wide Castor-style CSV of about SIZE MB (Benchmarks/generate_castor.py): the reader;
#   batch  a Castor export of about SIZE MB in all, written by `lbp sample-data --style castor`
#          (four site files and a visits file, planted problems included) and read through
#          Benchmarks/bench-castor.yml: ingest + staging, and the full `lbp run` (staging,
#          profiles, analysis, evidence, every report file).
# Each measured command is one `stage_*` function below with a `_data` kind; to add a stage, write
# one more function and add its name to STAGES. Benchmarks are not tests: nothing here fails a
# build, the table only marks whether each bar is met.
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

# The stages measured, in table order. The first stage of each data kind is the baseline the
# others of that kind are compared with.
STAGES=(c_counter reader c_counter_batch staging full_run)

# The reader's bar (from the issue): at most this many times the C counter's wall time, and a peak
# resident memory below this many MiB for any file size.
READER_MAX_RATIO=1.3
READER_MAX_PEAK_MB=64

# The staging bar: ingest + staging of a batch in at most this many times the C counter's wall
# time over the same files. Its memory holds one typed record per participant and per visit, so
# it grows with participants; the bar asks that the bytes per participant stay the same at every
# size (within this fraction of the smallest size's), i.e. nothing grows with the files' bytes.
STAGING_MAX_RATIO=1.6
STAGING_MAX_PER_PARTICIPANT_SPREAD=0.15

# The full run's bar: `lbp run` on a batch in at most this many times the C counter's wall time
# over the same files, with a peak resident memory below this many MiB.
FULL_RUN_MAX_RATIO=1.8
FULL_RUN_MAX_PEAK_MB=150

# Bytes of Castor export per screened participant written by `lbp sample-data`, to choose the
# participant count of a batch of about SIZE MB (measured: 380 at 10 000 participants, 386 at
# 526 315 as ids grow longer, so the batches come out a few per cent over SIZE).
BATCH_BYTES_PER_PARTICIPANT=380

# MARK: - Stages: each sets CMD to one command run on "$1" (the CSV file, or the batch folder),
# whose standard output includes "rows N"; the label names it in the table.

stage_c_counter_label="C libcsv counter (csvcount.c)"
stage_c_counter_data=file
stage_c_counter() { CMD=("$OUT/csvcount" "$1" ';'); }

stage_reader_label="CSVKit reader (lbp-bench read)"
stage_reader_data=file
stage_reader() { CMD=("$LBP_BENCH" read "$1"); }

stage_c_counter_batch_label="C libcsv counter, batch files"
stage_c_counter_batch_data=batch
stage_c_counter_batch() { CMD=("$OUT/csvcount" -d ';' "$1"/castor/*.csv); }

stage_staging_label="ingest + staging (lbp-bench stage)"
stage_staging_data=batch
stage_staging() { CMD=("$LBP_BENCH" stage "$1/pipeline.yml" "$1/staged"); }

stage_full_run_label="full run (lbp run)"
stage_full_run_data=batch
# lbp run prints no row count: the rows read are summed from the accounting table it writes.
stage_full_run() {
    CMD=(bash -c '"$1" run "$2/pipeline.yml" --out "$2/reports" --quiet &&
        awk -F, '"'"'NR > 1 { rows += $2 } END { print "rows " rows }'"'"' "$2/reports/accounting.csv"' full_run "$LBP" "$1")
}

# MARK: - Building and data

build_tools() {
    mkdir -p "$OUT"
    if [[ ! -x "$OUT/csvcount" || "$BENCH/csvcount.c" -nt "$OUT/csvcount" ]]; then
        echo "building csvcount (cc -O2 Benchmarks/csvcount.c -lcsv)" >&2
        cc -O2 -o "$OUT/csvcount" "$BENCH/csvcount.c" -lcsv
    fi
    echo "building lbp and lbp-bench (swift build -c release)" >&2
    (cd "$ROOT" && "$SWIFT" build -c release --product lbp >&2 && "$SWIFT" build -c release --product lbp-bench >&2)
    local bin
    bin="$(cd "$ROOT" && "$SWIFT" build -c release --show-bin-path)"
    LBP_BENCH="$bin/lbp-bench"
    LBP="$bin/lbp"
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

# The participant count of the batch of about $1 MB.
batch_participants() {
    echo $(($1 * 1000000 / BATCH_BYTES_PER_PARTICIPANT))
}

# The batch folder of about $1 MB: a Castor export (generated once per participant count) and the
# benchmark pipeline file copied beside it, so its relative input paths point at castor/.
data_batch() {
    local folder="$OUT/batch-$1" participants
    participants="$(batch_participants "$1")"
    if [[ ! -f "$folder/participants" || "$(cat "$folder/participants")" != "$participants" ]]; then
        echo "generating $folder ($participants participants)" >&2
        rm -f "$folder/participants"
        "$LBP" sample-data --participants "$participants" --style castor --out "$folder" >&2
        echo "$participants" >"$folder/participants"
    fi
    cp "$BENCH/bench-castor.yml" "$folder/pipeline.yml"
    mkdir -p "$folder/rules"
    cp "$ROOT/Pipelines/rules/"*.yml "$folder/rules/"
    echo "$folder"
}

# The data stage $1 runs on at size $2.
data_for() {
    local kind_var="stage_${1}_data"
    if [[ ${!kind_var} == batch ]]; then data_batch "$2"; else data_file "$2"; fi
}

# Bytes of the data at path $1 (a file, or the CSV files of a batch folder).
data_bytes() {
    if [[ -d $1 ]]; then cat "$1"/castor/*.csv | wc -c; else stat -c %s "$1"; fi
}

# The baseline stage of stage $1: the first stage with the same data kind.
baseline_of() {
    local kind_var="stage_${1}_data" stage other_var
    for stage in "${STAGES[@]}"; do
        other_var="stage_${stage}_data"
        if [[ ${!other_var} == "${!kind_var}" ]]; then
            echo "$stage"
            return
        fi
    done
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
        for stage in "${STAGES[@]}"; do data_for "$stage" "$size" >/dev/null; done
        for ((round = 1; round <= REPEAT; round++)); do
            for stage in "${STAGES[@]}"; do
                file="$(data_for "$stage" "$size")"
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
    echo "ratio = wall time / the C counter's over the same bytes; CPU s (user + system) and its ratio help on a busy machine"
    printf '%-8s %-36s %9s %9s %12s %9s %8s %8s %9s\n' "data MB" "stage" "wall s" "MB/s" "rows/s" "peak MB" "ratio" "CPU s" "CPU ratio"
    local verdict=ok staging_verdict=ok full_run_verdict=ok memory_verdict=ok first_per_participant="" memory_lines=()
    for size in "${sizes[@]}"; do
        for stage in "${STAGES[@]}"; do
            local key="$size/$stage" label_var="stage_${stage}_label" base_stage bytes line
            base_stage="$(baseline_of "$stage")"
            local base="${best_wall[$size/$base_stage]}" base_cpu="${best_cpu[$size/$base_stage]}"
            file="$(data_for "$stage" "$size")"
            bytes="$(data_bytes "$file")"
            line=$(awk -v b="$bytes" -v w="${best_wall[$key]}" -v r="${rows[$key]}" -v k="${peak_kb[$key]}" -v base="$base" \
                -v c="${best_cpu[$key]}" -v base_cpu="$base_cpu" \
                'BEGIN { w = (w > 0 ? w : 0.001); printf "%9.2f %9.1f %12.0f %9.1f %8.2f %8.2f %9.2f", w, b / 1e6 / w, r / w, k / 1024,
                         w / (base > 0 ? base : 0.001), c, c / (base_cpu > 0 ? base_cpu : 0.001) }')
            printf '%-8s %-36s %s\n' "$(awk -v b="$bytes" 'BEGIN { printf "%.0f", b / 1e6 }')" "${!label_var}" "$line"
            if [[ $stage == reader ]]; then
                awk -v w="${best_wall[$key]}" -v base="$base" -v max="$READER_MAX_RATIO" 'BEGIN { exit !(w <= base * max) }' || verdict="over the bar"
                awk -v k="${peak_kb[$key]}" -v max="$READER_MAX_PEAK_MB" 'BEGIN { exit !(k / 1024 < max) }' || verdict="over the bar"
            fi
            if [[ $stage == full_run ]]; then
                awk -v w="${best_wall[$key]}" -v base="$base" -v max="$FULL_RUN_MAX_RATIO" 'BEGIN { exit !(w <= base * max) }' || full_run_verdict="over the bar"
                awk -v k="${peak_kb[$key]}" -v max="$FULL_RUN_MAX_PEAK_MB" 'BEGIN { exit !(k / 1024 < max) }' || full_run_verdict="over the bar"
            fi
            if [[ $stage == staging ]]; then
                awk -v w="${best_wall[$key]}" -v base="$base" -v max="$STAGING_MAX_RATIO" 'BEGIN { exit !(w <= base * max) }' || staging_verdict="over the bar"
                local participants per_participant
                participants="$(batch_participants "$size")"
                per_participant=$(awk -v k="${peak_kb[$key]}" -v n="$participants" 'BEGIN { printf "%.0f", k * 1024 / n }')
                memory_lines+=("  $(awk -v b="$bytes" 'BEGIN { printf "%.0f", b / 1e6 }') MB batch, $participants participants: peak $(awk -v k="${peak_kb[$key]}" 'BEGIN { printf "%.0f", k / 1024 }') MB, $per_participant bytes per participant")
                if [[ -z $first_per_participant ]]; then
                    first_per_participant=$per_participant
                else
                    awk -v a="$per_participant" -v f="$first_per_participant" -v max="$STAGING_MAX_PER_PARTICIPANT_SPREAD" \
                        'BEGIN { d = a - f; if (d < 0) d = -d; exit !(d <= f * max) }' || memory_verdict="grows faster than participants"
                fi
            fi
        done
    done
    echo
    echo "reader bar: wall time at most ${READER_MAX_RATIO}x the C counter, peak memory under ${READER_MAX_PEAK_MB} MB at every size: $verdict"
    echo "staging bar: wall time at most ${STAGING_MAX_RATIO}x the C counter over the batch files at every size: $staging_verdict"
    echo "full run bar: wall time at most ${FULL_RUN_MAX_RATIO}x the C counter over the batch files and peak memory under ${FULL_RUN_MAX_PEAK_MB} MB at every size: $full_run_verdict"
    echo "staging memory (one record per participant and visit; bytes per participant within $(awk -v f="$STAGING_MAX_PER_PARTICIPANT_SPREAD" 'BEGIN { printf "%.0f", f * 100 }') % at every size): $memory_verdict"
    local memory_line
    for memory_line in "${memory_lines[@]}"; do echo "$memory_line"; done
}

main "$@"
