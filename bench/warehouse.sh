#!/usr/bin/env bash
# The warehouse SQL at scale (issue 12, README "Your warehouse"): DuckDB, natively (from
# Python, THREADS threads), runs the summary query over ROWS generated orders, and the engine
# turns the result into a Report (`analyze --from-summary`).
#
#   bench/warehouse.sh                  # ROWS=1000000
#   ROWS=50000000 bench/warehouse.sh    # 3.2 GB of CSV in /work/benchdata (bench/out)
#
# Knobs: ROWS, OUT (bench/out), SEED (42), THREADS (2), MEMORY_LIMIT (12GB), MAX_TEMP (disk DuckDB
# may spill to; its default is 90 % of the free space), RUNS (renders timed, 5),
# PROFILE=1 (also a DuckDB JSON profile and its slowest operators).
# Options: bench/warehouse/options.json (defaults plus one breakdown and one comparison);
# the table mapping: bench/warehouse/source.json (the generator's columns).
set -euo pipefail
cd "$(dirname "$0")/.."
ROWS="${ROWS:-1000000}"
SEED="${SEED:-42}"
RUNS="${RUNS:-5}"
export THREADS="${THREADS:-2}" MEMORY_LIMIT="${MEMORY_LIMIT:-12GB}" MAX_TEMP="${MAX_TEMP:-}" CARGO_INCREMENTAL=0
OUT="${OUT:-bench/out}"
mkdir -p "$OUT/warehouse"
CSV="$OUT/orders_${ROWS}.csv"
cargo build --release --quiet --example analyze --example gen_orders
if [ ! -f "$CSV" ]; then
    target/release/examples/gen_orders "$ROWS" --seed "$SEED" --out "$CSV"
fi
PY="$(scripts/setup.sh --warehouse-python)"
if [ ! -x "$PY" ]; then
    scripts/setup.sh --warehouse
fi
ANALYZE=target/release/examples/analyze
W="$OUT/warehouse"
$ANALYZE --sql duckdb --options bench/warehouse/options.json \
    --source bench/warehouse/source.json > "$W/query.sql"
echo "load before: $(uptime)" >&2
PROFILE_ARGS=()
if [ "${PROFILE:-0}" = 1 ]; then PROFILE_ARGS=(--profile "$W/profile.json"); fi
"$PY" bench/warehouse/run.py "$CSV" "$W/query.sql" "$W/result_${ROWS}.csv" "${PROFILE_ARGS[@]}" \
    | tee "$W/duckdb_${ROWS}.json"
if [ "${PROFILE:-0}" = 1 ]; then "$PY" bench/warehouse/top.py "$W/profile.json" 25; fi
# The render: the Report of the result (CSV read, checks, the CLV fits), median of RUNS.
times=()
for _ in $(seq "$RUNS"); do
    start=$EPOCHREALTIME
    $ANALYZE --from-summary "$W/result_${ROWS}.csv" --options bench/warehouse/options.json \
        > "$W/report_${ROWS}.json"
    end=$EPOCHREALTIME
    times+=("$(echo "$end - $start" | bc | sed "s/^\./0./")")
done
median=$(printf '%s\n' "${times[@]}" | sort -n | sed -n "$(( (RUNS + 1) / 2 ))p")
echo "{\"rows\": $ROWS, \"render_s_median\": $median, \"render_s\": [$(IFS=,; echo "${times[*]}")]}"
echo "load after: $(uptime)" >&2
