//! Rejected rows (SPEC §11): why, counted by reason, and the first ones kept as samples.

use std::collections::BTreeMap;

use serde::Serialize;

/// Why a row was rejected (SPEC §11: one per row, the first failing check in this order).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub enum Reason {
    /// `raggedRow`: the record has more fields than the header, and an extra one is not blank
    /// (typically an unquoted delimiter inside a value, which shifts every later cell). Fewer
    /// fields than the header are normal: the missing cells are blank.
    RaggedRow,
    /// `repeatedHeader`: the header line again in the middle of the file (files concatenated
    /// with their headers): its customer and time cells are the header's names.
    RepeatedHeader,
    /// The customer cell is empty.
    MissingCustomer,
    /// The time cell is empty (and no other line of the order has one).
    MissingTime,
    /// The time cannot be read as a date.
    BadTime,
    /// The amount cell is empty (without an order column).
    MissingAmount,
    /// The amount cannot be read as a number.
    BadAmount,
    /// `timeOutOfRange`: the time is before 1900-01-01 or from 2200-01-01 on: no order can be
    /// that old, and such values (`0001-01-01`, `9999-12-31`) are placeholders for "no date".
    /// Checked after `badTime`, before the amount.
    TimeOutOfRange,
    /// `unclosedQuote`: a quoted field opens on this row and never closes, swallowing every
    /// later line; the lines after it are read on their own (see [`super::records`]).
    UnclosedQuote,
}

impl Reason {
    /// The Report's name of the reason.
    pub fn name(self) -> &'static str {
        match self {
            Reason::MissingCustomer => "missingCustomer",
            Reason::MissingTime => "missingTime",
            Reason::BadTime => "badTime",
            Reason::MissingAmount => "missingAmount",
            Reason::BadAmount => "badAmount",
            Reason::RaggedRow => "raggedRow",
            Reason::RepeatedHeader => "repeatedHeader",
            Reason::TimeOutOfRange => "timeOutOfRange",
            Reason::UnclosedQuote => "unclosedQuote",
        }
    }

    /// What the reason means, in words (English, Chinese), for messages.
    pub fn describe(self) -> (&'static str, &'static str) {
        match self {
            Reason::MissingCustomer => ("the customer cell is empty", "客户单元格为空"),
            Reason::MissingTime => ("the time cell is empty", "时间单元格为空"),
            Reason::BadTime => ("the time cannot be read as a date", "时间无法识别为日期"),
            Reason::MissingAmount => ("the amount cell is empty", "金额单元格为空"),
            Reason::BadAmount => (
                "the amount cannot be read as a number",
                "金额无法识别为数字",
            ),
            Reason::RaggedRow => (
                "the row has more fields than the header",
                "该行的字段比表头多",
            ),
            Reason::RepeatedHeader => ("the header is repeated", "表头重复出现"),
            Reason::TimeOutOfRange => (
                "the date is before 1900 or after 2199",
                "日期早于 1900 年或晚于 2199 年",
            ),
            Reason::UnclosedQuote => ("a quote is never closed", "引号没有闭合"),
        }
    }
}

/// One reported rejected row.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct Sample {
    /// 1-based physical line where the record starts.
    pub line: u64,
    /// Column whose cell failed.
    pub column: String,
    /// The cell as written.
    pub text: String,
    /// Why.
    pub reason: Reason,
}

/// Rejected rows: counted by reason, the first [`Rejections::SAMPLES`] kept by line.
#[derive(Debug, Clone, Default)]
pub struct Rejections {
    /// Count per reason.
    pub counts: BTreeMap<Reason, u64>,
    samples: Vec<Sample>,
}

impl Rejections {
    /// How many rejected rows are reported in full.
    pub const SAMPLES: usize = 100;

    /// Records one rejected row.
    pub fn add(&mut self, sample: Sample) {
        *self.counts.entry(sample.reason).or_insert(0) += 1;
        self.samples.push(sample);
        // Keep memory bounded: only the lowest lines can ever be reported.
        if self.samples.len() >= 4 * Self::SAMPLES {
            self.trim();
        }
    }

    fn trim(&mut self) {
        self.samples.sort_by_key(|s| s.line);
        self.samples.truncate(Self::SAMPLES);
    }

    /// Total rejected rows.
    pub fn total(&self) -> u64 {
        self.counts.values().sum()
    }

    /// The first samples, by line.
    pub fn samples(&mut self) -> &[Sample] {
        self.trim();
        &self.samples
    }
}

/// Rejected-row samples show at most this many bytes of a cell.
const SAMPLE_TEXT: usize = 200;

/// A cell's text for a rejected-row sample: lossy UTF-8, at most [`SAMPLE_TEXT`] bytes.
pub(super) fn sample_text(raw: &[u8]) -> String {
    let mut text = String::from_utf8_lossy(&raw[..raw.len().min(SAMPLE_TEXT + 4)]).into_owned();
    if text.len() > SAMPLE_TEXT {
        let mut end = SAMPLE_TEXT;
        while !text.is_char_boundary(end) {
            end -= 1;
        }
        text.truncate(end);
        text.push('…');
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sample_texts_are_bounded() {
        let long = "价".repeat(500);
        let t = sample_text(long.as_bytes());
        assert!(
            t.len() <= SAMPLE_TEXT + 3 && t.ends_with('…'),
            "{}",
            t.len()
        );
        assert_eq!(sample_text(b"short"), "short");
    }
}
