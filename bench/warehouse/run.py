"""Times the warehouse SQL in DuckDB over a generated orders CSV (bench/warehouse.sh).

    python run.py ORDERS.csv QUERY.sql RESULT.csv [--profile PROFILE.txt]

Loads the CSV as the typed table `orders` of a DuckDB database file beside RESULT.csv (stored
compressed, as a warehouse keeps its tables, so 50 M orders need not fit in memory; loaded once
and reused while the CSV is unchanged; not timed with the query), then runs the query once,
writing its result as CSV, and prints one JSON line: load and query seconds (wall, and the CPU
seconds of all threads), result bytes and rows. With --profile it runs it again with DuckDB's
JSON profiling into that file.
"""
import json
import os
import resource
import sys
import threading
import time

import duckdb

orders, query, out = sys.argv[1:4]
profile = sys.argv[5] if len(sys.argv) > 5 and sys.argv[4] == "--profile" else None
database = os.path.splitext(os.path.abspath(out))[0] + ".duckdb"
stamp = f"{os.path.abspath(orders)} {os.path.getsize(orders)} {os.path.getmtime(orders)}"
if os.path.exists(database):
    with duckdb.connect(database) as old:
        kept = old.execute(
            "SELECT comment FROM duckdb_tables() WHERE table_name = 'orders'"
        ).fetchone()
    if kept is None or kept[0] != stamp:
        os.remove(database)
con = duckdb.connect(database)
con.execute(f"SET threads TO {int(os.environ.get('THREADS', '2'))}")
con.execute(f"SET memory_limit = '{os.environ.get('MEMORY_LIMIT', '12GB')}'")
con.execute(f"SET temp_directory = '{os.path.dirname(os.path.abspath(out))}/duckdb_tmp'")
# What spills past the memory limit may take at most MAX_TEMP of disk (DuckDB's default is 90 %
# of the free space); the result's row order does not matter, so DuckDB need not keep it.
if os.environ.get("MAX_TEMP"):
    con.execute(f"SET max_temp_directory_size = '{os.environ['MAX_TEMP']}'")
con.execute("SET preserve_insertion_order = false")
started = time.perf_counter()
loaded = con.execute("SELECT count(*) FROM duckdb_tables() WHERE table_name = 'orders'").fetchone()[0]
if not loaded:
    con.execute(
        "CREATE TABLE orders AS SELECT * FROM read_csv(?, header = true, columns = {"
        "'order_id': 'VARCHAR', 'customer_id': 'VARCHAR', 'order_date': 'TIMESTAMP', "
        "'amount': 'DECIMAL(38,6)', 'channel': 'VARCHAR', 'category': 'VARCHAR', "
        "'region': 'VARCHAR'})",
        [orders],
    )
    con.execute("COMMENT ON TABLE orders IS " + "'" + stamp.replace("'", "''") + "'")
    con.execute("CHECKPOINT")
load = time.perf_counter() - started
sql = open(query, encoding="utf-8").read().strip().rstrip(";")
cpu = lambda: sum(resource.getrusage(resource.RUSAGE_SELF)[:2])
temp_dir = f"{os.path.dirname(os.path.abspath(out))}/duckdb_tmp"
spilled = {"peak": 0, "running": True}


def watch_spill():
    """The largest the temp directory gets while the query runs (what spilled to disk)."""
    while spilled["running"]:
        size = 0
        for root, _, files in os.walk(temp_dir):
            for name in files:
                try:
                    size += os.path.getsize(os.path.join(root, name))
                except OSError:
                    pass
        spilled["peak"] = max(spilled["peak"], size)
        time.sleep(0.5)


watcher = threading.Thread(target=watch_spill)
watcher.start()
started, cpu_started = time.perf_counter(), cpu()
try:
    con.execute(f"COPY ({sql}) TO '{out}' (HEADER, DELIMITER ',')")
finally:
    seconds, cpu_seconds = time.perf_counter() - started, cpu() - cpu_started
    spilled["running"] = False
    watcher.join()
rows = con.execute(f"SELECT count(*) FROM read_csv('{out}', header = true, all_varchar = true)").fetchone()[0]
by_part = con.execute(
    f"SELECT part, count(*) FROM read_csv('{out}', header = true, all_varchar = true) "
    "GROUP BY part ORDER BY 2 DESC LIMIT 4"
).fetchall()
if profile:
    con.execute("PRAGMA enable_profiling = 'json'")
    con.execute(f"PRAGMA profiling_output = '{profile}'")
    con.execute(f"COPY ({sql}) TO '{out}.again' (HEADER, DELIMITER ',')")
    os.remove(f"{out}.again")
print(json.dumps({
    "orders_loaded_now": not loaded,
    "orders": con.execute("SELECT count(*) FROM orders").fetchone()[0],
    "load_s": round(load, 2),
    "query_s": round(seconds, 2),
    "query_cpu_s": round(cpu_seconds, 2),
    "spilled_peak_gb": round(spilled["peak"] / 1e9, 2),
    "peak_rss_gb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1e6, 2),
    "result_bytes": os.path.getsize(out),
    "result_rows": rows,
    "largest_parts": by_part,
}))
