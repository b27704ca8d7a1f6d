//! One record of any input format, as the row reader sees it: CSV fields are text; cells of an
//! Excel sheet or an Arrow table may be typed, so numbers and timestamps never round-trip
//! through lossy text.

use std::io::Write;

use super::values::clean;
use crate::period::format_time;

/// A cell's value.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Cell<'a> {
    /// Text as written (not yet cleaned); the blank cell is empty text.
    Text(&'a [u8]),
    /// An integer (xlsx, Arrow).
    Int(i64),
    /// A floating-point number (xlsx, Arrow).
    Float(f64),
    /// An exact timestamp, seconds since 1970-01-01T00:00:00 as wall clock (an xlsx date cell,
    /// an Arrow date or timestamp).
    Time(i64),
    /// An exact decimal `value × 10^-scale` (Arrow decimals).
    Decimal(i128, i8),
}

impl Cell<'_> {
    /// The blank cell.
    pub const BLANK: Cell<'static> = Cell::Text(b"");

    /// Whether the cell is blank after cleaning.
    #[inline]
    pub fn is_blank(&self) -> bool {
        match self {
            Cell::Text(t) => clean(t).is_empty(),
            _ => false,
        }
    }

    /// The cleaned text of the cell: text cells are cleaned in place, typed cells are written
    /// into `scratch` (integers without a fraction, floats in their shortest exact form,
    /// timestamps as `YYYY-MM-DDTHH:MM:SS`).
    #[inline]
    pub fn text<'s>(self, scratch: &'s mut Vec<u8>) -> &'s [u8]
    where
        Self: 's,
    {
        match self {
            Cell::Text(t) => clean(t),
            typed => typed.typed_text(scratch),
        }
    }

    #[cold]
    #[inline(never)]
    fn typed_text(self, scratch: &mut Vec<u8>) -> &[u8] {
        scratch.clear();
        self.write_typed(scratch);
        scratch
    }

    /// The cell as an owned string (for samples and header names).
    pub fn to_text(self) -> String {
        let mut scratch = Vec::new();
        String::from_utf8_lossy(self.text(&mut scratch)).into_owned()
    }

    fn write_typed(self, out: &mut Vec<u8>) {
        // Writing into a Vec cannot fail.
        let _ = match self {
            Cell::Text(t) => {
                out.extend_from_slice(t);
                Ok(())
            }
            Cell::Int(i) => write!(out, "{i}"),
            Cell::Float(f) if f.is_finite() && f.fract() == 0.0 && f.abs() < 1e15 => {
                write!(out, "{}", f as i64)
            }
            Cell::Float(f) => write!(out, "{f}"),
            Cell::Time(t) => {
                out.extend_from_slice(format_time(t).as_bytes());
                Ok(())
            }
            Cell::Decimal(v, scale) if scale <= 0 => {
                let zeros = "0".repeat(usize::from(scale.unsigned_abs()));
                write!(out, "{v}{}", if v == 0 { "" } else { zeros.as_str() })
            }
            Cell::Decimal(v, scale) => {
                let digits = v.unsigned_abs().to_string();
                let scale = usize::from(scale.unsigned_abs());
                let digits = format!("{digits:0>width$}", width = scale + 1);
                let (int, frac) = digits.split_at(digits.len() - scale);
                let sign = if v < 0 { "-" } else { "" };
                write!(out, "{sign}{int}.{frac}")
            }
        };
    }

    /// Money in micros from an exact decimal, rounded half away from zero at the sixth digit.
    pub fn decimal_micros(value: i128, scale: i8) -> Option<i64> {
        let shift = 6 - i32::from(scale);
        let micros = if shift >= 0 {
            value.checked_mul(10i128.checked_pow(shift as u32)?)?
        } else {
            let div = 10i128.checked_pow(shift.unsigned_abs())?;
            let (q, r) = (value / div, value % div);
            q + if 2 * r.abs() >= div { r.signum() } else { 0 }
        };
        i64::try_from(micros)
            .ok()
            .filter(|m| m.abs() < 9_000_000_000_000_000_000)
    }
}

/// A record: a row of cells addressed by 0-based column.
pub trait Record {
    /// Number of cells (the last non-empty column + 1 for sparse formats).
    fn len(&self) -> usize;

    /// The cell at column `c`; blank beyond the end.
    fn cell(&self, c: usize) -> Cell<'_>;

    /// Whether the record has no cells.
    fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Whether every cell is blank (such a record is not a row, SPEC §11).
    fn is_blank(&self) -> bool {
        (0..self.len()).all(|c| self.cell(c).is_blank())
    }

    /// The first column at or after `from` whose cell is not blank.
    fn non_blank_from(&self, from: usize) -> Option<usize> {
        (from..self.len()).find(|&c| !self.cell(c).is_blank())
    }
}

/// A sparse record: cells sorted by column (xlsx rows, where most cells may be absent).
#[derive(Debug, Default)]
pub struct SparseRecord<'a> {
    /// (column, value), sorted by column, without duplicates.
    pub cells: Vec<(usize, Cell<'a>)>,
}

impl Record for SparseRecord<'_> {
    fn len(&self) -> usize {
        self.cells.last().map_or(0, |&(c, _)| c + 1)
    }

    fn cell(&self, c: usize) -> Cell<'_> {
        match self.cells.binary_search_by_key(&c, |&(col, _)| col) {
            Ok(i) => self.cells[i].1,
            Err(_) => Cell::BLANK,
        }
    }

    fn is_blank(&self) -> bool {
        self.cells.iter().all(|(_, v)| v.is_blank())
    }

    fn non_blank_from(&self, from: usize) -> Option<usize> {
        // Only the cells present: a lone cell far to the right costs nothing per empty column.
        let start = self.cells.partition_point(|&(c, _)| c < from);
        self.cells[start..]
            .iter()
            .find(|(_, v)| !v.is_blank())
            .map(|&(c, _)| c)
    }
}

/// A dense record of owned-or-borrowed cells (Arrow rows).
/// A row of owned text cells (an HTML table's row, a probed row).
pub struct TextRecord(pub Vec<String>);

impl Record for TextRecord {
    fn len(&self) -> usize {
        self.0.len()
    }

    fn cell(&self, c: usize) -> Cell<'_> {
        self.0
            .get(c)
            .map_or(Cell::BLANK, |t| Cell::Text(t.as_bytes()))
    }
}

impl Record for [Cell<'_>] {
    fn len(&self) -> usize {
        <[Cell]>::len(self)
    }

    fn cell(&self, c: usize) -> Cell<'_> {
        self.get(c).copied().unwrap_or(Cell::BLANK)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn typed_cells_as_text() {
        let mut s = Vec::new();
        assert_eq!(Cell::Int(-12).text(&mut s), b"-12");
        assert_eq!(Cell::Float(17850.0).text(&mut s), b"17850");
        assert_eq!(Cell::Float(0.1).text(&mut s), b"0.1");
        assert_eq!(Cell::Time(86_400 + 61).text(&mut s), b"1970-01-02T00:01:01");
        assert_eq!(Cell::Text(b" =\"x\" ").text(&mut s), b"x");
        assert!(Cell::Text(b"\t").is_blank());
        assert!(!Cell::Int(0).is_blank());
        assert_eq!(Cell::Decimal(-12345, 2).text(&mut s), b"-123.45");
        assert_eq!(Cell::Decimal(5, 3).text(&mut s), b"0.005");
        assert_eq!(Cell::Decimal(12, -2).text(&mut s), b"1200");
        assert_eq!(Cell::decimal_micros(73952, 2), Some(739_520_000));
        assert_eq!(Cell::decimal_micros(-15, 7), Some(-2));
        assert_eq!(Cell::decimal_micros(i128::MAX, 0), None);
        assert_eq!(Cell::decimal_micros(1, -40), None);
    }

    #[test]
    fn sparse_records_are_blank_between_cells() {
        let r = SparseRecord {
            cells: vec![(0, Cell::Int(1)), (4, Cell::Text(b"x"))],
        };
        assert_eq!(r.len(), 5);
        assert_eq!(r.cell(2), Cell::BLANK);
        assert_eq!(r.cell(4), Cell::Text(b"x"));
        assert_eq!(r.cell(9), Cell::BLANK);
        assert_eq!(r.non_blank_from(1), Some(4));
        assert_eq!(r.non_blank_from(5), None);
    }
}
