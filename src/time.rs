//! Order times: timestamps in the shapes exports write (SPEC §11), the day/month order of
//! `a/b/yyyy` dates, and plain-number columns (Excel serials, Unix seconds or milliseconds).
//! Shared by the ingest, the options (`asOf`, `calibrationSplit`) and the metrics.

use crate::period::{checked_days_from_ymd, DAY};

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
    match iso_date_time(cell) {
        Some(t) => Some(Time::Exact(t)),
        None => parse_time_general(cell),
    }
}

/// [`parse_time`] for every shape.
fn parse_time_general(cell: &[u8]) -> Option<Time> {
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

/// The most common shapes, `YYYY-MM-DD` and `YYYY-MM-DD HH:MM:SS` (or with `T`), read at fixed
/// places: the seconds [`parse_time`] gives them; `None` for any other text (which the general
/// reader then reads, or rejects).
#[inline]
fn iso_date_time(cell: &[u8]) -> Option<i64> {
    let digits = |at: usize, n: usize| -> Option<i64> {
        cell.get(at..at + n)?.iter().try_fold(0i64, |v, &c| {
            c.is_ascii_digit().then(|| v * 10 + i64::from(c - b'0'))
        })
    };
    if cell.len() != 10 && cell.len() != 19 {
        return None;
    }
    if cell[4] != b'-' || cell[7] != b'-' {
        return None;
    }
    let day = checked_days_from_ymd(digits(0, 4)?, digits(5, 2)?, digits(8, 2)?)?;
    if cell.len() == 10 {
        return Some(day * DAY);
    }
    if !matches!(cell[10], b' ' | b'T') || cell[13] != b':' || cell[16] != b':' {
        return None;
    }
    let (h, mi, s) = (digits(11, 2)?, digits(14, 2)?, digits(17, 2)?);
    (h <= 23 && mi <= 59 && s <= 59).then_some(day * DAY + h * 3600 + mi * 60 + s)
}

/// A date without a year (issue 13): `11月18日`, `11月18号`, `Nov 18`, `Nov. 18th`, `18 Nov`,
/// `November 18`, with an optional time of day. Returns (month, day, seconds after midnight).
/// Which year is decided for the whole column (`src/ingest/yearless.rs`).
pub fn parse_yearless(cell: &[u8]) -> Option<(u8, u8, u32)> {
    const MONTHS: [&str; 12] = [
        "jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec",
    ];
    let mut c = Cursor { s: cell, i: 0 };
    let month_name = |c: &mut Cursor| -> Option<u32> {
        let start = c.i;
        while c.peek().is_some_and(|b| b.is_ascii_alphabetic()) {
            c.i += 1;
        }
        let word = std::str::from_utf8(&c.s[start..c.i])
            .ok()?
            .to_ascii_lowercase();
        let word = word.strip_suffix('.').unwrap_or(&word);
        let m = MONTHS
            .iter()
            .position(|m| word.len() >= 3 && m.starts_with(&word[..3]))?;
        // The whole word must be the month's name or its abbreviation.
        const FULL: [&str; 12] = [
            "january",
            "february",
            "march",
            "april",
            "may",
            "june",
            "july",
            "august",
            "september",
            "october",
            "november",
            "december",
        ];
        (FULL[m].starts_with(word) || (m == 8 && word == "sept")).then_some(m as u32 + 1)
    };
    let (month, day) = if c.peek().is_some_and(|b| b.is_ascii_digit()) {
        let (first, _) = c.digits(2)?;
        if c.eat_str("月".as_bytes()) {
            let (d, _) = c.digits(2)?;
            if !(c.eat_str("日".as_bytes()) || c.eat_str("号".as_bytes())) {
                return None;
            }
            (first, d)
        } else {
            // 18 Nov
            if !c.skip_spaces() {
                c.eat(b'-');
            }
            let m = month_name(&mut c)?;
            c.eat(b'.');
            (m, first)
        }
    } else {
        let m = month_name(&mut c)?;
        c.eat(b'.');
        if !c.skip_spaces() {
            c.eat(b'-');
        }
        let (d, _) = c.digits(2)?;
        // Ordinal suffixes: Nov 18th.
        for s in [&b"st"[..], b"nd", b"rd", b"th"] {
            if c.eat_str(s) {
                break;
            }
        }
        (m, d)
    };
    if !(1..=12).contains(&month) || !(1..=31).contains(&day) {
        return None;
    }
    let secs = parse_clock(&mut c)?;
    Some((month as u8, day as u8, secs))
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

#[cfg(test)]
mod tests {
    #[test]
    fn dates_without_a_year() {
        let p = |s: &str| parse_yearless(s.as_bytes());
        assert_eq!(p("11月18日"), Some((11, 18, 0)));
        assert_eq!(p("1月2号 14:05"), Some((1, 2, 14 * 3600 + 5 * 60)));
        assert_eq!(p("Nov 18"), Some((11, 18, 0)));
        assert_eq!(p("Nov. 18th"), Some((11, 18, 0)));
        assert_eq!(p("18 Nov"), Some((11, 18, 0)));
        assert_eq!(p("18-Nov"), Some((11, 18, 0)));
        assert_eq!(p("September 3 9:30"), Some((9, 3, 9 * 3600 + 30 * 60)));
        assert_eq!(p("Sept 3"), Some((9, 3, 0)));
        for bad in [
            "13月1日",
            "Nov 32",
            "Novx 3",
            "No 3",
            "2024-11-18",
            "11/18",
            "18",
            "Nov",
        ] {
            assert_eq!(p(bad), None, "{bad}");
        }
        // A date with a year is never read as yearless.
        assert!(parse_time("2024年11月18日".as_bytes()).is_some());
    }

    use super::*;
    use crate::ingest::values::plain_number;

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
    fn the_fixed_place_shapes_read_as_the_general_reader_does() {
        // Both readers on every variation of each place of the fixed shapes.
        let mut read = 0;
        for base in ["2024-02-29 23:59:59", "1999-12-31T00:00:00", "2023-06-15"] {
            for at in 0..base.len() {
                for b in [
                    b'0', b'1', b'2', b'3', b'5', b'9', b'-', b':', b' ', b'T', b'x',
                ] {
                    let mut cell = base.as_bytes().to_vec();
                    cell[at] = b;
                    if let Some(t) = iso_date_time(&cell) {
                        read += 1;
                        assert_eq!(
                            parse_time_general(&cell),
                            Some(Time::Exact(t)),
                            "{}",
                            String::from_utf8_lossy(&cell)
                        );
                    }
                }
            }
        }
        assert!(read > 100);
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
    }
}
