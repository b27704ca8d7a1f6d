"""Runs warehouse SQL on Apache Spark (local mode, one JVM for every job) over `--orders-out`
CSV files and writes each result as CSV.

    python run_spark.py JOBS.json

JOBS.json is a list of [orders.csv, query.sql, result.csv]. Each job registers its orders as
the table `orders` from the CSV with the types the query expects, runs the script's `SET`
statements, then its query, and writes the (small) result with a header.
"""
import csv
import decimal
import json
import os
import sys

from pyspark.sql import SparkSession
from pyspark.sql.types import DecimalType, LongType, StringType, StructField, StructType, TimestampType

# Spark binds its driver on the loopback address only.
os.environ["SPARK_LOCAL_IP"] = "127.0.0.1"

TYPES = {"cl_seq": LongType(), "cl_time": TimestampType(), "cl_amount": DecimalType(38, 6)}

spark = (
    SparkSession.builder.master("local[2]")
    .appName("cohortlens-warehouse-test")
    .config("spark.ui.enabled", "false")
    .config("spark.ui.showConsoleProgress", "false")
    .config("spark.driver.bindAddress", "127.0.0.1")
    .config("spark.driver.host", "127.0.0.1")
    .config("spark.sql.shuffle.partitions", "4")
    .getOrCreate()
)
spark.sparkContext.setLogLevel("ERROR")


def cell(value):
    if value is None:
        return ""
    if isinstance(value, decimal.Decimal):
        return format(value, "f")
    if isinstance(value, float):
        return repr(value)
    return str(value)


for orders, query, out in json.load(open(sys.argv[1], encoding="utf-8")):
    with open(orders, encoding="utf-8", newline="") as f:
        header = next(csv.reader(f))
    schema = StructType([StructField(n, TYPES.get(n, StringType())) for n in header])
    frame = spark.read.csv(
        orders, header=True, schema=schema, escape='"', multiLine=True,
        timestampFormat="yyyy-MM-dd HH:mm:ss",
    )
    frame.createOrReplaceTempView("orders")
    text = open(query, encoding="utf-8").read()
    lines = text.splitlines()
    for line in lines:
        if line.startswith("SET "):
            spark.sql(line.rstrip(";"))
    body = "\n".join(l for l in lines if not l.startswith("SET ")).strip().rstrip(";")
    result = spark.sql(body)
    with open(out, "w", encoding="utf-8", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(result.columns)
        for row in result.collect():
            writer.writerow([cell(v) for v in row])
spark.stop()
