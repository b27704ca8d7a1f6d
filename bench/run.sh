#!/usr/bin/env bash
# Times the cohortlens CLI (examples/analyze.rs) against the DuckDB reference engine
# (../shared/bench/engines/duckdb_engine.py) on the same generated orders CSV.
# See bench/README.md. Knobs (environment):
#   RUNS=7            timed runs per engine (sequential; median reported)
#   ROWS=1000000      rows of the generated CSV (bench/out/orders_ROWS.csv, cached)
#   SEED=42           generator seed (a non-default seed gets its own file name)
#   THREADS=2         DuckDB threads
#   DUCKDB_VERSION=2.0.0
#   COHORTLENS=0      skip the cohortlens part (e.g. while examples/analyze.rs does not exist)
#   DUCKDB=0          skip the DuckDB part
set -euo pipefail
export LC_ALL=C # decimal points in awk, EPOCHREALTIME and printf

ROOT=$(git -C "$(dirname "${BASH_SOURCE[0]}")" rev-parse --show-toplevel)
cd "$ROOT"

RUNS=${RUNS:-7}
ROWS=${ROWS:-1000000}
SEED=${SEED:-42}
THREADS=${THREADS:-2}
DUCKDB_VERSION=${DUCKDB_VERSION:-2.0.0}
COHORTLENS=${COHORTLENS:-1}
DUCKDB=${DUCKDB:-1}
SHARED=$ROOT/../shared
OUT=bench/out
VENV=bench/.venv

die() { echo "bench/run.sh: $*" >&2; exit 1; }
log() { echo "== $*" >&2; }

[[ $RUNS =~ ^[1-9][0-9]*$ ]] || die "RUNS must be a positive integer (got '$RUNS')"
[[ $ROWS =~ ^[1-9][0-9]*$ ]] || die "ROWS must be a positive integer (got '$ROWS')"
[[ $COHORTLENS == 0 && $DUCKDB == 0 ]] && die "COHORTLENS=0 and DUCKDB=0: nothing to do"

# Fail early and clearly if the CLI is not there yet (before any expensive step).
if [[ $COHORTLENS != 0 && ! -f examples/analyze.rs ]]; then
    die "examples/analyze.rs does not exist yet: the cohortlens CLI is not written.
    Run with COHORTLENS=0 to time only the DuckDB reference."
fi
if [[ $DUCKDB != 0 ]]; then
    [[ -f $SHARED/bench/engines/duckdb_engine.py ]] ||
        die "$SHARED/bench/engines/duckdb_engine.py not found (shared/ must sit beside the repo)"
fi

# --- GNU time (wall time + peak RSS) ---------------------------------------------------
if ! /usr/bin/time -f '%e %M' true >/dev/null 2>&1; then
    log "installing GNU time"
    SUDO=; [[ $(id -u) == 0 ]] || SUDO=sudo
    $SUDO apt-get install -y -qq time >/dev/null 2>&1 ||
        { $SUDO apt-get update -qq && $SUDO apt-get install -y -qq time >/dev/null; }
    /usr/bin/time -f '%e %M' true >/dev/null 2>&1 || die "GNU /usr/bin/time unavailable"
fi

TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT

# median of the numbers on stdin (mean of the middle two for an even count)
median() {
    sort -g | awk '{ a[NR] = $1 } END {
        if (NR == 0) exit 1
        if (NR % 2) printf "%.6g\n", a[(NR + 1) / 2]
        else printf "%.6g\n", (a[NR / 2] + a[NR / 2 + 1]) / 2 }'
}
calc() { awk "BEGIN { printf \"$1\", $2 }"; }

# time_run NAME I CMD... : runs CMD under GNU time (stdout to $OUT/NAME.stdout) and appends
# "wall_s rss_kb time_e_s" to $TMP/NAME.times; on failure shows its stderr and stops.
# wall_s is taken with bash's EPOCHREALTIME around /usr/bin/time (microseconds; includes
# time's own fork+exec, ~1 ms) because time's %e has only 10 ms resolution; rss_kb is %M.
time_run() {
    local name=$1 i=$2 t0 t1; shift 2
    t0=$EPOCHREALTIME
    if ! /usr/bin/time -f '%e %M' -o "$TMP/time" "$@" >"$OUT/$name.stdout" 2>"$TMP/stderr"; then
        cat "$TMP/stderr" >&2
        tail -n 1 "$TMP/time" >&2 || true
        die "$name run $i failed: $*"
    fi
    t1=$EPOCHREALTIME
    tail -n 1 "$TMP/time" | awk -v t0="$t0" -v t1="$t1" '{ printf "%.6f %d %s\n", t1 - t0, $2, $1 }' \
        >>"$TMP/$name.times"
    echo "   run $i/$RUNS: $(tail -n 1 "$TMP/$name.times" | awk '{ printf "%.3f s, %.1f MB peak RSS", $1, $2 * 1024 / 1e6 }')" >&2
}

# --- input ----------------------------------------------------------------------------
mkdir -p "$OUT"
if [[ $SEED == 42 ]]; then CSV=$OUT/orders_$ROWS.csv; else CSV=$OUT/orders_${ROWS}_s$SEED.csv; fi
if [[ -s $CSV ]]; then
    log "using cached $CSV (delete it to regenerate)"
else
    log "generating $CSV"
    cargo build --release --quiet --example gen_orders
    "${CARGO_TARGET_DIR:-target}"/release/examples/gen_orders "$ROWS" --seed "$SEED" --out "$CSV" --stats
fi
CSV_BYTES=$(stat -L -c %s "$CSV")
CSV_MB=$(calc '%.1f' "$CSV_BYTES / 1e6")
cat "$CSV" >/dev/null # into the page cache, for both engines alike

# --- cohortlens -----------------------------------------------------------------------
if [[ $COHORTLENS != 0 ]]; then
    log "building the cohortlens CLI (cargo build --release --example analyze)"
    cargo build --release --quiet --example analyze ||
        die "cargo build --release --example analyze failed"
    CLI=${CARGO_TARGET_DIR:-target}/release/examples/analyze
    [[ -x $CLI ]] || die "$CLI missing after the build"
    log "cohortlens: $RUNS runs of $CLI $CSV"
    for i in $(seq 1 "$RUNS"); do
        time_run cohortlens "$i" "$CLI" "$CSV"
    done
    python3 -c 'import json, sys; json.load(open(sys.argv[1]))' "$OUT/cohortlens.stdout" 2>/dev/null ||
        die "the CLI's stdout ($OUT/cohortlens.stdout) is not valid JSON"
    CL_S=$(awk '{ print $1 }' "$TMP/cohortlens.times" | median)
    CL_RSS_KB=$(awk '{ print $2 }' "$TMP/cohortlens.times" | median)
    CL_RSS_MB=$(calc '%.1f' "$CL_RSS_KB * 1024 / 1e6")
    CL_RATIO=$(calc '%.2f' "$CL_RSS_KB * 1024 / $CSV_BYTES")
    echo "cohortlens: median wall $(calc '%.3f' "$CL_S") s, median peak RSS $CL_RSS_MB MB, file $CSV_MB MB, RSS/file $CL_RATIO" >&2
fi

# --- DuckDB reference -----------------------------------------------------------------
if [[ $DUCKDB != 0 ]]; then
    have=$("$VENV/bin/python" -c 'import duckdb, numpy, polars; print(duckdb.__version__)' 2>/dev/null || true)
    if [[ $have != "$DUCKDB_VERSION" ]]; then
        log "setting up $VENV (duckdb==$DUCKDB_VERSION numpy polars)"
        [[ -x $VENV/bin/python ]] || python3 -m venv "$VENV"
        "$VENV/bin/pip" install -q --disable-pip-version-check "duckdb==$DUCKDB_VERSION" numpy polars
    fi
    DUCK_VER=$("$VENV/bin/python" -c 'import duckdb; print(duckdb.__version__)')
    log "DuckDB $DUCK_VER, $THREADS threads: $RUNS runs"
    for i in $(seq 1 "$RUNS"); do
        time_run duckdb "$i" "$VENV/bin/python" "$SHARED/bench/engines/duckdb_engine.py" \
            --input "$CSV" --out "$OUT/duckdb_results.json" \
            --timings "$OUT/duckdb_timings_$i.json" --threads "$THREADS"
        "$VENV/bin/python" -c 'import json, sys; t = json.load(open(sys.argv[1]))["ms"]
print(t["total"] / 1000, " ".join(f"{k}={v / 1000:.3f}" for k, v in t.items() if k != "total"))' \
            "$OUT/duckdb_timings_$i.json" >>"$TMP/duckdb.engine"
        echo "            engine total $(tail -n 1 "$TMP/duckdb.engine" | awk '{ printf "%.3f s (", $1; for (i = 2; i <= NF; i++) printf "%s%s", $i, (i < NF ? " " : ""); print ")" }')" >&2
    done
    DK_S=$(awk '{ print $1 }' "$TMP/duckdb.engine" | median)
    DK_WALL=$(awk '{ print $1 }' "$TMP/duckdb.times" | median)
    DK_RSS_KB=$(awk '{ print $2 }' "$TMP/duckdb.times" | median)
    DK_RSS_MB=$(calc '%.1f' "$DK_RSS_KB * 1024 / 1e6")
    DK_RATIO=$(calc '%.2f' "$DK_RSS_KB * 1024 / $CSV_BYTES")
    echo "duckdb: median engine total $(calc '%.3f' "$DK_S") s (process wall $(calc '%.3f' "$DK_WALL") s), median peak RSS $DK_RSS_MB MB" >&2
fi

# --- summary (markdown) ---------------------------------------------------------------
{
    echo
    echo "Orders CSV: $ROWS rows, $CSV_MB MB (\`gen_orders $ROWS --seed $SEED\`); median of $RUNS sequential runs;"
    echo "$(nproc) cores, load average at the end: $(cut -d' ' -f1-3 /proc/loadavg); $(date -u +%Y-%m-%d)."
    echo
    echo "| engine | median time (s) | median peak RSS (MB) | RSS / file |"
    echo "|---|---:|---:|---:|"
    if [[ $COHORTLENS != 0 ]]; then
        echo "| cohortlens CLI (native, whole process incl. CSV read) | $(calc '%.3f' "$CL_S") | $CL_RSS_MB | $CL_RATIO |"
    fi
    if [[ $DUCKDB != 0 ]]; then
        echo "| DuckDB $DUCK_VER, $THREADS threads (engine total incl. ingest) | $(calc '%.3f' "$DK_S") | $DK_RSS_MB | $DK_RATIO |"
        echo "| DuckDB $DUCK_VER, $THREADS threads (whole Python process) | $(calc '%.3f' "$DK_WALL") | | |"
    fi
    if [[ $COHORTLENS != 0 && $DUCKDB != 0 ]]; then
        echo
        if [[ $(calc '%d' "($CL_S > 0)") == 1 ]]; then RATIO=$(calc '%.2f' "$DK_S / $CL_S"); else RATIO="n/a"; fi
        echo "DuckDB engine total / cohortlens wall time: **${RATIO}x**" \
            "(cohortlens timed as a whole process, DuckDB without Python start-up: conservative)."
    fi
} | tee "$OUT/results.md"
