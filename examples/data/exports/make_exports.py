#!/usr/bin/env python3
"""Writes the export-family fixtures of issue 13: invented orders in the header layouts the
real exports use (Shopify, WooCommerce, Etsy CSV and TSV, a Wayfair PO export, a 天猫 order
report, a WeChat shop ledger). Run it from this directory; the data is fixed (no randomness)."""
import csv


def write(name, header, rows, delimiter=","):
    with open(name, "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f, delimiter=delimiter, lineterminator="\n")
        w.writerow(header)
        for r in rows:
            w.writerow([r.get(h, "") for h in header])


# Shopify, cash on delivery: Email blank on most orders, Phone on all but one (which has an
# Email). 12 orders, 8 customers, each order one line.
SHOPIFY = ["Name", "Email", "Financial Status", "Paid at", "Fulfillment Status", "Fulfilled at",
           "Accepts Marketing", "Currency", "Subtotal", "Shipping", "Taxes", "Total",
           "Discount Code", "Discount Amount", "Shipping Method", "Created at",
           "Lineitem quantity", "Lineitem name", "Lineitem price", "Lineitem sku",
           "Billing Name", "Billing Phone", "Shipping Name", "Shipping Phone", "Cancelled at",
           "Payment Method", "Refunded Amount", "Vendor", "Id", "Tags", "Source", "Phone"]
people = [("+91 98100 00001", ""), ("+91 98100 00002", ""), ("+91 98100 00003", "ravi@example.com"),
          ("+91 98100 00004", ""), ("+91 98100 00005", ""), ("", "meena@example.com"),
          ("+91 98100 00007", ""), ("+91 98100 00008", "")]
orders = [(0, "2024-03-01 10:00:00 +0530", "450.00"), (1, "2024-03-02 11:00:00 +0530", "1200.00"),
          (0, "2024-03-09 09:30:00 +0530", "300.00"), (2, "2024-03-10 12:00:00 +0530", "99.00"),
          (3, "2024-03-11 15:00:00 +0530", "650.50"), (4, "2024-03-12 16:00:00 +0530", "220.00"),
          (5, "2024-03-13 17:00:00 +0530", "780.00"), (5, "2024-04-02 18:00:00 +0530", "80.00"),
          (6, "2024-04-03 19:00:00 +0530", "510.00"), (7, "2024-04-04 20:00:00 +0530", "135.25"),
          (1, "2024-04-05 08:00:00 +0530", "999.99"), (2, "2024-04-06 07:00:00 +0530", "40.00")]
rows = []
for n, (p, t, total) in enumerate(orders):
    phone, email = people[p]
    rows.append({"Name": f"#{1001 + n}", "Email": email, "Financial Status": "pending" if n % 5 == 0 else "paid",
                 "Currency": "INR", "Subtotal": total, "Total": total, "Created at": t,
                 "Lineitem quantity": "1", "Lineitem name": "Kurta", "Lineitem price": total,
                 "Billing Name": f"Buyer {p}", "Billing Phone": phone, "Shipping Name": f"Buyer {p}",
                 "Phone": phone, "Payment Method": "Cash on Delivery (COD)", "Id": str(5000 + n),
                 "Source": "web", "Refunded Amount": "0.00", "Discount Amount": "0.00"})
write("shopify_cod.csv", SHOPIFY, rows)

# WooCommerce (an order-export plugin): one row per line item, the order's Total Amount on every
# line, Customer ID 0 on every guest order. 8 orders, 5 customers, 14 lines.
WOO = ["Order ID", "Order Number", "Date Created", "Date Paid", "Status", "Customer ID",
       "Billing First Name", "Billing Last Name", "Billing Email", "Billing Phone",
       "Payment Method Title", "Product Name", "SKU", "Quantity", "Item Cost", "Line Total",
       "Order Shipping", "Total Amount"]
woo_orders = [
    ("a@shop.test", "2024-05-01 09:00:00", "wc-completed", [("Mug", 2, "12.00"), ("Tea", 1, "8.50")], "38.50"),
    ("b@shop.test", "2024-05-02 10:00:00", "wc-completed", [("Tea", 3, "8.50")], "29.50"),
    ("c@shop.test", "2024-05-03 11:00:00", "wc-processing", [("Pot", 1, "40.00"), ("Mug", 1, "12.00"), ("Tea", 2, "8.50")], "73.00"),
    ("a@shop.test", "2024-05-20 12:00:00", "wc-completed", [("Tea", 4, "8.50"), ("Mug", 1, "12.00")], "50.00"),
    ("d@shop.test", "2024-06-01 13:00:00", "wc-refunded", [("Pot", 1, "40.00")], "45.00"),
    ("e@shop.test", "2024-06-02 14:00:00", "wc-completed", [("Mug", 1, "12.00"), ("Pot", 1, "40.00")], "57.00"),
    ("b@shop.test", "2024-06-10 15:00:00", "wc-completed", [("Tea", 1, "8.50"), ("Mug", 2, "12.00")], "37.50"),
    ("c@shop.test", "2024-06-11 16:00:00", "wc-completed", [("Tea", 1, "8.50"), ("Pot", 1, "40.00")], "53.50"),
]
rows = []
for n, (email, t, status, lines, total) in enumerate(woo_orders):
    member = "17" if email == "d@shop.test" else "0"
    for product, qty, cost in lines:
        rows.append({"Order ID": str(300 + n), "Order Number": str(300 + n), "Date Created": t,
                     "Date Paid": "" if status == "wc-refunded" else t, "Status": status,
                     "Customer ID": member, "Billing First Name": email[0].upper(),
                     "Billing Last Name": "Doe", "Billing Email": email, "Billing Phone": "",
                     "Payment Method Title": "Card", "Product Name": product, "SKU": product.upper(),
                     "Quantity": str(qty), "Item Cost": cost, "Line Total": f"{qty * float(cost):.2f}",
                     "Order Shipping": "5.00", "Total Amount": total})
write("woocommerce.csv", WOO, rows)

# Etsy "Sold Orders", in CSV and in TSV: Sale Date as MM/DD/YY, Buyer User ID and the buyer's
# name. 7 orders, 4 buyers.
ETSY = ["Sale Date", "Order ID", "Buyer User ID", "Full Name", "First Name", "Last Name",
        "Number of Items", "Payment Method", "Date Shipped", "Ship City", "Ship State",
        "Ship Country", "Currency", "Order Value", "Coupon Code", "Discount Amount",
        "Shipping Discount", "Shipping", "Sales Tax", "Order Total", "Status",
        "Card Processing Fees", "Order Net", "Adjusted Order Total", "Buyer", "Order Type",
        "Payment Type", "SKU"]
etsy = [("09/02/24", "811", "ana.k", "Ana K", "24.00", "27.50"),
        ("09/15/24", "812", "bo.l", "Bo L", "60.00", "66.10"),
        ("09/28/24", "813", "ana.k", "Ana K", "18.00", "21.00"),
        ("10/03/24", "814", "cy.m", "Cy M", "35.00", "39.90"),
        ("10/13/24", "815", "dee.n", "Dee N", "12.00", "15.00"),
        ("10/21/24", "816", "bo.l", "Bo L", "44.00", "49.00"),
        ("11/18/24", "817", "ana.k", "Ana K", "30.00", "33.30")]
rows = []
for date, oid, uid, name, value, total in etsy:
    first, last = name.split()
    rows.append({"Sale Date": date, "Order ID": oid, "Buyer User ID": uid, "Full Name": name,
                 "First Name": first, "Last Name": last, "Number of Items": "1",
                 "Payment Method": "Other", "Date Shipped": date, "Ship City": "Leeds",
                 "Ship Country": "United Kingdom", "Currency": "USD", "Order Value": value,
                 "Discount Amount": "0", "Shipping Discount": "0", "Shipping": "3.00",
                 "Sales Tax": "0.50", "Order Total": total, "Card Processing Fees": "1.00",
                 "Order Net": f"{float(total) - 1:.2f}", "Adjusted Order Total": "--",
                 "Buyer": f"{name} ({uid})", "Order Type": "online", "Payment Type": "online_cc",
                 "SKU": "CARD-1"})
write("etsy_sold_orders.csv", ETSY, rows)
write("etsy_sold_orders.tsv", ETSY, rows, delimiter="\t")

# A Wayfair-like supplier PO export: no amount column (quantity × wholesale price), the
# customer is the ship-to name, PO Date as M/D/YYYY. 6 POs, 4 customers.
WAYFAIR = ["Warehouse Name", "Store Name", "PO Number", "PO Date", "Must Ship By",
           "Backorder Date", "Order Status", "Item Number", "Item Name", "Quantity",
           "Wholesale Price", "Ship Method", "Carrier Name", "Ship To Name", "Ship To Address",
           "Ship To City", "Ship To State", "Ship To Zip", "Ship To Phone",
           "Inventory at PO Time", "Ship Speed", "PO Date & Time", "Registered Timestamp",
           "Event Name", "Tracking Number", "Sales Channel"]
wf = [("CS501", "1/5/2024", "Jo Park", "555-0101", "RUG-1", 1, "120.00"),
      ("CS502", "1/19/2024", "Al Reyes", "555-0102", "LAMP-2", 2, "45.50"),
      ("CS503", "2/2/2024", "Jo Park", "555-0101", "LAMP-2", 1, "45.50"),
      ("CS504", "2/14/2024", "Mi Chen", "555-0103", "RUG-1", 1, "120.00"),
      ("CS505", "3/1/2024", "Sam Oke", "555-0104", "STOOL-3", 4, "30.00"),
      ("CS506", "3/22/2024", "Al Reyes", "555-0102", "RUG-1", 1, "120.00")]
rows = []
for po, date, name, phone, item, qty, price in wf:
    m, d, y = date.split("/")
    rows.append({"Warehouse Name": "East", "Store Name": "Wayfair", "PO Number": po, "PO Date": date,
                 "Must Ship By": date, "Order Status": "Shipped", "Item Number": item,
                 "Item Name": item.title(), "Quantity": str(qty), "Wholesale Price": price,
                 "Ship Method": "Ground", "Carrier Name": "UPS", "Ship To Name": name,
                 "Ship To Address": "1 Main St", "Ship To City": "Boston", "Ship To State": "MA",
                 "Ship To Zip": "02110", "Ship To Phone": phone, "Inventory at PO Time": "40",
                 "Ship Speed": "Standard", "PO Date & Time": f"{y}-{int(m):02}-{int(d):02} 08:15:00",
                 "Registered Timestamp": f"{y}-{int(m):02}-{int(d):02} 08:16:00",
                 "Tracking Number": "1Z" + po, "Sales Channel": "Wayfair.com"})
write("wayfair_po.csv", WAYFAIR, rows)

# A 天猫 order report: 退款金额 on the order row. 6 orders, 4 customers; order 1003 refunded in
# part, 1005 in full (交易关闭).
TMALL = ["订单编号", "买家会员名", "买家支付宝账号", "买家应付货款", "买家应付邮费", "总金额",
         "买家实际支付金额", "订单状态", "买家留言", "收货人姓名", "收货地址", "运送方式",
         "联系电话", "联系手机", "订单创建时间", "订单付款时间", "宝贝标题", "宝贝种类",
         "物流单号", "宝贝总数量", "店铺名称", "退款金额"]
tm = [("1001", "tb_alice", "2024-01-03 10:00:00", "199.00", "0", "交易成功"),
      ("1002", "tb_bob", "2024-01-05 11:00:00", "89.00", "0", "交易成功"),
      ("1003", "tb_alice", "2024-02-10 12:00:00", "300.00", "100.00", "交易成功"),
      ("1004", "tb_cat", "2024-02-11 13:00:00", "59.90", "0", "卖家已发货，等待买家确认"),
      ("1005", "tb_dan", "2024-02-12 14:00:00", "120.00", "120.00", "交易关闭"),
      ("1006", "tb_bob", "2024-03-01 15:00:00", "45.00", "0", "交易成功")]
rows = []
for oid, buyer, t, paid, refund, status in tm:
    rows.append({"订单编号": oid, "买家会员名": buyer, "买家支付宝账号": buyer + "@alipay.test",
                 "买家应付货款": paid, "买家应付邮费": "0.00", "总金额": paid, "买家实际支付金额": paid,
                 "订单状态": status, "收货人姓名": "收件人" + buyer[-1], "收货地址": "浙江省杭州市",
                 "运送方式": "快递", "联系手机": "1380000" + str(1000 + ord(buyer[3])), "订单创建时间": t,
                 "订单付款时间": t, "宝贝标题": "茶叶", "宝贝种类": "1", "宝贝总数量": "1",
                 "店铺名称": "某某旗舰店", "退款金额": refund})
write("tmall_orders.csv", TMALL, rows)

# A hand-kept WeChat shop ledger: dates without a year (11月18日 … 1月6日, the year turns),
# the customer by nickname and phone. 8 rows, 4 customers.
LEDGER = ["日期", "微信昵称", "手机", "收件人", "商品", "数量", "金额"]
lg = [("11月18日", "小王", "13900000001", "王先生", "红茶", "2", "76"),
      ("11月20日", "阿梅", "13900000002", "李梅", "绿茶", "1", "58"),
      ("11月29日", "小王", "13900000001", "王先生", "绿茶", "1", "58"),
      ("12月3日", "老周", "13900000003", "周某", "茶具", "1", "168"),
      ("12月15日", "阿梅", "13900000002", "李梅", "红茶", "3", "114"),
      ("12月28日", "Kiki", "13900000004", "陈琪", "红茶", "1", "38"),
      ("1月2日", "老周", "13900000003", "周某", "绿茶", "2", "116"),
      ("1月6日", "小王", "13900000001", "王先生", "红茶", "1", "38")]
write("wechat_ledger.csv", LEDGER,
      [dict(zip(LEDGER, r)) for r in lg])
