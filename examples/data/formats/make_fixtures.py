#!/usr/bin/env python3
"""Writes the format fixtures of tests/formats.rs and tests/bad_input.rs.

The text fixtures are written here by hand (their content is below, readable); this script
only gives them the encoding a real export has (GBK, UTF-16, a BOM) and builds the binary
ones (xlsx with openpyxl, Arrow IPC with pyarrow). Run it from anywhere:

    pip install openpyxl pyarrow
    python3 examples/data/formats/make_fixtures.py

The outputs are committed; the tests never run this script.
"""
import datetime as dt
import decimal
import io
import os
import zipfile
import zlib
import struct

HERE = os.path.dirname(os.path.abspath(__file__))
BAD = os.path.join(os.path.dirname(HERE), "bad")


def write(name, data, folder=HERE):
    with open(os.path.join(folder, name), "wb") as f:
        f.write(data)


# --- Shopify orders export: one row per line item, order-level columns on the first row only.
SHOPIFY = """\
Name,Email,Financial Status,Paid at,Fulfillment Status,Currency,Subtotal,Total,Created at,Lineitem quantity,Lineitem name,Lineitem price,Shipping Province,Source
#1001,a@example.com,paid,2024-01-05 10:00:00 -0500,fulfilled,USD,50.00,50.00,2024-01-05 10:00:00 -0500,1,Green tea,30.00,NY,web
#1001,a@example.com,,,,,,,2024-01-05 10:00:00 -0500,1,Tea cup,20.00,,
#1002,b@example.com,paid,2024-01-20 09:30:00 -0500,fulfilled,USD,30.00,30.00,2024-01-20 09:30:00 -0500,1,Black tea,30.00,CA,pos
#1003,a@example.com,paid,2024-02-10 16:45:00 -0500,fulfilled,USD,20.00,20.00,2024-02-10 16:45:00 -0500,2,Sample pack,10.00,NY,web
#1004,c@example.com,refunded,2024-02-15 08:00:00 -0500,,USD,40.00,40.00,2024-02-15 08:00:00 -0500,1,Teapot,40.00,TX,web
#1005,b@example.com,paid,2024-03-01 12:00:00 -0500,fulfilled,USD,25.50,25.50,2024-03-01 12:00:00 -0500,1,Oolong,15.50,CA,web
#1005,b@example.com,,,,,,,2024-03-01 12:00:00 -0500,1,Filter,5.00,,
#1005,b@example.com,,,,,,,,1,Spoon,5.00,,
#1006,d@example.com,voided,,,USD,10.00,10.00,2024-03-02 07:15:00 -0500,1,Gift card,10.00,FL,web
"""
write("shopify.csv", SHOPIFY.encode("utf-8"))

# --- WooCommerce order export: wc- status words, $ amounts with thousands separators.
WOO = """\
"Order Number","Order Status","Order Date","Billing Email","Order Total","Payment Method"
"1001","wc-completed","2024-01-03 10:00:00","x@shop.example","$1,234.50","stripe"
"1002","wc-processing","2024-01-10 11:00:00","y@shop.example","$99.90","paypal"
"1003","wc-refunded","2024-01-15 12:00:00","x@shop.example","$50.00","stripe"
"1004","wc-completed","2024-02-01 13:00:00","x@shop.example","$10.00","stripe"
"1005","wc-cancelled","2024-02-02 14:00:00","z@shop.example","$20.00","cod"
"1006","wc-failed","2024-02-03 15:00:00","y@shop.example","$5.00","paypal"
"1007","wc-completed","2024-02-20 16:00:00","y@shop.example","$0.00","coupon"
"""
write("woocommerce.csv", WOO.encode("utf-8"))

# --- 有赞 (Youzan): UTF-8 with BOM, ="…" guards on ids, ¥ amounts.
YOUZAN = """\
订单号,订单状态,下单时间,买家手机号,订单实付金额,商品名称
="E2024010100001",交易成功,2024-01-02 09:00:00,="13800000001",¥88.00,茶叶
="E2024010100002",交易成功,2024-01-05 10:00:00,="13800000002",¥120.50,茶具
="E2024010100003",已关闭,2024-01-06 10:00:00,="13800000003",¥30.00,茶叶
="E2024010100004",交易成功,2024-02-02 12:00:00,="13800000001","¥1,288.00",礼盒
="E2024010100005",退款成功,2024-02-10 12:00:00,="13800000002",¥120.50,茶具
="E2024010100006",交易成功,2024-03-01 08:00:00,="13800000001",¥66.00,茶叶
"""
write("youzan.csv", b"\xef\xbb\xbf" + YOUZAN.encode("utf-8"))

# --- 淘宝/天猫 (Taobao/Tmall): GBK, CRLF, ="…" guards, tab-prefixed and Chinese dates, ￥.
TAOBAO = (
    "订单编号,买家会员名,买家应付货款,买家实际支付金额,订单状态,订单创建时间,宝贝标题\r\n"
    '="1001",张三,100.00,￥100.00,交易成功,2024年1月5日 10:00,龙井\r\n'
    '="1002",李四,"1,115.39","￥1,115.39",交易成功,2024/1/8 14:02,紫砂壶\r\n'
    '="1003",张三,50.00,￥50.00,交易关闭,\t2024-01-20 09:00:00,龙井\r\n'
    '="1004",王五,30.00,￥0.00,等待买家付款,2024/2/1 8:00,茶杯\r\n'
    '="1005",张三,200.00,￥200.00,卖家已发货，等待买家确认,2024年2月14日 20:30,礼盒\r\n'
    '="1006",李四,"1,115.39","￥1,115.39",退款成功,="2024-02-20 10:00:00",紫砂壶\r\n'
)
write("taobao_gbk.csv", TAOBAO.encode("gbk"))

# --- 京东 (JD): Excel's "Unicode text" save: UTF-16LE with BOM, tab-separated.
JD = (
    "订单号\t下单帐号\t下单时间\t订单金额\t应付金额\t订单状态\t商品名称\r\n"
    "9001\tjd_user1\t2024-03-01 10:00:00\t199.00\t189.00\t完成\t耳机\r\n"
    "9002\tjd_user2\t2024-03-02 11:00:00\t59.90\t59.90\t已取消\t数据线\r\n"
    "9003\tjd_user1\t2024-03-15 12:00:00\t89.00\t89.00\t完成\t充电器\r\n"
    "9004\tjd_user3\t2024-03-20 13:00:00\t1299.00\t1299.00\t等待出库\t手机\r\n"
)
write("jd_utf16.txt", b"\xff\xfe" + JD.encode("utf-16-le"))
# The same without a BOM, big-endian: detected from its zero bytes.
write("jd_utf16be_nobom.txt", JD.encode("utf-16-be"))

# --- European Excel: semicolons, decimal commas, day-first dates, € and (negatives).
EURO = """\
Customer;Date;Amount;Status
C1;25/12/2023 10:00;€ 12,50;paid
C2;03/01/2024 11:00;1.234,56 €;paid
C1;05/01/2024;(12,50);refunded
C3;13/01/2024 09:15;7,00;paid
C1;02/02/2024 18:00;1.234;paid
C2;10/02/2024;0,99;paid
"""
write("european.csv", EURO.encode("utf-8"))

# --- Times as numbers: epoch seconds, epoch milliseconds, Excel serials, compact YYYYMMDD.
write("epoch_seconds.csv", b"""user_id,timestamp,amount
u1,1704103200,10
u2,1704189600,20
u1,1706781600,30
""")
write("epoch_millis.csv", b"""user_id,timestamp,amount
u1,1704103200000,10
u2,1704189600123,20
u1,1706781600999,30
""")
write("excel_serial.csv", b"""customer,order date,amount
k1,45292.5,10
k2,45293.25,20
k1,45323,30
""")
write("compact_dates.csv", b"""customer,date,amount
p1,20240105,10
p2,20240110,20
p1,20240301,30
""")
# No header: columns are named "1", "2", "3".
write("headerless.csv", b"""h1,2024-01-05 10:00:00,10
h2,2024-01-06 11:00:00,20
h1,2024-02-07 12:00:00,30
""")

# --- One small data set in every format: the reports must agree.
SAME = [
    ("c1", "o1", dt.datetime(2024, 1, 3, 9, 15), "120.00", "paid", "web"),
    ("c1", "o2", dt.datetime(2024, 1, 18, 20, 40), "45.50", "paid", "app"),
    ("c2", "o3", dt.datetime(2024, 1, 20, 8, 0), "60.25", "paid", "web"),
    ("c3", "o4", dt.datetime(2024, 2, 2, 12, 30), "15.00", "refunded", "app"),
    ("c2", "o5", dt.datetime(2024, 2, 14, 19, 5), "33.10", "paid", "store"),
    ("c4", "o6", dt.datetime(2024, 2, 29, 23, 59, 59), "80.00", "paid", "web"),
    ("c1", "o7", dt.datetime(2024, 3, 10, 10, 0), "12.00", "paid", "web"),
    ("c5", "o8", dt.datetime(2024, 3, 11, 11, 11, 11), "0.00", "paid", "app"),
    ("c4", "o9", dt.datetime(2024, 3, 30, 6, 0), "99.99", "paid", "store"),
]
HEAD = ["customer_id", "order_id", "order_date", "amount", "status", "channel"]
csv = ",".join(HEAD) + "\n" + "".join(
    f"{c},{o},{t:%Y-%m-%d %H:%M:%S},{a},{s},{ch}\n" for c, o, t, a, s, ch in SAME
)
write("same.csv", csv.encode("utf-8"))

import openpyxl  # noqa: E402

wb = openpyxl.Workbook()
ws = wb.active
ws.title = "Orders"
ws.append(HEAD)
for c, o, t, a, s, ch in SAME:
    ws.append([c, o, t, float(a), s, ch])
for row in ws.iter_rows(min_row=2, min_col=3, max_col=3):
    for cell in row:
        cell.number_format = "yyyy-mm-dd hh:mm:ss"
wb.save(os.path.join(HERE, "same.xlsx"))

# --- UCI Online Retail as a workbook: date cells, numeric CustomerID (17850.0), quantity ×
# unit price, a C… cancellation, a blank CustomerID; a second sheet with serial numbers that
# have no date format.
wb = openpyxl.Workbook()
ws = wb.active
ws.title = "Online Retail"
ws.append(["InvoiceNo", "StockCode", "Description", "Quantity", "InvoiceDate", "UnitPrice",
           "CustomerID", "Country"])
UCI = [
    ("536365", "85123A", "WHITE HANGING HEART T-LIGHT HOLDER", 6, dt.datetime(2010, 12, 1, 8, 26), 2.55, 17850.0, "United Kingdom"),
    ("536365", "71053", "WHITE METAL LANTERN", 6, dt.datetime(2010, 12, 1, 8, 26), 3.39, 17850.0, "United Kingdom"),
    ("536366", "22633", "HAND WARMER UNION JACK", 6, dt.datetime(2010, 12, 1, 8, 28), 1.85, 17850.0, "United Kingdom"),
    ("536367", "84879", "ASSORTED COLOUR BIRD ORNAMENT", 32, dt.datetime(2010, 12, 1, 8, 34), 1.69, 13047.0, "United Kingdom"),
    ("C536379", "D", "Discount", -1, dt.datetime(2010, 12, 1, 9, 41), 27.5, 14527.0, "United Kingdom"),
    ("536380", "22961", "JAM MAKING SET PRINTED", 24, dt.datetime(2010, 12, 1, 9, 41), 1.45, None, "United Kingdom"),
    ("536381", "22139", "RETROSPOT TEA SET CERAMIC 11 PC", 2, dt.datetime(2010, 12, 3, 10, 0), 4.95, 13047.0, "France"),
]
for r in UCI:
    ws.append(list(r))
for row in ws.iter_rows(min_row=2, min_col=5, max_col=5):
    for cell in row:
        cell.number_format = "m/d/yyyy h:mm"
ws2 = wb.create_sheet("Returns")
ws2.append(["Customer", "Date", "Amount"])
ws2.append(["A", 40513.5, 10])
ws2.append(["A", 40520.25, 20])
ws2.append(["B", 40530, 5])
wb.save(os.path.join(HERE, "uci_online_retail.xlsx"))

import pyarrow as pa  # noqa: E402
import pyarrow.ipc as ipc  # noqa: E402

table = pa.table({
    "customer_id": pa.array([r[0] for r in SAME]).dictionary_encode(),
    "order_id": pa.array([r[1] for r in SAME], pa.large_string()),
    "order_date": pa.array([r[2] for r in SAME], pa.timestamp("s")),
    "amount": pa.array([decimal.Decimal(r[3]) for r in SAME], pa.decimal128(10, 2)),
    "status": pa.array([r[4] for r in SAME]),
    "channel": pa.array([r[5] for r in SAME]).dictionary_encode(),
})
with ipc.new_file(os.path.join(HERE, "same.arrow"), table.schema) as w:
    # Two batches, to read more than one.
    w.write_table(table, max_chunksize=5)
sink = io.BytesIO()
with ipc.new_stream(sink, table.schema) as w:
    w.write_table(table, max_chunksize=4)
write("same.arrows", sink.getvalue())

# A DuckDB-style result: timestamps in milliseconds with a fixed zone, dates, floats, ints.
duck = pa.table({
    "user id": pa.array([101, 102, 101, 103], pa.int64()),
    "created at": pa.array(
        [1704103200000, 1704189600000, 1706781600000, None], pa.timestamp("ms", tz="+08:00")
    ),
    "total": pa.array([10.5, 20.25, 30.0, 5.0], pa.float64()),
    "day": pa.array([dt.date(2024, 1, 1), dt.date(2024, 1, 2), dt.date(2024, 2, 1), None],
                    pa.date32()),
})
sink = io.BytesIO()
with ipc.new_stream(sink, duck.schema) as w:
    w.write_table(duck)
write("duckdb_like.arrows", sink.getvalue())

# --- Bad inputs.
write("empty.csv", b"", BAD)
write("blank_lines.csv", b"\n  \r\n\t\n", BAD)
write("header_only.csv", b"customer_id,order_date,amount\r\n", BAD)
write("no_customer.csv", b"sku,order_date,amount\nA1,2024-01-01,5\n", BAD)
write("no_time.csv", b"customer_id,sku,amount\nc1,A1,5\n", BAD)


def png_1x1():
    def chunk(kind, data):
        c = struct.pack(">I", len(data)) + kind + data
        return c + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
    raw = b"\x00\xff\x00\x00"
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b""))


write("image.png", png_1x1(), BAD)
z = io.BytesIO()
with zipfile.ZipFile(z, "w", zipfile.ZIP_DEFLATED) as f:
    f.writestr("orders.csv", "customer_id,order_date\nc1,2024-01-01\n")
write("archive.zip", z.getvalue(), BAD)
xlsx = open(os.path.join(HERE, "same.xlsx"), "rb").read()
write("truncated.xlsx", xlsx[: len(xlsx) // 2], BAD)
# The workbook with its sheet XML damaged (a zip that is fine, an xlsx that is not).
z = io.BytesIO()
with zipfile.ZipFile(io.BytesIO(xlsx)) as src, zipfile.ZipFile(z, "w", zipfile.ZIP_DEFLATED) as dst:
    for item in src.infolist():
        data = src.read(item.filename)
        if item.filename == "xl/worksheets/sheet1.xml":
            data = data[: len(data) // 2]
        dst.writestr(item, data)
write("damaged_sheet.xlsx", z.getvalue(), BAD)
write("old_excel.xls", b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1" + b"\x00" * 504, BAD)
write("orders.csv.gz", __import__("gzip").compress(b"customer_id,order_date\nc1,2024-01-01\n"), BAD)
arrows = open(os.path.join(HERE, "same.arrows"), "rb").read()
write("truncated.arrows", arrows[: len(arrows) // 2], BAD)
write("nul_bytes.csv", b"customer_id,order_date\nc1\x00\x00,2024-01-01\n", BAD)
write("latin1.csv", "customer_id,order_date,city\nc1,2024-01-01,Zürich\u00e9\n".encode("latin-1"), BAD)
write("all_rejected.csv", b"customer_id,order_date,amount\n,2024-01-01,5\nc2,not a date,5\nc3,2024-01-02,abc\n", BAD)
# Every kind of rejected row and both date warnings, with their line numbers (see the test).
write("bad_rows.csv", b"""customer_id,order_date,amount,channel
c1,2024-01-05 10:00:00,10.00,web
,2024-01-06 10:00:00,11.00,web
c2,2024-13-45 10:00:00,12.00,web
c3,2024-01-07 10:00:00,twelve,web
c4,,13.00,web
c5,2024-01-08 10:00:00,,web
c6,2024-01-09 10:00:00,14.00,web,surplus
customer_id,order_date,amount,channel
c7,1899-12-31 23:59:59,15.00,web
c8,9999-12-31,16.00,web
c1,2024-02-05 10:00:00,17.00,app,
c9,"2024-02-06 10:00:00",18.00
c10,1970-01-01 00:00:00,19.00,web
""", BAD)
# A sheet with an extra value far to the right on some rows (ragged), the header repeated, and
# a lone cell in the last column Excel has (XFD): sparse rows must stay cheap.
wb = openpyxl.Workbook()
ws = wb.active
ws.title = "Orders"
ws.append(["customer_id", "order_date", "amount"])
ws.append(["c1", dt.datetime(2024, 1, 5, 10, 0), 10])
ws.append(["c2", dt.datetime(2024, 1, 6, 10, 0), 20, None, "stray note"])
ws.append(["customer_id", "order_date", "amount"])
ws.append(["c1", dt.datetime(2024, 2, 5, 10, 0), 30])
ws.cell(row=6, column=16384, value="far away")
ws.append(["c3", "2024-02-07 09:00:00", "¥40.00"])
for row in ws.iter_rows(min_row=2, min_col=2, max_col=2):
    for cell in row:
        cell.number_format = "yyyy-mm-dd hh:mm"
wb.save(os.path.join(BAD, "ragged_sheet.xlsx"))
print("fixtures written")
