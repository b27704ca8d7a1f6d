//! Cell text: cleaning, plain numbers and status words (SPEC §1, §11; COLUMNS.md). Times are
//! in [`crate::time`], money in [`crate::money`]. Parsers take bytes and never allocate.

/// A cell without surrounding whitespace/tabs and without the Excel guard `="…"` (SPEC §11).
#[inline]
pub fn clean(cell: &[u8]) -> &[u8] {
    let cell = cell.trim_ascii();
    match cell {
        [b'=', b'"', inner @ .., b'"'] => inner.trim_ascii(),
        _ => cell,
    }
}

/// A cell that is a plain non-negative number (`123`, `45356.5`): its value.
pub fn plain_number(cell: &[u8]) -> Option<f64> {
    if cell.is_empty() || cell.len() > 24 {
        return None;
    }
    let mut dots = 0;
    for &c in cell {
        match c {
            b'0'..=b'9' => {}
            b'.' => dots += 1,
            _ => return None,
        }
    }
    if dots > 1 || cell[0] == b'.' || cell[cell.len() - 1] == b'.' {
        return None;
    }
    std::str::from_utf8(cell).ok()?.parse().ok()
}

/// The status values recognised as cancelled or refunded (COLUMNS.md), compared ignoring ASCII
/// case: by the file path here and by the warehouse SQL (`lower(status) IN (…)`).
pub const CANCELLED_WORDS: [&str; 21] = [
    "refunded",
    "cancelled",
    "canceled",
    "voided",
    "failed",
    "wc-refunded",
    "wc-cancelled",
    "wc-failed",
    "returned",
    "chargeback",
    "交易关闭",
    "已关闭",
    "已取消",
    "取消",
    "退款",
    "已退款",
    "退款成功",
    "全额退款",
    "等待买家付款",
    "待付款",
    "未付款",
];

/// Whether a status value makes an order a non-purchase (COLUMNS.md).
pub fn is_cancelled_status(cell: &[u8]) -> bool {
    let Ok(text) = std::str::from_utf8(cell) else {
        return false;
    };
    CANCELLED_WORDS.iter().any(|w| text.eq_ignore_ascii_case(w))
}

#[cfg(test)]
mod tests {
    use super::*;
    #[test]
    fn cleaning_strips_excel_guard_and_tabs() {
        assert_eq!(clean(b"\t2024-03-05 "), b"2024-03-05");
        assert_eq!(clean(b"=\"2024010100007645\""), b"2024010100007645");
        assert_eq!(clean(b"  "), b"");
    }

    #[test]
    fn status_words() {
        assert!(is_cancelled_status("退款成功".as_bytes()));
        assert!(is_cancelled_status(b"Refunded"));
        assert!(!is_cancelled_status("交易成功".as_bytes()));
        assert!(!is_cancelled_status(b"partially_refunded"));
    }
}
