//! Calendar arithmetic: the one place dates live. Times are naive wall-clock seconds since
//! 1970-01-01T00:00:00 (SPEC §1 drops UTC offsets), so no time zone ever enters.

use serde::{Deserialize, Serialize};

/// Seconds in a day.
pub const DAY: i64 = 86_400;

/// A calendar grain (SPEC §4; weeks start on Monday, ISO 8601).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub enum Grain {
    /// Calendar day.
    Day,
    /// ISO week, Monday to Sunday.
    Week,
    /// Calendar month.
    Month,
    /// Calendar quarter.
    Quarter,
    /// Calendar year.
    Year,
}

impl Grain {
    /// Fixed period length in days for relative cohort alignment (SPEC §4).
    pub fn relative_days(self) -> i64 {
        match self {
            Grain::Day => 1,
            Grain::Week => 7,
            Grain::Month => 30,
            Grain::Quarter => 91,
            Grain::Year => 365,
        }
    }

    /// Index of the period holding time `t`: consecutive periods have consecutive indices.
    pub fn index_of(self, t: i64) -> i64 {
        let day = day_of(t);
        match self {
            Grain::Day => day,
            // 1970-01-01 is a Thursday; the Monday of its week is day −3.
            Grain::Week => (day + 3).div_euclid(7),
            Grain::Month | Grain::Quarter | Grain::Year => {
                let (y, m, _) = ymd(day);
                match self {
                    Grain::Month => y * 12 + (m - 1),
                    Grain::Quarter => y * 4 + (m - 1) / 3,
                    _ => y,
                }
            }
        }
    }

    /// Start (seconds) of the period with index `index`.
    pub fn start_of(self, index: i64) -> i64 {
        let day = match self {
            Grain::Day => index,
            Grain::Week => index * 7 - 3,
            Grain::Month => days_from_ymd(index.div_euclid(12), index.rem_euclid(12) + 1, 1),
            Grain::Quarter => days_from_ymd(index.div_euclid(4), index.rem_euclid(4) * 3 + 1, 1),
            Grain::Year => days_from_ymd(index, 1, 1),
        };
        day * DAY
    }

    /// The label of period `index`: `YYYY-MM-DD` (day, week start), `YYYY-MM`, `YYYY-Qn`, `YYYY`.
    pub fn label(self, index: i64) -> String {
        match self {
            Grain::Day | Grain::Week => format_date(day_of(self.start_of(index))),
            Grain::Month => format!(
                "{:04}-{:02}",
                index.div_euclid(12),
                index.rem_euclid(12) + 1
            ),
            Grain::Quarter => format!("{:04}-Q{}", index.div_euclid(4), index.rem_euclid(4) + 1),
            Grain::Year => format!("{index:04}"),
        }
    }
}

/// Most days a [`Periods`] table covers (179 years): beyond them, periods are computed.
const MAX_TABLE_DAYS: i64 = 1 << 16;

/// [`Grain::index_of`] looked up per day over a range of days: the calendar arithmetic runs
/// once per day of the range instead of once per purchase. Times outside the range are
/// computed.
pub struct Periods {
    grain: Grain,
    first_day: i64,
    index: Vec<i64>,
}

impl Periods {
    /// The periods of the days from the date of `from` to the date of `to`.
    pub fn new(grain: Grain, from: i64, to: i64) -> Periods {
        let (first_day, last_day) = (day_of(from), day_of(to));
        let index = if (0..MAX_TABLE_DAYS).contains(&(last_day - first_day)) {
            (first_day..=last_day)
                .map(|d| grain.index_of(d * DAY))
                .collect()
        } else {
            Vec::new()
        };
        Periods {
            grain,
            first_day,
            index,
        }
    }

    /// Index of the period holding time `t`.
    pub fn index_of(&self, t: i64) -> i64 {
        let slot = usize::try_from(day_of(t) - self.first_day).ok();
        match slot.and_then(|i| self.index.get(i)) {
            Some(&p) => p,
            None => self.grain.index_of(t),
        }
    }
}

/// Calendar day number (days since 1970-01-01) of time `t`.
pub fn day_of(t: i64) -> i64 {
    t.div_euclid(DAY)
}

/// (year, month, day) of a day number (proleptic Gregorian; Howard Hinnant's
/// `civil_from_days`, integer arithmetic only: this runs once per order and grain).
pub fn ymd(day: i64) -> (i64, i64, i64) {
    let z = day + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    (y, m, d)
}

/// Day number of a valid calendar date of years 1–9999, or `None` for an impossible one
/// (month 13, Feb 30).
pub fn checked_days_from_ymd(y: i64, m: i64, d: i64) -> Option<i64> {
    if !(1..=9999).contains(&y) || !(1..=12).contains(&m) || d < 1 || d > days_in_month(y, m) {
        return None;
    }
    Some(days_from_ymd(y, m, d))
}

fn days_in_month(y: i64, m: i64) -> i64 {
    match m {
        2 if y % 4 == 0 && (y % 100 != 0 || y % 400 == 0) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// Day number of a date (Hinnant's `days_from_civil`); any month/day in range.
fn days_from_ymd(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y.rem_euclid(400);
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// `YYYY-MM-DD` of a day number.
pub fn format_date(day: i64) -> String {
    let (y, m, d) = ymd(day);
    format!("{y:04}-{m:02}-{d:02}")
}

/// `YYYY-MM-DDTHH:MM:SS` of a time (SPEC §11).
pub fn format_time(t: i64) -> String {
    let secs = t.rem_euclid(DAY);
    format!(
        "{}T{:02}:{:02}:{:02}",
        format_date(day_of(t)),
        secs / 3600,
        secs / 60 % 60,
        secs % 60
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(y: i64, m: i64, d: i64) -> i64 {
        checked_days_from_ymd(y, m, d).unwrap() * DAY
    }

    #[test]
    fn iso_week_53_of_2020_starts_on_monday_december_28() {
        let t = at(2020, 12, 31) + 3600;
        let w = Grain::Week.index_of(t);
        assert_eq!(Grain::Week.label(w), "2020-12-28");
        assert_eq!(
            Grain::Week.index_of(at(2021, 1, 3)),
            w,
            "Sunday 3 Jan is still week 53"
        );
        assert_eq!(Grain::Week.index_of(at(2021, 1, 4)), w + 1);
    }

    #[test]
    fn leap_day_month_and_quarter_ends() {
        let leap = at(2024, 2, 29) + 86_399;
        assert_eq!(Grain::Month.label(Grain::Month.index_of(leap)), "2024-02");
        assert_eq!(
            Grain::Month.index_of(leap + 1),
            Grain::Month.index_of(leap) + 1
        );
        let q = Grain::Quarter.index_of(at(2024, 3, 31) + 86_399);
        assert_eq!(Grain::Quarter.label(q), "2024-Q1");
        assert_eq!(Grain::Quarter.start_of(q + 1), at(2024, 4, 1));
        assert_eq!(
            Grain::Year.label(Grain::Year.index_of(at(2023, 12, 31))),
            "2023"
        );
        assert_eq!(Grain::Day.label(Grain::Day.index_of(leap)), "2024-02-29");
    }

    #[test]
    fn periods_before_1970_are_contiguous() {
        let t = at(1969, 12, 31);
        assert_eq!(Grain::Month.label(Grain::Month.index_of(t)), "1969-12");
        assert_eq!(Grain::Week.label(Grain::Week.index_of(t)), "1969-12-29");
        assert_eq!(format_time(t - 1), "1969-12-30T23:59:59");
    }

    #[test]
    fn civil_arithmetic_agrees_with_chrono() {
        use chrono::{Datelike, NaiveDate};
        let epoch = NaiveDate::from_ymd_opt(1970, 1, 1).unwrap();
        for day in (-719_162..2_932_896).step_by(997).chain(-800..800) {
            let date = epoch + chrono::Duration::days(day);
            let want = (
                i64::from(date.year()),
                i64::from(date.month()),
                i64::from(date.day()),
            );
            assert_eq!(ymd(day), want, "day {day}");
            assert_eq!(checked_days_from_ymd(want.0, want.1, want.2), Some(day));
        }
        assert_eq!(checked_days_from_ymd(2023, 2, 29), None);
        assert_eq!(checked_days_from_ymd(2000, 2, 29), Some(11_016));
        assert_eq!(checked_days_from_ymd(1900, 2, 29), None);
        assert_eq!(checked_days_from_ymd(2024, 4, 31), None);
        assert_eq!(checked_days_from_ymd(0, 1, 1), None);
    }

    const GRAINS: [Grain; 5] = [
        Grain::Day,
        Grain::Week,
        Grain::Month,
        Grain::Quarter,
        Grain::Year,
    ];

    #[test]
    fn looked_up_periods_are_computed_ones() {
        let (from, to) = (at(2023, 12, 30) + 7, at(2024, 3, 2));
        for grain in GRAINS {
            let periods = Periods::new(grain, from, to);
            for t in (from - 3 * DAY..to + 3 * DAY).step_by(3_593) {
                assert_eq!(periods.index_of(t), grain.index_of(t), "{grain:?} {t}");
            }
        }
        let wide = Periods::new(Grain::Month, at(1, 1, 1), at(9999, 12, 31));
        assert_eq!(
            wide.index_of(at(2024, 2, 29)),
            Grain::Month.index_of(at(2024, 2, 29))
        );
    }

    #[test]
    fn start_of_inverts_index_of() {
        for grain in GRAINS {
            for t in [
                at(1997, 1, 1),
                at(2020, 12, 31) + 5,
                at(2024, 2, 29) + 86_399,
            ] {
                let i = grain.index_of(t);
                assert!(
                    grain.start_of(i) <= t && t < grain.start_of(i + 1),
                    "{grain:?}"
                );
            }
        }
    }
}
