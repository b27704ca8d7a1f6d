"""Runs warehouse SQL in DuckDB over `--orders-out` CSV files and writes each result as CSV.

    python run_duckdb.py JOBS.json

JOBS.json is a list of [orders.csv, query.sql, result.csv]. Each job registers its orders as
the table `orders` with the types the query expects (README "Your warehouse") and runs the
query as written.
"""
import csv
import json
import sys

import duckdb

TYPES = {"cl_seq": "BIGINT", "cl_time": "TIMESTAMP", "cl_amount": "DECIMAL(38,6)"}

for orders, query, out in json.load(open(sys.argv[1], encoding="utf-8")):
    con = duckdb.connect()
    con.execute("SET threads TO 2")
    with open(orders, encoding="utf-8", newline="") as f:
        header = next(csv.reader(f))
    columns = {name: TYPES.get(name, "VARCHAR") for name in header}
    con.execute(
        "CREATE TABLE orders AS SELECT * FROM read_csv(?, header = true, columns = ?, "
        "quote = '\"', escape = '\"', delim = ',', timestampformat = '%Y-%m-%d %H:%M:%S')",
        [orders, columns],
    )
    sql = open(query, encoding="utf-8").read().strip().rstrip(";")
    con.execute(f"COPY ({sql}) TO '{out}' (HEADER, DELIMITER ',')")
    con.close()
