//! Every input format and platform layout, each from a real file in `examples/data/formats/`
//! (written by hand; `make_fixtures.py` there gives them their encodings and builds the xlsx and
//! Arrow ones). Each test states what the Report must say and why, worked out from the rows.
//!
//! Counting rules used below (SPEC §1, §2, §11): a purchase is an order with amount > 0 whose
//! status is not cancelled/refunded (COLUMNS.md); buyers are customers with ≥ 1 purchase,
//! `nonBuyers` the others; `revenue` sums every order, refunds and cancellations included;
//! `repurchaseRate` = buyers with ≥ 2 purchases / buyers.

use cohortlens::{analyze, Options, Report};
use serde_json::{json, Value};

fn fixture(name: &str) -> Vec<u8> {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("examples/data/formats")
        .join(name);
    std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn run(name: &str, options: Value) -> Report {
    let options = Options::from_json(&options.to_string()).unwrap();
    analyze(&fixture(name), &options).unwrap_or_else(|e| panic!("{name}: {e}"))
}

/// The Report's `ingest` and `summary` as JSON, for compact assertions.
fn facts(r: &Report) -> (Value, Value) {
    let v = serde_json::to_value(r).unwrap();
    (v["ingest"].clone(), v["summary"].clone())
}

/// Checks the summary figures every fixture states.
#[allow(clippy::too_many_arguments)]
fn assert_summary(
    s: &Value,
    customers: u64,
    non_buyers: u64,
    orders: u64,
    purchases: u64,
    revenue: f64,
    first: &str,
    last: &str,
    repurchase_rate: f64,
) {
    assert_eq!(s["customers"], customers, "customers in {s}");
    assert_eq!(s["nonBuyers"], non_buyers, "nonBuyers in {s}");
    assert_eq!(s["orders"], orders, "orders in {s}");
    assert_eq!(s["purchases"], purchases, "purchases in {s}");
    let got = s["revenue"].as_f64().unwrap();
    assert!((got - revenue).abs() < 1e-9, "revenue {got} != {revenue}");
    assert_eq!(s["firstOrder"], first);
    assert_eq!(s["lastOrder"], last);
    let got = s["repurchaseRate"].as_f64().unwrap();
    assert!((got - repurchase_rate).abs() < 1e-12, "rate {got}");
}

fn mapping(i: &Value) -> Value {
    i["mapping"].clone()
}

/// Shopify orders export, no options: Email/Created at/Total/Name/Financial Status map by
/// synonym ("Created at" beats "Paid at"; "Lineitem price" is the unit price). Continuation
/// lines (#1001 ×2, #1005 ×3) have blank Total (0 with an order role) and #1005's third line
/// a blank Created at (taken from the order's other lines): all 9 lines are accepted, 6 orders.
/// a@: #1001 50, #1003 20 → 2 purchases; b@: #1002 30, #1005 25.50 → 2; c@ only refunded
/// (#1004, 40) and d@ only voided (#1006, 10) → 2 non-buyers. Revenue 50+30+20+40+25.5+10 =
/// 175.5; both buyers repurchase → 1.0. The -0500 offsets are dropped (wall clock, SPEC §1).
#[test]
fn shopify_export() {
    let r = run("shopify.csv", json!({}));
    let (i, s) = facts(&r);
    assert_eq!(
        mapping(&i),
        json!({"customer": "Email", "time": "Created at", "amount": "Total", "order": "Name",
               "status": "Financial Status", "unitPrice": "Lineitem price"})
    );
    assert_eq!(
        (i["rows"].clone(), i["accepted"].clone()),
        (json!(9), json!(9))
    );
    assert_eq!(
        (i["format"].as_str(), i["encoding"].as_str()),
        (Some("csv"), Some("utf-8"))
    );
    assert_summary(
        &s,
        2,
        2,
        6,
        4,
        175.5,
        "2024-01-05T10:00:00",
        "2024-03-02T07:15:00",
        1.0,
    );
}

/// WooCommerce: "Billing Email" is the customer, "Order Total" the amount, `wc-` statuses.
/// x@: 1001 ($1,234.50) and 1004 ($10) purchases, 1003 wc-refunded; y@: 1002 ($99.90), 1006
/// wc-failed and 1007 $0.00 (zero → not a purchase); z@ only wc-cancelled → non-buyer.
/// Buyers x, y; purchases 3; revenue 1234.5+99.9+50+10+20+5+0 = 1419.4; rate 1/2.
#[test]
fn woocommerce_export() {
    let r = run("woocommerce.csv", json!({}));
    let (i, s) = facts(&r);
    assert_eq!(
        mapping(&i),
        json!({"customer": "Billing Email", "time": "Order Date", "amount": "Order Total",
               "order": "Order Number", "status": "Order Status"})
    );
    assert_summary(
        &s,
        2,
        1,
        7,
        3,
        1419.4,
        "2024-01-03T10:00:00",
        "2024-02-20T16:00:00",
        0.5,
    );
}

/// 有赞: UTF-8 with a BOM (reported as utf-8), `="…"` guards on order numbers and phones,
/// ¥ amounts with a thousands separator. 13800000001 buys three times (88, 1,288, 66),
/// …02 once (120.50) and then a 退款成功 refund, …03 only 已关闭 → non-buyer.
/// Revenue 88+120.5+30+1288+120.5+66 = 1713; rate 1/2.
#[test]
fn youzan_export() {
    let r = run("youzan.csv", json!({}));
    let (i, s) = facts(&r);
    assert_eq!(i["encoding"], "utf-8");
    assert_eq!(
        mapping(&i),
        json!({"customer": "买家手机号", "time": "下单时间", "amount": "订单实付金额",
               "order": "订单号", "status": "订单状态"})
    );
    assert_summary(
        &s,
        2,
        1,
        6,
        4,
        1713.0,
        "2024-01-02T09:00:00",
        "2024-03-01T08:00:00",
        0.5,
    );
    // The guard is stripped from the customer ids too (SPEC §11).
    let a = cohortlens::Analysis::run(&fixture("youzan.csv"), &Options::default()).unwrap();
    let table = String::from_utf8(a.customers_csv().unwrap()).unwrap();
    assert!(
        table.lines().any(|l| l.starts_with("13800000001,")),
        "{table}"
    );
    assert!(!table.contains('='), "{table}");
}

/// 淘宝/天猫: GBK without being told (reported as gb18030), CRLF, `="…"` order numbers, dates as
/// `2024年1月5日 10:00`, `2024/1/8 14:02`, tab-prefixed and guarded ISO. 张三: 1001 (¥100) and
/// 1005 (¥200, 卖家已发货 is a normal status) purchases, 1003 交易关闭; 李四: 1002 (¥1,115.39)
/// and 1006 退款成功; 王五 only 等待买家付款 with ¥0.00 → non-buyer.
/// Revenue 100+1115.39+50+0+200+1115.39 = 2580.78; rate 1/2.
#[test]
fn taobao_gbk_export() {
    let r = run("taobao_gbk.csv", json!({}));
    let (i, s) = facts(&r);
    assert_eq!(i["encoding"], "gb18030");
    assert_eq!(i["dateOrder"], "YMD");
    assert_eq!(
        mapping(&i),
        json!({"customer": "买家会员名", "time": "订单创建时间", "amount": "买家实际支付金额",
               "order": "订单编号", "status": "订单状态"})
    );
    assert_summary(
        &s,
        2,
        1,
        6,
        3,
        2580.78,
        "2024-01-05T10:00:00",
        "2024-02-20T10:00:00",
        0.5,
    );
    // The caller can name the encoding instead: the same Report.
    let told = run("taobao_gbk.csv", json!({"encoding": "gbk"}));
    assert_eq!(told.ingest.encoding, "gbk");
    assert_eq!(facts(&told).1, s);
}

/// 京东 saved as Excel "Unicode text": UTF-16LE with BOM, tab-separated; "下单帐号" is the
/// customer and "订单金额" the amount. jd_user1 buys twice (199, 89), jd_user2's only order is
/// 已取消, jd_user3 buys once (1299, 等待出库 is a normal status). Revenue 1646.9; rate 1/2.
/// The same text big-endian without a BOM is recognised from its zero bytes.
#[test]
fn jd_utf16_export() {
    for (name, encoding) in [
        ("jd_utf16.txt", "utf-16le"),
        ("jd_utf16be_nobom.txt", "utf-16be"),
    ] {
        let r = run(name, json!({}));
        let (i, s) = facts(&r);
        assert_eq!(
            (i["encoding"].as_str(), i["delimiter"].as_str()),
            (Some(encoding), Some("\t"))
        );
        assert_eq!(i["mapping"]["customer"], "下单帐号");
        assert_eq!(i["mapping"]["amount"], "订单金额");
        assert_summary(
            &s,
            2,
            1,
            4,
            3,
            1646.9,
            "2024-03-01T10:00:00",
            "2024-03-20T13:00:00",
            0.5,
        );
    }
}

/// European Excel: `;`, decimal commas, `€`, `(12,50)` negative, day-first dates. `25/12/2023`
/// and `13/01/2024` settle DMY, so `03/01/2024` is 3 January. Every unambiguous amount uses a
/// decimal comma, so the ambiguous `1.234` is 1234. C1: 12.50, −12.50 (refunded), 1234 → 2
/// purchases; C2: 1,234.56 and 0.99 → 2; C3: 7.00 → 1. Revenue 2476.55; rate 2/3.
#[test]
fn european_semicolons_and_decimal_commas() {
    let r = run("european.csv", json!({}));
    let (i, s) = facts(&r);
    assert_eq!(
        (i["delimiter"].as_str(), i["dateOrder"].as_str()),
        (Some(";"), Some("DMY"))
    );
    assert_summary(
        &s,
        3,
        0,
        6,
        5,
        2476.55,
        "2023-12-25T10:00:00",
        "2024-02-10T00:00:00",
        2.0 / 3.0,
    );
}

/// Time columns of plain numbers, decided for the whole column and reported in a warning:
/// epoch seconds (1704103200 = 2024-01-01T10:00:00 UTC), epoch milliseconds (fractions of a
/// second dropped), Excel serials in a CSV (45292.5 = 2024-01-01T12:00:00). Compact `YYYYMMDD`
/// stays a date, with no warning. u1/k1/p1 buy twice, u2/k2/p2 once: rate 1/2, revenue 60.
#[test]
fn numeric_time_columns() {
    for (name, first, last, warning) in [
        (
            "epoch_seconds.csv",
            "2024-01-01T10:00:00",
            "2024-02-01T10:00:00",
            Some("Unix time in seconds"),
        ),
        (
            "epoch_millis.csv",
            "2024-01-01T10:00:00",
            "2024-02-01T10:00:00",
            Some("Unix time in milliseconds"),
        ),
        (
            "excel_serial.csv",
            "2024-01-01T12:00:00",
            "2024-02-01T00:00:00",
            Some("Excel serial dates"),
        ),
        (
            "compact_dates.csv",
            "2024-01-05T00:00:00",
            "2024-03-01T00:00:00",
            None,
        ),
    ] {
        let r = run(name, json!({}));
        let (i, s) = facts(&r);
        assert_summary(&s, 2, 0, 3, 3, 60.0, first, last, 0.5);
        let warned = r
            .ingest
            .warnings
            .iter()
            .any(|w| w.contains("plain numbers"));
        match warning {
            Some(w) => assert!(
                r.ingest.warnings.iter().any(|x| x.contains(w)),
                "{name}: {:?}",
                i["warnings"]
            ),
            None => assert!(!warned, "{name}: {:?}", i["warnings"]),
        }
    }
    // The warning in Chinese.
    let r = run("excel_serial.csv", json!({"locale": "zh"}));
    assert!(r
        .ingest
        .warnings
        .iter()
        .any(|w| w.contains("Excel 序列日期")));
}

/// No header: columns are named "1", "2", "3" (SPEC §11) and mapped by the caller.
#[test]
fn headerless_file() {
    let r = run(
        "headerless.csv",
        json!({"header": false, "mapping": {"customer": "1", "time": "2", "amount": "3"}}),
    );
    let (i, s) = facts(&r);
    assert_eq!(i["rows"], 3);
    assert_summary(
        &s,
        2,
        0,
        3,
        3,
        60.0,
        "2024-01-05T10:00:00",
        "2024-02-07T12:00:00",
        0.5,
    );
    // Without a mapping nothing can be guessed from "1", "2", "3".
    let e = analyze(
        &fixture("headerless.csv"),
        &Options::from_json(r#"{"header": false}"#).unwrap(),
    )
    .unwrap_err();
    assert_eq!(e.code(), "NoCustomerColumn");
}

/// UCI Online Retail as a workbook: date cells (exact to the second), numeric CustomerID
/// (17850.0 is the id "17850"), amount = Quantity × UnitPrice. 536365 = 6×2.55 + 6×3.39 =
/// 35.64, 536366 = 11.10, 536367 = 54.08, C536379 = −27.50 (cancellation; 14527's only order →
/// non-buyer), 536381 = 9.90; the blank CustomerID on sheet row 7 is rejected. 17850 and 13047
/// buy twice each: rate 1.0, revenue 83.22.
#[cfg(feature = "xlsx")]
#[test]
fn xlsx_online_retail() {
    let r = run("uci_online_retail.xlsx", json!({}));
    let (i, s) = facts(&r);
    assert_eq!(
        (i["format"].as_str(), i["sheet"].as_str()),
        (Some("xlsx"), Some("Online Retail"))
    );
    assert_eq!(
        mapping(&i),
        json!({"customer": "CustomerID", "time": "InvoiceDate", "order": "InvoiceNo",
               "quantity": "Quantity", "unitPrice": "UnitPrice"})
    );
    assert_eq!(i["rejected"], json!({"missingCustomer": 1}));
    assert_eq!(i["samples"][0]["line"], 7, "the sheet's row number");
    assert_summary(
        &s,
        2,
        1,
        5,
        4,
        83.22,
        "2010-12-01T08:26:00",
        "2010-12-03T10:00:00",
        1.0,
    );
    let a =
        cohortlens::Analysis::run(&fixture("uci_online_retail.xlsx"), &Options::default()).unwrap();
    let table = String::from_utf8(a.customers_csv().unwrap()).unwrap();
    assert!(table.lines().any(|l| l.starts_with("17850,")), "{table}");
}

/// `options.sheet` picks another sheet, by name or 1-based position. The "Returns" sheet has
/// serial numbers without a date format: a numeric time column (40513.5 = 2010-12-01 12:00).
/// A: 10 + 20, B: 5 → rate 1/2, revenue 35. An unknown sheet is an error listing the sheets.
#[cfg(feature = "xlsx")]
#[test]
fn xlsx_sheet_option() {
    for sheet in ["Returns", "returns", "2"] {
        let r = run("uci_online_retail.xlsx", json!({ "sheet": sheet }));
        let (i, s) = facts(&r);
        assert_eq!(i["sheet"], "Returns");
        assert_summary(
            &s,
            2,
            0,
            3,
            3,
            35.0,
            "2010-12-01T12:00:00",
            "2010-12-18T00:00:00",
            0.5,
        );
        assert!(r.ingest.warnings.iter().any(|w| w.contains("Excel serial")));
    }
    let e = analyze(
        &fixture("uci_online_retail.xlsx"),
        &Options::from_json(r#"{"sheet": "Refunds"}"#).unwrap(),
    )
    .unwrap_err();
    assert_eq!(e.code(), "UnknownSheet");
    assert!(e.to_string().contains("Online Retail"), "{e}");
}

/// A workbook as Excel writes it: strings in the shared-string table, a custom date style
/// (45356.5 = 2024-03-05 12:00), a `t="d"` ISO date, a string-typed amount with ￥, an error
/// cell (`#N/A` → badAmount on sheet row 4) and a boolean in column XFD beyond the header
/// (sheet row 3 → raggedRow). One row is left: c1, 12.50.
#[cfg(feature = "xlsx")]
#[test]
fn xlsx_shared_strings_and_cell_types() {
    let r = run("shared_strings.xlsx", json!({}));
    let (i, s) = facts(&r);
    assert_eq!(i["rejected"], json!({"raggedRow": 1, "badAmount": 1}));
    assert_eq!(i["samples"][0]["line"], 3);
    assert_eq!(i["samples"][0]["text"], "TRUE");
    assert_eq!(i["samples"][1]["text"], "#N/A");
    assert_summary(
        &s,
        1,
        0,
        1,
        1,
        12.5,
        "2024-03-05T12:00:00",
        "2024-03-05T12:00:00",
        0.0,
    );
}

/// A DuckDB-style Arrow stream: int64 ids, timestamps in ms with a fixed +08:00 zone (applied:
/// 1704103200000 ms = 10:00 UTC = 18:00 local), a float total, a date32 dimension and a null
/// time (rejected as missingTime). 101 buys twice, 102 once: rate 1/2, revenue 60.75.
#[cfg(feature = "arrow")]
#[test]
fn arrow_stream_duckdb_like() {
    let r = run("duckdb_like.arrows", json!({}));
    let (i, s) = facts(&r);
    assert_eq!(i["format"], "arrow");
    assert_eq!(i["rejected"], json!({"missingTime": 1}));
    assert_eq!(i["samples"][0]["line"], 4, "1-based row of the table");
    assert_summary(
        &s,
        2,
        0,
        3,
        3,
        60.75,
        "2024-01-01T18:00:00",
        "2024-02-01T18:00:00",
        0.5,
    );
}

/// The same nine orders as CSV, xlsx, Arrow file (two batches) and Arrow stream (three
/// batches, dictionary-encoded customers and channels, decimal amounts, second timestamps):
/// every part of the Report but the ingest's format fields is the same.
#[cfg(all(feature = "xlsx", feature = "arrow"))]
#[test]
fn same_data_in_every_format_gives_the_same_report() {
    let options = json!({"breakdowns": ["channel"], "asOf": "2024-04-01"});
    let strip = |r: &Report| {
        let mut v = serde_json::to_value(r).unwrap();
        let ingest = v["ingest"].as_object_mut().unwrap();
        for k in ["format", "sheet", "encoding", "delimiter"] {
            ingest.remove(k);
        }
        v
    };
    let csv = run("same.csv", options.clone());
    let (_, s) = facts(&csv);
    // c1: 120, 45.50, 12; c2: 60.25, 33.10; c4: 80, 99.99; c3 refunded; c5 0.00.
    assert_summary(
        &s,
        3,
        2,
        9,
        7,
        465.84,
        "2024-01-03T09:15:00",
        "2024-03-30T06:00:00",
        1.0,
    );
    let want = strip(&csv);
    for name in ["same.xlsx", "same.arrow", "same.arrows"] {
        let got = strip(&run(name, options.clone()));
        assert_eq!(got, want, "{name}");
    }
}

/// The golden GBK fixture is read without being told its encoding or mapping, too.
#[test]
fn cn_gbk_golden_needs_no_options() {
    let bytes = std::fs::read(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/data/golden/cn_gbk.csv"),
    )
    .unwrap();
    let r = analyze(&bytes, &Options::default()).unwrap();
    assert_eq!(r.ingest.encoding, "gb18030");
    assert_eq!(r.ingest.delimiter, ",");
    assert_eq!(
        r.ingest.mapping.get("customer").map(String::as_str),
        Some("买家会员名")
    );
    assert_eq!(
        r.ingest.mapping.get("time").map(String::as_str),
        Some("订单创建时间")
    );
}
