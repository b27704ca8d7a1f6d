"""Times the warehouse SQL in DuckDB over a generated orders CSV (bench/warehouse.sh).

    python run.py ORDERS.csv QUERY.sql RESULT.csv [--profile PROFILE.txt]

Loads the CSV as the typed table `orders` (not timed with the query), then runs the query
once, writing its result as CSV, and prints one JSON line: load and query seconds (wall, and
the CPU seconds of all threads), result
bytes and rows. With --profile it runs it again under EXPLAIN ANALYZE into that file.
"""
import json
import os
import resource
import sys
import time

import duckdb

orders, query, out = sys.argv[1:4]
profile = sys.argv[5] if len(sys.argv) > 5 and sys.argv[4] == "--profile" else None
con = duckdb.connect()
con.execute(f"SET threads TO {int(os.environ.get('THREADS', '2'))}")
con.execute(f"SET memory_limit = '{os.environ.get('MEMORY_LIMIT', '12GB')}'")
con.execute(f"SET temp_directory = '{os.path.dirname(os.path.abspath(out))}/duckdb_tmp'")
started = time.perf_counter()
con.execute(
    "CREATE TABLE orders AS SELECT * FROM read_csv(?, header = true, columns = {"
    "'order_id': 'VARCHAR', 'customer_id': 'VARCHAR', 'order_date': 'TIMESTAMP', "
    "'amount': 'DECIMAL(38,6)', 'channel': 'VARCHAR', 'category': 'VARCHAR', "
    "'region': 'VARCHAR'})",
    [orders],
)
load = time.perf_counter() - started
sql = open(query, encoding="utf-8").read().strip().rstrip(";")
cpu = lambda: sum(resource.getrusage(resource.RUSAGE_SELF)[:2])
started, cpu_started = time.perf_counter(), cpu()
con.execute(f"COPY ({sql}) TO '{out}' (HEADER, DELIMITER ',')")
seconds, cpu_seconds = time.perf_counter() - started, cpu() - cpu_started
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
    "orders": con.execute("SELECT count(*) FROM orders").fetchone()[0],
    "load_s": round(load, 2),
    "query_s": round(seconds, 2),
    "query_cpu_s": round(cpu_seconds, 2),
    "result_bytes": os.path.getsize(out),
    "result_rows": rows,
    "largest_parts": by_part,
}))
