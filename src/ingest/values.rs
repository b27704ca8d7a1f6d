//! Typed values from cell text: cleaning, timestamps, money, status words (SPEC §1, §11;
//! COLUMNS.md). Parsers take bytes and never allocate on the common path.

use crate::period::{checked_days_from_ymd, DAY};

/// Money in millionths of the currency unit. Sums are taken in `i128`, so they are exact
/// (SPEC §11: never f64 sums).
pub type Micros = i64;

/// Millionths per unit.
pub const MICROS: i64 = 1_000_000;

/// A cell without surrounding whitespace/tabs and without the Excel guard `="…"` (SPEC §11).
#[inline]
pub fn clean(cell: &[u8]) -> &[u8] {
    let cell = cell.trim_ascii();
    match cell {
        [b'=', b'"', inner @ .., b'"'] => inner.trim_ascii(),
        _ => cell,
    }
}

/// A parsed timestamp: exact, or `a/b/yyyy` whose day/month order the column decides.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Time {
    /// Seconds since 1970-01-01T00:00:00, wall clock as written.
    Exact(i64),
    /// `a/b/year` (separator `/`, `-` or `.`), seconds into the day.
    Ambiguous {
        /// First number.
        a: u8,
        /// Second number.
        b: u8,
        /// Four-digit year.
        year: i32,
        /// Seconds after midnight.
        secs: u32,
    },
}

/// Whether an ambiguous date reads day-first or month-first.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DayMonth {
    /// `a` is the day.
    DayFirst,
    /// `a` is the month.
    MonthFirst,
}

impl Time {
    /// The time under a day/month order; `None` when the date is impossible that way.
    pub fn resolve(self, order: DayMonth) -> Option<i64> {
        match self {
            Time::Exact(t) => Some(t),
            Time::Ambiguous { a, b, year, secs } => {
                let (d, m) = match order {
                    DayMonth::DayFirst => (a, b),
                    DayMonth::MonthFirst => (b, a),
                };
                let day = checked_days_from_ymd(i64::from(year), i64::from(m), i64::from(d))?;
                Some(day * DAY + i64::from(secs))
            }
        }
    }

    /// Evidence this value gives on the order: `Some(DayFirst)` when `a > 12`.
    pub fn evidence(self) -> Option<DayMonth> {
        match self {
            Time::Ambiguous { a, b, .. } if a > 12 && b <= 12 => Some(DayMonth::DayFirst),
            Time::Ambiguous { a, b, .. } if b > 12 && a <= 12 => Some(DayMonth::MonthFirst),
            _ => None,
        }
    }
}

/// A small cursor over bytes for the date grammar.
struct Cursor<'a> {
    s: &'a [u8],
    i: usize,
}

impl<'a> Cursor<'a> {
    fn peek(&self) -> Option<u8> {
        self.s.get(self.i).copied()
    }

    fn eat(&mut self, b: u8) -> bool {
        if self.peek() == Some(b) {
            self.i += 1;
            true
        } else {
            false
        }
    }

    fn eat_str(&mut self, t: &[u8]) -> bool {
        if self.s.get(self.i..self.i + t.len()) == Some(t) {
            self.i += t.len();
            true
        } else {
            false
        }
    }

    /// Up to `max` digits (at least one); returns (value, digit count).
    fn digits(&mut self, max: usize) -> Option<(u32, usize)> {
        let start = self.i;
        let mut v: u32 = 0;
        while self.i - start < max {
            match self.peek() {
                Some(c @ b'0'..=b'9') => {
                    v = v * 10 + u32::from(c - b'0');
                    self.i += 1;
                }
                _ => break,
            }
        }
        let n = self.i - start;
        (n > 0).then_some((v, n))
    }

    fn skip_spaces(&mut self) -> bool {
        let start = self.i;
        while matches!(self.peek(), Some(b' ' | b'\t')) {
            self.i += 1;
        }
        self.i > start
    }

    fn done(&self) -> bool {
        self.i >= self.s.len()
    }
}

/// Parses a cleaned, non-empty time cell. Accepted: `YYYY-MM-DD[ T]HH:MM[:SS][.fff][offset]`,
/// `YYYY/M/D H:MM`, `YYYY.M.D`, `YYYY年M月D日 H:MM`, `YYYYMMDD`, `a/b/yyyy H:MM` (also with `-`
/// or `.`, and two-digit years), `AM`/`PM`. A UTC offset is dropped (SPEC §1).
pub fn parse_time(cell: &[u8]) -> Option<Time> {
    let mut c = Cursor { s: cell, i: 0 };
    let (first, n) = c.digits(8)?;
    let date = if n == 8 {
        // YYYYMMDD
        let (y, m, d) = (first / 10_000, first / 100 % 100, first % 100);
        Date::Exact(checked_days_from_ymd(
            i64::from(y),
            i64::from(m),
            i64::from(d),
        )?)
    } else if n == 4 {
        // Year first: Y-M-D, Y/M/D, Y.M.D, Y年M月D日.
        let sep = c.peek()?;
        let (month, day) = if sep == b'-' || sep == b'/' || sep == b'.' {
            c.i += 1;
            let (m, _) = c.digits(2)?;
            if !c.eat(sep) {
                return None;
            }
            let (d, _) = c.digits(2)?;
            (m, d)
        } else if c.eat_str("年".as_bytes()) {
            let (m, _) = c.digits(2)?;
            if !c.eat_str("月".as_bytes()) {
                return None;
            }
            let (d, _) = c.digits(2)?;
            c.eat_str("日".as_bytes());
            (m, d)
        } else {
            return None;
        };
        Date::Exact(checked_days_from_ymd(
            i64::from(first),
            i64::from(month),
            i64::from(day),
        )?)
    } else if n <= 2 {
        // a/b/yyyy or a/b/yy.
        let sep = c.peek()?;
        if !(sep == b'/' || sep == b'-' || sep == b'.') {
            return None;
        }
        c.i += 1;
        let (b, _) = c.digits(2)?;
        if !c.eat(sep) {
            return None;
        }
        let (y, yn) = c.digits(4)?;
        let year = match yn {
            4 => y,
            // Two-digit years below 70 are 20yy (SPEC §11).
            2 if y < 70 => 2000 + y,
            2 => 1900 + y,
            _ => return None,
        };
        if first == 0 || b == 0 || first > 31 || b > 31 || (first > 12 && b > 12) {
            return None;
        }
        Date::Ambiguous {
            a: u8::try_from(first).ok()?,
            b: u8::try_from(b).ok()?,
            year: i32::try_from(year).ok()?,
        }
    } else {
        return None;
    };
    let secs = parse_clock(&mut c)?;
    Some(match date {
        Date::Exact(day) => Time::Exact(day * DAY + i64::from(secs)),
        Date::Ambiguous { a, b, year } => Time::Ambiguous { a, b, year, secs },
    })
}

enum Date {
    Exact(i64),
    Ambiguous { a: u8, b: u8, year: i32 },
}

/// The optional time of day after a date, with fraction, AM/PM and offset; seconds after midnight.
fn parse_clock(c: &mut Cursor) -> Option<u32> {
    let separated = c.skip_spaces() || c.eat(b'T');
    if c.done() {
        return Some(0);
    }
    if !separated {
        return None;
    }
    let (h, _) = c.digits(2)?;
    if !c.eat(b':') {
        return None;
    }
    let (mi, mn) = c.digits(2)?;
    let mut s = 0;
    if c.eat(b':') {
        let (v, sn) = c.digits(2)?;
        if sn != 2 {
            return None;
        }
        s = v;
        // Fractions of a second are dropped: times are whole seconds.
        if c.eat(b'.') || c.eat(b',') {
            c.digits(9)?;
        }
    }
    if mn != 2 || h > 23 || mi > 59 || s > 59 {
        return None;
    }
    let mut h = h;
    c.skip_spaces();
    if c.eat_str(b"AM") || c.eat_str(b"am") {
        if h == 0 || h > 12 {
            return None;
        }
        if h == 12 {
            h = 0;
        }
        c.skip_spaces();
    } else if c.eat_str(b"PM") || c.eat_str(b"pm") {
        if h == 0 || h > 12 {
            return None;
        }
        if h < 12 {
            h += 12;
        }
        c.skip_spaces();
    }
    // A UTC offset is recognised and dropped (SPEC §1).
    if c.eat(b'Z') || c.eat_str(b"UTC") || c.eat_str(b"GMT") {
        c.skip_spaces();
    }
    if c.peek() == Some(b'+') || c.peek() == Some(b'-') {
        c.i += 1;
        let (_, n) = c.digits(4)?;
        if n == 2 && c.eat(b':') {
            c.digits(2)?;
        } else if n != 4 && n != 2 {
            return None;
        }
    }
    c.done().then_some(h * 3600 + mi * 60 + s)
}

/// How a column of plain numbers is read as time (SPEC §11: decided per column, never per
/// value, and never for 8-digit `YYYYMMDD` values, which are dates).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum NumericTime {
    /// Excel serial day numbers: days since 1899-12-30, fractions are the time of day.
    ExcelSerial,
    /// Seconds since 1970-01-01T00:00:00 (UTC wall clock).
    EpochSeconds,
    /// Milliseconds since 1970-01-01T00:00:00 (UTC wall clock).
    EpochMillis,
}

/// Day number of 1899-12-30, the day before Excel's serial day 1 (with its 1900 leap-year bug).
pub const EXCEL_EPOCH_DAY: i64 = -25_569;

impl NumericTime {
    /// Every kind, in the order ties are broken.
    pub const ALL: [NumericTime; 3] = [
        NumericTime::ExcelSerial,
        NumericTime::EpochSeconds,
        NumericTime::EpochMillis,
    ];

    /// The kind whose plausible range holds `v`: serials 20000–80000 (1954–2119), epoch
    /// seconds 1e8–5e9 and milliseconds 1e11–5e12 (1973–2128).
    pub fn of(v: f64) -> Option<NumericTime> {
        if (20_000.0..80_000.0).contains(&v) {
            Some(NumericTime::ExcelSerial)
        } else if (1e8..5e9).contains(&v) {
            Some(NumericTime::EpochSeconds)
        } else if (1e11..5e12).contains(&v) {
            Some(NumericTime::EpochMillis)
        } else {
            None
        }
    }

    /// Seconds since 1970 of `v` read this way; `None` outside the kind's range.
    pub fn seconds(self, v: f64) -> Option<i64> {
        if NumericTime::of(v) != Some(self) {
            return None;
        }
        Some(match self {
            // Rounded to the nearest second (SPEC §11).
            NumericTime::ExcelSerial => excel_serial_seconds(v, false)?,
            NumericTime::EpochSeconds => v.floor() as i64,
            NumericTime::EpochMillis => (v / 1000.0).floor() as i64,
        })
    }

    /// English description for warnings.
    pub fn en(self) -> &'static str {
        match self {
            NumericTime::ExcelSerial => "Excel serial dates (days since 1899-12-30)",
            NumericTime::EpochSeconds => "Unix time in seconds (UTC)",
            NumericTime::EpochMillis => "Unix time in milliseconds (UTC)",
        }
    }

    /// Chinese description for warnings.
    pub fn zh(self) -> &'static str {
        match self {
            NumericTime::ExcelSerial => "Excel 序列日期（自 1899-12-30 起的天数）",
            NumericTime::EpochSeconds => "Unix 时间戳（秒，UTC）",
            NumericTime::EpochMillis => "Unix 时间戳（毫秒，UTC）",
        }
    }
}

/// Seconds since 1970 of an Excel serial date-time, rounded to the nearest second (SPEC §11);
/// `is_1904` for workbooks in the 1904 date system. `None` outside Excel's range (0–2958466).
pub fn excel_serial_seconds(serial: f64, is_1904: bool) -> Option<i64> {
    if !(0.0..2_958_466.0).contains(&serial) {
        return None;
    }
    let epoch = EXCEL_EPOCH_DAY + if is_1904 { 1462 } else { 0 };
    Some((serial * DAY as f64).round() as i64 + epoch * DAY)
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

/// Money from a typed number: micros, rounded to the nearest; `None` when not finite or too big.
pub fn money_from_f64(v: f64) -> Option<Micros> {
    let micros = (v * MICROS as f64).round();
    // 9.2e18 is the i64 limit; stay clear of it (and of the row reader's sentinels).
    (micros.is_finite() && micros.abs() < 9.0e18).then_some(micros as i64)
}

/// How a money value uses `.` and `,` (SPEC §11, decided once per column).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Separators {
    /// `.` is the decimal point, `,` groups thousands.
    DecimalDot,
    /// `,` is the decimal point, `.` groups thousands.
    DecimalComma,
}

/// A parsed money cell.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Money {
    /// The value, whatever the column's convention (`12`, `3.99`, `12,5`, `1,234.5`).
    Exact(Micros, Option<Separators>),
    /// `1,234` or `1.234`: the column's convention decides.
    Ambiguous,
}

/// Parses a cleaned, non-empty money cell: currency signs and codes, spaces, `+`/`-`,
/// parentheses for negatives, thousands separators and decimal commas.
pub fn parse_money(cell: &[u8], convention: Option<Separators>) -> Option<Money> {
    plain_decimal(cell).or_else(|| parse_money_general(cell, convention))
}

/// [`parse_money`] for every shape.
fn parse_money_general(cell: &[u8], convention: Option<Separators>) -> Option<Money> {
    let mut negative = false;
    let mut body: [u8; 48] = [0; 48];
    let mut len = 0;
    let mut rest = cell;
    if let [b'(', inner @ .., b')'] = rest {
        negative = true;
        rest = inner;
    }
    let mut signs = 0;
    let mut i = 0;
    while i < rest.len() {
        let c = rest[i];
        match c {
            b'0'..=b'9' | b'.' | b',' => {
                if len == body.len() {
                    return None;
                }
                body[len] = c;
                len += 1;
            }
            b'-' => {
                negative = !negative;
                signs += 1;
            }
            b'+' => signs += 1,
            b' ' | b'\t' | b'$' | b'\'' => {}
            _ if c.is_ascii_alphabetic() => {
                // Currency codes such as USD, CNY, RMB before or after the number.
                if !is_currency_code(rest, i) {
                    return None;
                }
            }
            _ if c >= 0x80 => {
                // ¥ ￥ € £ 元 and no-break spaces: skip the whole UTF-8 character when it is one.
                let n = utf8_len(c);
                let ch = rest.get(i..i + n)?;
                if !is_currency_sign(ch) {
                    return None;
                }
                i += n;
                continue;
            }
            _ => return None,
        }
        i += 1;
    }
    if signs > 1 || len == 0 {
        return None;
    }
    let body = body.get(..len)?;
    let kind = classify(body)?;
    let seps = match kind {
        Shape::Plain => None,
        Shape::Known(s) => Some(s),
        Shape::Ambiguous => match convention {
            Some(s) => Some(s),
            None => return Some(Money::Ambiguous),
        },
    };
    let (decimal, group) = match seps {
        Some(Separators::DecimalComma) => (b',', b'.'),
        _ => (b'.', b','),
    };
    let mut units: i128 = 0;
    let mut frac_digits = 0u32;
    let mut in_fraction = false;
    let mut round_up = false;
    for &c in body {
        if c == decimal {
            in_fraction = true;
        } else if c == group {
            continue;
        } else {
            let d = i128::from(c - b'0');
            if in_fraction {
                if frac_digits >= 6 {
                    // Beyond millionths: round half up on the first dropped digit.
                    round_up |= frac_digits == 6 && d >= 5;
                    frac_digits += 1;
                    continue;
                }
                frac_digits += 1;
            }
            units = units.checked_mul(10)?.checked_add(d)?;
            if units > i128::from(i64::MAX) {
                return None;
            }
        }
    }
    while frac_digits < 6 {
        units *= 10;
        frac_digits += 1;
    }
    // (frac_digits may exceed 6 above; only the first six were kept.)
    if round_up {
        units += 1;
    }
    let v = i64::try_from(units).ok()?;
    Some(Money::Exact(
        if negative { -v } else { v },
        seps.filter(|_| kind != Shape::Plain),
    ))
}

/// The common shape `-?D{1,12}(.D{1,2}|.D{4,6})?` read directly, as the general reader would
/// (a decimal dot with other than 3 digits after it is never a thousands group); `None` for
/// anything else.
#[inline]
fn plain_decimal(cell: &[u8]) -> Option<Money> {
    let (negative, digits) = match cell {
        [b'-', rest @ ..] => (true, rest),
        _ => (false, cell),
    };
    let int_len = digits
        .iter()
        .position(|c| !c.is_ascii_digit())
        .unwrap_or(digits.len());
    if int_len == 0 || int_len > 12 {
        return None;
    }
    let mut units: i64 = 0;
    for &c in &digits[..int_len] {
        units = units * 10 + i64::from(c - b'0');
    }
    let (frac, dot) = match &digits[int_len..] {
        [] => (&[][..], false),
        [b'.', frac @ ..]
            if matches!(frac.len(), 1 | 2 | 4..=6) && frac.iter().all(u8::is_ascii_digit) =>
        {
            (frac, true)
        }
        _ => return None,
    };
    let mut micros: i64 = 0;
    for k in 0..6 {
        micros = micros * 10 + frac.get(k).map_or(0, |&c| i64::from(c - b'0'));
    }
    let v = units * MICROS + micros;
    Some(Money::Exact(
        if negative { -v } else { v },
        dot.then_some(Separators::DecimalDot),
    ))
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Shape {
    Plain,
    Known(Separators),
    Ambiguous,
}

/// Which convention a digits-and-separators string implies, or `None` if malformed.
fn classify(body: &[u8]) -> Option<Shape> {
    let dots = body.iter().filter(|&&c| c == b'.').count();
    let commas = body.iter().filter(|&&c| c == b',').count();
    let last_sep = body.iter().rposition(|&c| c == b'.' || c == b',');
    let digits_after = |p: usize| body.len() - p - 1;
    let groups_ok = |sep: u8, upto: usize| {
        // Thousands groups: 1–3 leading digits, then groups of exactly 3.
        let part = &body[..upto];
        let mut chunks = part.split(|&c| c == sep);
        let first = chunks.next().map_or(0, <[u8]>::len);
        (1..=3).contains(&first) && chunks.all(|g| g.len() == 3)
    };
    Some(match (dots, commas, last_sep) {
        (0, 0, _) => Shape::Plain,
        (_, _, None) => return None,
        (_, _, Some(p)) if body[p] == b'.' && commas > 0 => {
            if dots > 1 || !groups_ok(b',', p) {
                return None;
            }
            Shape::Known(Separators::DecimalDot)
        }
        (_, _, Some(p)) if body[p] == b',' && dots > 0 => {
            if commas > 1 || !groups_ok(b'.', p) {
                return None;
            }
            Shape::Known(Separators::DecimalComma)
        }
        // Only commas.
        (0, 1, Some(p)) if digits_after(p) == 3 && p > 0 && p <= 3 && body[0] != b'0' => {
            Shape::Ambiguous
        }
        (0, 1, Some(p)) if digits_after(p) > 0 => Shape::Known(Separators::DecimalComma),
        (0, _, Some(_)) => {
            if !groups_ok(b',', body.len()) {
                return None;
            }
            Shape::Known(Separators::DecimalDot)
        }
        // Only dots.
        (1, 0, Some(p)) if digits_after(p) == 3 && p > 0 && p <= 3 && body[0] != b'0' => {
            Shape::Ambiguous
        }
        (1, 0, Some(p)) if digits_after(p) > 0 || p > 0 => Shape::Known(Separators::DecimalDot),
        (_, 0, Some(_)) => {
            if !groups_ok(b'.', body.len()) {
                return None;
            }
            Shape::Known(Separators::DecimalComma)
        }
        _ => return None,
    })
}

fn utf8_len(lead: u8) -> usize {
    match lead {
        0xF0..=0xFF => 4,
        0xE0..=0xEF => 3,
        _ => 2,
    }
}

fn is_currency_sign(ch: &[u8]) -> bool {
    matches!(
        std::str::from_utf8(ch),
        Ok("¥" | "￥" | "€" | "£" | "元" | "\u{a0}" | "\u{202f}" | "₩" | "₹" | "＄")
    )
}

/// Whether the letters at `i` belong to a currency code (`USD`, `CNY`, `RMB`, `EUR`, `HK`, `US`).
fn is_currency_code(s: &[u8], i: usize) -> bool {
    let start = s[..i]
        .iter()
        .rposition(|c| !c.is_ascii_alphabetic())
        .map_or(0, |p| p + 1);
    let end = s[i..]
        .iter()
        .position(|c| !c.is_ascii_alphabetic())
        .map_or(s.len(), |p| i + p);
    let word = s[start..end].to_ascii_uppercase();
    matches!(
        word.as_slice(),
        b"USD"
            | b"CNY"
            | b"RMB"
            | b"EUR"
            | b"GBP"
            | b"JPY"
            | b"HKD"
            | b"HK"
            | b"US"
            | b"CAD"
            | b"AUD"
            | b"NZD"
            | b"SGD"
            | b"TWD"
            | b"NT"
            | b"KRW"
            | b"INR"
            | b"CHF"
            | b"SEK"
            | b"NOK"
            | b"DKK"
            | b"PLN"
            | b"BRL"
            | b"MXN"
            | b"R"
    )
}

/// Whether a status value makes an order a non-purchase (COLUMNS.md).
pub fn is_cancelled_status(cell: &[u8]) -> bool {
    const WORDS: [&str; 20] = [
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
    ];
    const MORE: [&str; 1] = ["未付款"];
    let Ok(text) = std::str::from_utf8(cell) else {
        return false;
    };
    WORDS
        .iter()
        .chain(MORE.iter())
        .any(|w| text.eq_ignore_ascii_case(w))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(s: &str) -> Option<i64> {
        match parse_time(s.as_bytes())? {
            Time::Exact(t) => Some(t),
            amb => amb.resolve(DayMonth::MonthFirst),
        }
    }

    fn ymdhms(y: i64, m: i64, d: i64, h: i64, mi: i64, s: i64) -> i64 {
        checked_days_from_ymd(y, m, d).unwrap() * DAY + h * 3600 + mi * 60 + s
    }

    #[test]
    fn the_plain_decimal_fast_path_agrees_with_the_general_reader() {
        let mut cases: Vec<String> = Vec::new();
        for int in [
            "0",
            "7",
            "00",
            "19",
            "123",
            "1234",
            "999999999999999",
            "1000000000000000",
        ] {
            for frac in [
                "", ".", ".5", ".05", ".123", ".1234", ".12345", ".123456", ".1234567", ".5x",
            ] {
                for sign in ["", "-", "+"] {
                    cases.push(format!("{sign}{int}{frac}"));
                }
            }
        }
        cases.extend(["-", ".5", "1,5", "1.234,5", "12-", " 1"].map(String::from));
        for case in cases {
            let fast = plain_decimal(case.as_bytes());
            if let Some(fast) = fast {
                assert_eq!(
                    Some(fast),
                    parse_money_general(case.as_bytes(), None),
                    "{case}"
                );
            }
            assert_eq!(
                parse_money(case.as_bytes(), None),
                parse_money_general(case.as_bytes(), None),
                "{case}"
            );
        }
    }

    #[test]
    fn timestamps_in_the_documented_shapes() {
        let want = ymdhms(2024, 3, 5, 14, 2, 0);
        for s in [
            "2024-03-05 14:02",
            "2024-03-05T14:02:00",
            "2024-03-05 14:02:00.123",
            "2024-03-05T14:02:00Z",
            "2024-03-05T14:02:00+08:00",
            "2024-03-05 14:02:00 -0500",
            "2024/3/5 14:02",
            "2024年3月5日 14:02",
            "3/5/2024 14:02",
            "3/5/2024 2:02 PM",
        ] {
            assert_eq!(t(s), Some(want), "{s}");
        }
        assert_eq!(t("19970101"), Some(ymdhms(1997, 1, 1, 0, 0, 0)));
        assert_eq!(t("2024年1月30日"), Some(ymdhms(2024, 1, 30, 0, 0, 0)));
        assert_eq!(t("2024-02-29"), Some(ymdhms(2024, 2, 29, 0, 0, 0)));
        assert_eq!(t("3/5/24"), Some(ymdhms(2024, 3, 5, 0, 0, 0)));
        assert_eq!(t("3/5/85"), Some(ymdhms(1985, 3, 5, 0, 0, 0)));
    }

    #[test]
    fn impossible_or_foreign_times_are_rejected() {
        for s in [
            "2024-13-45 10:00:00",
            "2023-02-29",
            "2024-03-05 24:00",
            "2024-03-05 10:60",
            "yesterday",
            "2024-03",
            "13/13/2024",
            "2024-03-05 14:02 +5",
            "2024-03-0514:02",
        ] {
            assert_eq!(t(s), None, "{s}");
        }
    }

    #[test]
    fn day_first_evidence() {
        let v = parse_time(b"25/12/2023").unwrap();
        assert_eq!(v.evidence(), Some(DayMonth::DayFirst));
        assert_eq!(v.resolve(DayMonth::MonthFirst), None);
        assert_eq!(parse_time(b"3/4/2023").unwrap().evidence(), None);
    }

    fn m(s: &str, conv: Option<Separators>) -> Option<Money> {
        parse_money(s.as_bytes(), conv)
    }

    #[test]
    fn money_with_signs_and_separators() {
        let dot = Some(Separators::DecimalDot);
        let exact = |v: i64| Some(Money::Exact(v, dot));
        assert_eq!(m("12", None), Some(Money::Exact(12 * MICROS, None)));
        assert_eq!(m("3.99", None), exact(3_990_000));
        assert_eq!(m("¥1,115.39", None), exact(1_115_390_000));
        assert_eq!(m("￥ 739.52", None), exact(739_520_000));
        assert_eq!(m("-45.50", None), exact(-45_500_000));
        assert_eq!(m("(12.50)", None), exact(-12_500_000));
        assert_eq!(m("$1,234,567.5", None), exact(1_234_567_500_000));
        assert_eq!(m("USD 10.10", None), exact(10_100_000));
        assert_eq!(
            m("12,5", None),
            Some(Money::Exact(12_500_000, Some(Separators::DecimalComma)))
        );
        assert_eq!(
            m("1.234,56", None),
            Some(Money::Exact(1_234_560_000, Some(Separators::DecimalComma)))
        );
        assert_eq!(m("1,234", None), Some(Money::Ambiguous));
        assert_eq!(m("1.234", None), Some(Money::Ambiguous));
        assert_eq!(
            m("1,234", Some(Separators::DecimalComma)),
            Some(Money::Exact(1_234_000, Some(Separators::DecimalComma)))
        );
        assert_eq!(m("1,234", dot), exact(1_234_000_000));
        assert_eq!(m("0.1234567", None), exact(123_457));
    }

    #[test]
    fn malformed_money_is_rejected() {
        for s in [
            "abc",
            "1.2.3,4,5",
            "--5",
            "12a",
            "1,23,4.5",
            "",
            "¥",
            "1e5",
            ".",
        ] {
            assert_eq!(m(s, None), None, "{s}");
        }
    }

    #[test]
    fn cleaning_strips_excel_guard_and_tabs() {
        assert_eq!(clean(b"\t2024-03-05 "), b"2024-03-05");
        assert_eq!(clean(b"=\"2024010100007645\""), b"2024010100007645");
        assert_eq!(clean(b"  "), b"");
    }

    #[test]
    fn numeric_times_by_kind() {
        let t = |s: &str| {
            let v = plain_number(s.as_bytes()).unwrap();
            NumericTime::of(v).and_then(|k| k.seconds(v).map(|t| (k, t)))
        };
        let noon = ymdhms(2024, 3, 5, 12, 0, 0);
        assert_eq!(t("45356.5"), Some((NumericTime::ExcelSerial, noon)));
        assert_eq!(t("1709640000"), Some((NumericTime::EpochSeconds, noon)));
        assert_eq!(t("1709640000999"), Some((NumericTime::EpochMillis, noon)));
        assert_eq!(t("2024"), None);
        assert_eq!(t("19970101"), None, "8 digits are never numeric times");
        assert_eq!(plain_number(b"1,5"), None);
        assert_eq!(plain_number(b"1."), None);
        // 2024-03-05 14:02:33 as a serial rounds to the second.
        let serial = 45356.0 + (14.0 * 3600.0 + 2.0 * 60.0 + 33.0) / 86400.0;
        assert_eq!(
            excel_serial_seconds(serial, false),
            Some(ymdhms(2024, 3, 5, 14, 2, 33))
        );
        assert_eq!(
            excel_serial_seconds(serial - 1462.0, true),
            Some(ymdhms(2024, 3, 5, 14, 2, 33))
        );
        assert_eq!(money_from_f64(739.52), Some(739_520_000));
        assert_eq!(money_from_f64(f64::NAN), None);
        assert_eq!(money_from_f64(1e300), None);
    }

    #[test]
    fn status_words() {
        assert!(is_cancelled_status("退款成功".as_bytes()));
        assert!(is_cancelled_status(b"Refunded"));
        assert!(!is_cancelled_status("交易成功".as_bytes()));
        assert!(!is_cancelled_status(b"partially_refunded"));
    }
}
