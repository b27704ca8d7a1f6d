#!/usr/bin/env python3
"""The same orders as a CSV, a legacy .xls (BIFF8, written with xlwt), an OpenDocument .ods
(written by hand: a zip with mimetype and content.xml) and an "xls" that is an HTML table in
GB18030 (as Chinese back offices export it). Issue 13: all four must give the same Report."""
import datetime
import zipfile

import xlwt

HEADER = ["订单编号", "买家会员名", "下单时间", "实付金额", "订单状态", "店铺"]
ROWS = [
    ("T1001", "张三", datetime.datetime(2024, 3, 5, 14, 2), 128.5, "交易成功", "旗舰店"),
    ("T1002", "李四", datetime.datetime(2024, 3, 6, 9, 30), 59.0, "交易成功", "旗舰店"),
    ("T1003", "张三", datetime.datetime(2024, 4, 1, 20, 15), 88.8, "交易成功", "专营店"),
    ("T1004", "王五", datetime.datetime(2024, 4, 2, 11, 0), 300.0, "交易关闭", "旗舰店"),
    ("T1005", "李四", datetime.datetime(2024, 5, 9, 8, 45), 42.0, "交易成功", "专营店"),
    ("T1006", "赵六", datetime.datetime(2024, 5, 20, 16, 20), 1999.99, "交易成功", "旗舰店"),
    ("T1007", "张三", datetime.datetime(2024, 6, 1, 10, 10), 15.5, "交易成功", "旗舰店"),
]


def text(v):
    if isinstance(v, datetime.datetime):
        return v.strftime("%Y-%m-%d %H:%M:%S")
    if isinstance(v, float):
        return f"{v:.2f}"
    return v


with open("workbook_orders.csv", "w", encoding="utf-8", newline="") as f:
    f.write(",".join(HEADER) + "\n")
    for r in ROWS:
        f.write(",".join(text(v) for v in r) + "\n")

book = xlwt.Workbook(encoding="utf-8")
sheet = book.add_sheet("订单")
date_style = xlwt.easyxf(num_format_str="yyyy-mm-dd hh:mm:ss")
for c, h in enumerate(HEADER):
    sheet.write(0, c, h)
for r, row in enumerate(ROWS, start=1):
    for c, v in enumerate(row):
        if isinstance(v, datetime.datetime):
            sheet.write(r, c, v, date_style)
        else:
            sheet.write(r, c, v)
book.save("workbook_orders.xls")


def ods_cell(v):
    if isinstance(v, datetime.datetime):
        iso = v.strftime("%Y-%m-%dT%H:%M:%S")
        return f'<table:table-cell office:value-type="date" office:date-value="{iso}"><text:p>{text(v)}</text:p></table:table-cell>'
    if isinstance(v, float):
        return f'<table:table-cell office:value-type="float" office:value="{v}"><text:p>{text(v)}</text:p></table:table-cell>'
    return f'<table:table-cell office:value-type="string"><text:p>{v}</text:p></table:table-cell>'


rows = "".join("<table:table-row>" + "".join(ods_cell(v) for v in r) + "</table:table-row>" for r in [HEADER, *ROWS])
content = f"""<?xml version="1.0" encoding="UTF-8"?>
<office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2"><office:body><office:spreadsheet><table:table table:name="订单">{rows}</table:table></office:spreadsheet></office:body></office:document-content>"""
manifest = """<?xml version="1.0" encoding="UTF-8"?>
<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.2"><manifest:file-entry manifest:full-path="/" manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/><manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/></manifest:manifest>"""
with zipfile.ZipFile("workbook_orders.ods", "w") as z:
    z.writestr(zipfile.ZipInfo("mimetype", date_time=(2024, 1, 1, 0, 0, 0)), "application/vnd.oasis.opendocument.spreadsheet", compress_type=zipfile.ZIP_STORED)
    for name, data in [("content.xml", content), ("META-INF/manifest.xml", manifest)]:
        z.writestr(zipfile.ZipInfo(name, date_time=(2024, 1, 1, 0, 0, 0)), data, compress_type=zipfile.ZIP_DEFLATED)

cells = lambda r, tag: "".join(f"<{tag}>{text(v)}</{tag}>" for v in r)
html = f"""<html xmlns:x="urn:schemas-microsoft-com:office:excel">
<head><meta http-equiv="Content-Type" content="text/html; charset=gb2312"><style>td {{ mso-number-format:"\\@"; }}</style></head>
<body>
<table border="1">
<tr>{cells(HEADER, "th")}</tr>
{"".join("<tr>" + cells(r, "td") + "</tr>" + chr(10) for r in ROWS)}</table>
</body></html>
"""
with open("workbook_orders_html.xls", "wb") as f:
    f.write(html.encode("gb18030"))
