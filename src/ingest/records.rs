//! Text → records, piece by piece: the delimiter (given or sniffed) and an RFC 4180 tokenizer
//! (`csv-core`, the one inside the `csv` crate, which keeps its state between pieces of input),
//! or runs of spaces for whitespace-separated files such as CDNOW. A record's line is where its
//! first byte is.
//!
//! An unclosed quote: a quoted field still open at the end of the input, after swallowing at
//! least one line end, is a rejected row (`unclosedQuote`, at the line where it opened), and
//! the lines after that line are read again as records. Only the bytes of that one record are
//! kept for this (at most [`RECOVERY_BYTES`]); beyond that the input is refused with
//! `UnclosedQuote` and the line.

use super::cell::{Cell, Record};
use super::stream::HEAD;
use super::values::clean;
use super::Reason;
use crate::error::{Error, ErrorKind, Result};

/// An unclosed quote is recovered from while the swallowed record is at most this long.
pub const RECOVERY_BYTES: usize = 64 << 20;

/// Where records go (the row reader, in tests a list).
pub(super) trait Sink {
    /// Sizes the tables for about this many rows (before the first record).
    fn expect_lines(&mut self, lines: usize);
    /// One record; `line` is its 1-based physical line.
    fn record(&mut self, line: u64, record: &Fields) -> Result<()>;
    /// A row that cannot be read as a record (an unclosed quote), with its first line's text.
    fn reject_row(&mut self, line: u64, reason: Reason, text: &[u8]) -> Result<()>;
}

/// How fields are separated.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Delimiter {
    /// One byte, with RFC 4180 quoting.
    Byte(u8),
    /// Runs of spaces and tabs, no quoting.
    Whitespace,
}

impl Delimiter {
    /// The Report's spelling: the character, or `"whitespace"`.
    pub fn name(self) -> String {
        match self {
            Delimiter::Byte(b) => char::from(b).to_string(),
            Delimiter::Whitespace => "whitespace".into(),
        }
    }

    /// From `options.delimiter`.
    pub fn from_option(s: &str) -> Result<Delimiter> {
        match s {
            "whitespace" => Ok(Delimiter::Whitespace),
            "\\t" | "tab" => Ok(Delimiter::Byte(b'\t')),
            _ if s.len() == 1 && s.as_bytes()[0] != b'"' && s.as_bytes()[0] != b'\n' => {
                Ok(Delimiter::Byte(s.as_bytes()[0]))
            }
            _ => Err(Error::new(
                ErrorKind::BadOptions,
                format!("delimiter must be one ASCII character or \"whitespace\", not {s:?}"),
                format!("delimiter 必须是单个 ASCII 字符或 \"whitespace\"，而不是 {s:?}"),
            )),
        }
    }
}

/// Guesses the delimiter from the first lines: the candidate found the same non-zero number of
/// times (outside quotes) on most lines; runs of spaces when no candidate is found.
pub fn sniff(text: &[u8]) -> Delimiter {
    const CANDIDATES: [u8; 4] = [b',', b';', b'\t', b'|'];
    let mut counts: Vec<[usize; 4]> = Vec::new();
    let mut current = [0usize; 4];
    let mut in_quotes = false;
    for &c in text.iter().take(64 * 1024) {
        match c {
            b'"' => in_quotes = !in_quotes,
            b'\n' if !in_quotes => {
                counts.push(current);
                current = [0; 4];
                if counts.len() == 50 {
                    break;
                }
            }
            _ if !in_quotes => {
                if let Some(k) = CANDIDATES.iter().position(|&d| d == c) {
                    current[k] += 1;
                }
            }
            _ => {}
        }
    }
    if current.iter().any(|&n| n > 0) {
        counts.push(current);
    }
    let mut best: Option<(usize, usize)> = None; // (candidate, score)
    for k in 0..CANDIDATES.len() {
        let on_lines: Vec<usize> = counts.iter().map(|c| c[k]).filter(|&n| n > 0).collect();
        if on_lines.is_empty() {
            continue;
        }
        // Score: lines agreeing with the first line's count, times that count's presence.
        let first = on_lines[0];
        let agreeing = counts.iter().filter(|c| c[k] == first).count();
        let score = agreeing * 1000 + first.min(999);
        if best.is_none_or(|(_, s)| score > s) {
            best = Some((k, score));
        }
    }
    match best {
        Some((k, _)) => Delimiter::Byte(CANDIDATES[k]),
        None if text.iter().take(4096).any(|&c| c == b' ' || c == b'\t') => Delimiter::Whitespace,
        None => Delimiter::Byte(b','),
    }
}

/// Text → records, piece by piece.
pub(super) enum Tokenizer {
    Csv(Box<CsvTokenizer>),
    Whitespace(WhitespaceTokenizer),
}

impl Tokenizer {
    /// The delimiter (given or sniffed on the head) and the row reader's size hint.
    pub(super) fn for_head(
        head: &[u8],
        option: Option<&str>,
        driver: &mut dyn Sink,
        size_estimate: u64,
    ) -> Result<Tokenizer> {
        let delimiter = match option {
            Some(d) => Delimiter::from_option(d)?,
            None => sniff(head),
        };
        // Room for about as many lines as the file will have (a hint, no result depends on it).
        let sample = &head[..head.len().min(HEAD)];
        let lines = sample.iter().filter(|&&c| c == b'\n').count().max(1);
        let line_length = sample.len() / lines;
        driver.expect_lines((size_estimate / (line_length as u64 + 1)) as usize);
        Ok(match delimiter {
            Delimiter::Byte(d) => Tokenizer::Csv(Box::new(CsvTokenizer::new(d, 0))),
            Delimiter::Whitespace => Tokenizer::Whitespace(WhitespaceTokenizer::default()),
        })
    }

    pub(super) fn delimiter(&self) -> Delimiter {
        match self {
            Tokenizer::Csv(c) => Delimiter::Byte(c.delimiter),
            Tokenizer::Whitespace(_) => Delimiter::Whitespace,
        }
    }

    pub(super) fn feed(&mut self, text: &[u8], driver: &mut dyn Sink) -> Result<()> {
        match self {
            Tokenizer::Csv(c) => c.feed(text, driver),
            Tokenizer::Whitespace(w) => w.feed(text, driver),
        }
    }

    pub(super) fn finish(
        self,
        driver: &mut dyn Sink,
        warnings: &mut Vec<(String, String)>,
    ) -> Result<()> {
        match self {
            Tokenizer::Csv(c) => c.finish(driver, warnings),
            Tokenizer::Whitespace(w) => w.finish(driver),
        }
    }
}

/// The fields of one tokenized record: `data` holds them in order, `ends` where each ends, and
/// `gap` bytes separate one field from the next (0 for a tokenizer's copy, 1 for a line read
/// in place with its delimiters).
pub(super) struct Fields<'a> {
    data: &'a [u8],
    ends: &'a [usize],
    gap: usize,
}

impl Record for Fields<'_> {
    #[inline]
    fn len(&self) -> usize {
        self.ends.len()
    }

    #[inline]
    fn cell(&self, c: usize) -> Cell<'_> {
        let Some(&end) = self.ends.get(c) else {
            return Cell::BLANK;
        };
        let start = if c == 0 {
            0
        } else {
            self.ends[c - 1] + self.gap
        };
        Cell::Text(self.data.get(start..end).unwrap_or_default())
    }

    fn is_blank(&self) -> bool {
        (0..self.ends.len()).all(|c| match self.cell(c) {
            Cell::Text(t) => clean(t).is_empty(),
            _ => false,
        })
    }
}

/// RFC 4180 records with `csv-core`, which keeps its state between pieces of input.
pub(super) struct CsvTokenizer {
    core: csv_core::Reader,
    delimiter: u8,
    /// The current record's fields and field ends, as far as read.
    out: Vec<u8>,
    ends: Vec<usize>,
    out_len: usize,
    ends_len: usize,
    /// Whether a record has started (its first byte was read) and not ended.
    in_record: bool,
    /// Line ends skipped between records or read by [`CsvTokenizer::plain_line`] (csv-core
    /// counts the ones it reads).
    skipped_newlines: u64,
    /// Field ends of a line read in place.
    line_ends: Vec<usize>,
    /// Physical lines before the first byte this tokenizer reads (a recovery's offset).
    line_offset: u64,
    /// Line where the current record starts, and the line ends read before it.
    record_line: u64,
    newlines_at_start: u64,
    /// The current record's raw bytes once it runs past the end of a piece of input (for the
    /// unclosed-quote recovery; taken by it).
    raw: Option<Vec<u8>>,
}

impl CsvTokenizer {
    fn new(delimiter: u8, line_offset: u64) -> CsvTokenizer {
        CsvTokenizer {
            core: csv_core::ReaderBuilder::new().delimiter(delimiter).build(),
            delimiter,
            out: vec![0; 4096],
            ends: vec![0; 64],
            out_len: 0,
            ends_len: 0,
            in_record: false,
            skipped_newlines: 0,
            line_ends: Vec::with_capacity(64),
            line_offset,
            record_line: 0,
            newlines_at_start: 0,
            raw: Some(Vec::new()),
        }
    }

    fn newlines(&self) -> u64 {
        // csv-core counts lines from 1.
        self.core.line() - 1 + self.skipped_newlines
    }

    fn feed(&mut self, mut text: &[u8], driver: &mut dyn Sink) -> Result<()> {
        while !text.is_empty() {
            if !self.in_record {
                // Blank lines between records are no records; the record's line is its first
                // byte's.
                let skip = text
                    .iter()
                    .position(|&c| c != b'\r' && c != b'\n')
                    .unwrap_or(text.len());
                self.skipped_newlines +=
                    text[..skip].iter().filter(|&&c| c == b'\n').count() as u64;
                text = &text[skip..];
                if text.is_empty() {
                    return Ok(());
                }
                if let Some(read) = self.plain_line(text, driver)? {
                    text = &text[read..];
                    continue;
                }
                self.in_record = true;
                self.newlines_at_start = self.newlines();
                self.record_line = self.line_offset + 1 + self.newlines_at_start;
                if let Some(raw) = &mut self.raw {
                    raw.clear();
                }
            }
            let (done, read) = self.read(text, driver)?;
            if !done {
                // The record goes on in the next piece: keep its bytes for a recovery. A record
                // this long is a quote that never closes: stop before it takes the memory.
                if let Some(raw) = &mut self.raw {
                    raw.extend_from_slice(&text[..read]);
                    if raw.len() > RECOVERY_BYTES {
                        let line = self.record_line;
                        return Err(Error::new(
                            ErrorKind::UnclosedQuote,
                            format!("the row on line {line} runs past 64 MB: a quote opened there is probably never closed; check the quotes on that line"),
                            format!("第 {line} 行的数据超过 64 MB：该行的引号可能没有闭合，请检查"),
                        )
                        .at(Some(line), None));
                    }
                }
            }
            text = &text[read..];
        }
        Ok(())
    }

    /// The common record, read in place without csv-core: a whole line (its `\n` in `text`)
    /// with no quote and no `\r` but the one before its `\n`. csv-core would split it at the
    /// delimiters alone, and end it at that line end. Returns the bytes read, or `None` (nothing
    /// read) for any other record.
    fn plain_line(&mut self, text: &[u8], driver: &mut dyn Sink) -> Result<Option<usize>> {
        if matches!(self.delimiter, b'\r' | b'\n' | b'"') {
            return Ok(None);
        }
        self.line_ends.clear();
        let Some(newline) = scan_plain_line(text, self.delimiter, &mut self.line_ends) else {
            return Ok(None);
        };
        let end = match text[..newline] {
            [.., b'\r'] => newline - 1,
            _ => newline,
        };
        self.line_ends.push(end);
        let fields = Fields {
            data: &text[..end],
            ends: &self.line_ends,
            gap: 1,
        };
        let line = self.line_offset + 1 + self.newlines();
        self.skipped_newlines += 1;
        driver.record(line, &fields)?;
        Ok(Some(newline + 1))
    }

    /// Reads from `text` until the current record ends (`true`) or the text does; returns the
    /// bytes read.
    fn read(&mut self, text: &[u8], driver: &mut dyn Sink) -> Result<(bool, usize)> {
        use csv_core::ReadRecordResult as R;
        let mut read = 0;
        loop {
            let (result, nin, nout, nend) = self.core.read_record(
                &text[read..],
                &mut self.out[self.out_len..],
                &mut self.ends[self.ends_len..],
            );
            read += nin;
            self.out_len += nout;
            self.ends_len += nend;
            match result {
                R::InputEmpty => return Ok((false, read)),
                R::OutputFull => {
                    let n = self.out.len() * 2;
                    self.out.resize(n, 0);
                }
                R::OutputEndsFull => {
                    let n = self.ends.len() * 2;
                    self.ends.resize(n, 0);
                }
                R::Record => {
                    self.emit(driver)?;
                    return Ok((true, read));
                }
                R::End => return Ok((true, read)),
            }
        }
    }

    fn emit(&mut self, driver: &mut dyn Sink) -> Result<()> {
        let fields = Fields {
            data: &self.out[..self.out_len],
            ends: &self.ends[..self.ends_len],
            gap: 0,
        };
        let result = driver.record(self.record_line, &fields);
        self.in_record = false;
        self.out_len = 0;
        self.ends_len = 0;
        result
    }

    /// Whether the current record ends inside a quoted field, by csv-core's rules (a quote
    /// opens a field only at its start; `""` inside is a quote; after the closing quote the
    /// rest of the field is plain): read from the record's raw bytes, which the tokenizer
    /// keeps for a record still open at the end of a piece.
    fn quote_open(&self) -> bool {
        #[derive(PartialEq)]
        enum State {
            FieldStart,
            Plain,
            Quoted,
            QuoteInQuoted,
        }
        let mut state = State::FieldStart;
        for &c in self.raw.as_deref().unwrap_or_default() {
            state = match state {
                State::FieldStart if c == b'"' => State::Quoted,
                State::FieldStart | State::Plain | State::QuoteInQuoted if c == self.delimiter => {
                    State::FieldStart
                }
                State::Quoted if c == b'"' => State::QuoteInQuoted,
                State::Quoted => State::Quoted,
                State::QuoteInQuoted if c == b'"' => State::Quoted,
                _ => State::Plain,
            };
        }
        state == State::Quoted
    }

    /// The end of the input: the last record, or unclosed quotes, each recovered from by
    /// reading the lines after it again (within [`RECOVERY_BYTES`] × 4 re-read in all).
    fn finish(mut self, driver: &mut dyn Sink, warnings: &mut Vec<(String, String)>) -> Result<()> {
        let mut reread = 0usize;
        loop {
            match self.end(driver, warnings, &mut reread)? {
                Some(next) => self = next,
                None => return Ok(()),
            }
        }
    }

    /// The last record; for an unclosed quote, the tokenizer that has read the lines after it.
    fn end(
        &mut self,
        driver: &mut dyn Sink,
        warnings: &mut Vec<(String, String)>,
        reread: &mut usize,
    ) -> Result<Option<CsvTokenizer>> {
        if !self.in_record {
            return Ok(None);
        }
        // A record still open at the end of the input is an unclosed quote when it has
        // swallowed a line end and a line end now would not end it (a closed multi-line cell
        // on a last line without a line end is no such thing).
        let swallowed = self.newlines() - self.newlines_at_start;
        if swallowed == 0 || !self.quote_open() {
            loop {
                use csv_core::ReadRecordResult as R;
                let (result, _, _, nend) = self.core.read_record(
                    &[],
                    &mut self.out[self.out_len..],
                    &mut self.ends[self.ends_len..],
                );
                self.ends_len += nend;
                match result {
                    R::OutputEndsFull => {
                        let n = self.ends.len() * 2 + 1;
                        self.ends.resize(n, 0);
                    }
                    R::Record => return self.emit(driver).map(|()| None),
                    _ => return Ok(None),
                }
            }
        }
        let line = self.record_line;
        let raw = self.raw.take().filter(|raw| {
            *reread += raw.len();
            *reread <= 4 * RECOVERY_BYTES
        });
        let Some(raw) = raw else {
            return Err(Error::new(
                ErrorKind::UnclosedQuote,
                format!("a quote opened on line {line} is never closed: the {swallowed} lines after it would be one cell; check the quotes on that line"),
                format!("第 {line} 行的引号没有闭合：其后 {swallowed} 行都会被读成一个单元格；请检查该行的引号"),
            )
            .at(Some(line), None));
        };
        let first_end = raw.iter().position(|&c| c == b'\n').unwrap_or(raw.len());
        let first = &raw[..first_end];
        let first = first.strip_suffix(b"\r").unwrap_or(first);
        driver.reject_row(line, Reason::UnclosedQuote, first)?;
        let rest = raw.get(first_end + 1..).unwrap_or_default();
        let after = rest.iter().filter(|&&c| c == b'\n').count()
            + usize::from(!rest.is_empty() && !rest.ends_with(b"\n"));
        warnings.push((
            format!("a quote opened on line {line} is never closed: that row was rejected (unclosedQuote) and the {after} lines after it were read on their own"),
            format!("第 {line} 行的引号没有闭合：该行已拒绝（unclosedQuote），其后 {after} 行已单独读取"),
        ));
        // The lines after it, read again by a fresh tokenizer (they may hold another).
        let mut tokenizer = CsvTokenizer::new(self.delimiter, line);
        tokenizer.feed(rest, driver)?;
        Ok(Some(tokenizer))
    }
}

/// The position of the first `\n` in `text` when the line before it holds no quote and no
/// `\r` except right before the `\n`; the position of each delimiter before it goes to `ends`.
/// `None` for any other line, or when `text` holds no `\n`.
#[inline]
fn scan_plain_line(text: &[u8], delimiter: u8, ends: &mut Vec<usize>) -> Option<usize> {
    let mut at = 0;
    // Whole blocks of 16 bytes: a bit mask of the delimiters and one of the bytes that stop a
    // plain line.
    while let Some(block) = text[at..].first_chunk::<16>() {
        let (delimiters, stops) = block_masks(block, delimiter);
        if stops != 0 {
            let stop = stops.trailing_zeros() as usize;
            push_positions(delimiters & ((1 << stop) - 1), at, ends);
            return finish_plain_line(text, at + stop);
        }
        push_positions(delimiters, at, ends);
        at += 16;
    }
    for (i, &b) in text[at..].iter().enumerate() {
        if b == delimiter {
            ends.push(at + i);
        } else if b == b'\n' || b == b'"' || b == b'\r' {
            return finish_plain_line(text, at + i);
        }
    }
    None
}

/// Bit masks of a 16-byte block: where `delimiter` is, and where `\n`, `"` or `\r` is.
#[cfg(target_arch = "x86_64")]
#[inline]
fn block_masks(block: &[u8; 16], delimiter: u8) -> (u32, u32) {
    use std::arch::x86_64::{
        __m128i, _mm_cmpeq_epi8, _mm_loadu_si128, _mm_movemask_epi8, _mm_or_si128, _mm_set1_epi8,
    };
    // SAFETY: SSE2 is part of the x86_64 baseline, and the load reads the 16 bytes of `block`
    // (unaligned loads are allowed).
    unsafe {
        let v = _mm_loadu_si128(block.as_ptr().cast::<__m128i>());
        let is = |b: u8| _mm_cmpeq_epi8(v, _mm_set1_epi8(b as i8));
        let stops = _mm_or_si128(_mm_or_si128(is(b'\n'), is(b'"')), is(b'\r'));
        (
            _mm_movemask_epi8(is(delimiter)) as u32,
            _mm_movemask_epi8(stops) as u32,
        )
    }
}

/// Bit masks of a 16-byte block: where `delimiter` is, and where `\n`, `"` or `\r` is.
#[cfg(not(target_arch = "x86_64"))]
#[inline]
fn block_masks(block: &[u8; 16], delimiter: u8) -> (u32, u32) {
    let (mut delimiters, mut stops) = (0u32, 0u32);
    for (i, &b) in block.iter().enumerate() {
        delimiters |= u32::from(b == delimiter) << i;
        stops |= u32::from(b == b'\n' || b == b'"' || b == b'\r') << i;
    }
    (delimiters, stops)
}

/// The bits of `mask` as positions from `base`.
#[inline]
fn push_positions(mut mask: u32, base: usize, ends: &mut Vec<usize>) {
    while mask != 0 {
        ends.push(base + mask.trailing_zeros() as usize);
        mask &= mask - 1;
    }
}

/// The line end when the stop byte at `stop` ends a plain line: a `\n`, or a `\r` right
/// before one.
#[inline]
fn finish_plain_line(text: &[u8], stop: usize) -> Option<usize> {
    match text[stop..] {
        [b'\n', ..] => Some(stop),
        [b'\r', b'\n', ..] => Some(stop + 1),
        _ => None,
    }
}

/// Whitespace-separated records: one per line, no quoting.
#[derive(Default)]
pub(super) struct WhitespaceTokenizer {
    /// The unfinished last line.
    partial: Vec<u8>,
    /// Lines completed so far.
    lines: u64,
    out: Vec<u8>,
    ends: Vec<usize>,
}

impl WhitespaceTokenizer {
    fn feed(&mut self, text: &[u8], driver: &mut dyn Sink) -> Result<()> {
        let mut rest = text;
        while let Some(at) = rest.iter().position(|&c| c == b'\n') {
            if self.partial.is_empty() {
                self.line(&rest[..at], driver)?;
            } else {
                let mut line = std::mem::take(&mut self.partial);
                line.extend_from_slice(&rest[..at]);
                self.line(&line, driver)?;
            }
            rest = &rest[at + 1..];
        }
        self.partial.extend_from_slice(rest);
        Ok(())
    }

    fn line(&mut self, line: &[u8], driver: &mut dyn Sink) -> Result<()> {
        self.lines += 1;
        self.out.clear();
        self.ends.clear();
        for field in line
            .split(|&c| c == b' ' || c == b'\t' || c == b'\r')
            .filter(|f| !f.is_empty())
        {
            self.out.extend_from_slice(field);
            self.ends.push(self.out.len());
        }
        if self.ends.is_empty() {
            return Ok(());
        }
        let fields = Fields {
            data: &self.out,
            ends: &self.ends,
            gap: 0,
        };
        driver.record(self.lines, &fields)
    }

    fn finish(mut self, driver: &mut dyn Sink) -> Result<()> {
        let last = std::mem::take(&mut self.partial);
        self.line(&last, driver)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sniffs_the_common_delimiters() {
        assert_eq!(sniff(b"a,b,c\n1,2,3\n"), Delimiter::Byte(b','));
        assert_eq!(sniff(b"a;b;c\n1,5;2;3\n"), Delimiter::Byte(b';'));
        assert_eq!(sniff(b"a\tb\n1\t2\n"), Delimiter::Byte(b'\t'));
        assert_eq!(sniff(b"a|b\n1|2\n"), Delimiter::Byte(b'|'));
        assert_eq!(
            sniff(b" 00004 0001 19970101  2   29.33\n"),
            Delimiter::Whitespace
        );
        assert_eq!(sniff(b"\"x,y\";b\n\"1,2\";3\n"), Delimiter::Byte(b';'));
    }

    /// Records as (line, cells), unclosed-quote rejections as (line, [text]).
    #[derive(Default)]
    struct Collect(Vec<(u64, Vec<String>)>);

    impl Sink for Collect {
        fn expect_lines(&mut self, _: usize) {}
        fn record(&mut self, line: u64, record: &Fields) -> Result<()> {
            let cells = (0..record.len())
                .map(|c| match record.cell(c) {
                    Cell::Text(t) => String::from_utf8_lossy(t).into_owned(),
                    other => format!("{other:?}"),
                })
                .collect();
            self.0.push((line, cells));
            Ok(())
        }
        fn reject_row(&mut self, line: u64, reason: Reason, text: &[u8]) -> Result<()> {
            let text = String::from_utf8_lossy(text).into_owned();
            self.0.push((line, vec![reason.name().into(), text]));
            Ok(())
        }
    }

    /// Tokenizes `text` fed in pieces of `piece` bytes.
    fn records(text: &[u8], delimiter: Option<&str>, piece: usize) -> Vec<(u64, Vec<String>)> {
        let mut sink = Collect::default();
        let mut t = Tokenizer::for_head(text, delimiter, &mut sink, 0).unwrap();
        for chunk in text.chunks(piece.max(1)) {
            t.feed(chunk, &mut sink).unwrap();
        }
        t.finish(&mut sink, &mut Vec::new()).unwrap();
        sink.0
    }

    fn cells(v: &[&str]) -> Vec<String> {
        v.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn records_know_their_starting_line_in_any_pieces() {
        let text = b"h1,h2\n\"multi\nline\",x\n\n3,4\r\n\r\n5,\"6\"\"\"";
        let expected = vec![
            (1, cells(&["h1", "h2"])),
            (2, cells(&["multi\nline", "x"])),
            (5, cells(&["3", "4"])),
            (7, cells(&["5", "6\""])),
        ];
        for piece in [1, 2, 3, 7, 64, 1 << 20] {
            assert_eq!(records(text, None, piece), expected, "pieces of {piece}");
        }
        let ws = b" a  b\r\n\n c d e\n";
        for piece in [1, 4, 100] {
            assert_eq!(
                records(ws, Some("whitespace"), piece),
                vec![(1, cells(&["a", "b"])), (3, cells(&["c", "d", "e"]))]
            );
        }
    }

    #[test]
    fn lines_read_in_place_are_the_records_csv_core_reads() {
        // Every text of up to 5 bytes over the bytes that matter, plus a plain line after it
        // (so that a line read in place follows whatever state the text left): whole (lines
        // read in place where they can be) against byte by byte (csv-core alone).
        const BYTES: [u8; 5] = [b'a', b',', b'"', b'\r', b'\n'];
        for len in 0..=5u32 {
            for mut n in 0..BYTES.len().pow(len) {
                let mut text = Vec::new();
                for _ in 0..len {
                    text.push(BYTES[n % BYTES.len()]);
                    n /= BYTES.len();
                }
                text.extend_from_slice(b"\nb,,c\r\nd\n");
                assert_eq!(
                    records(&text, Some(","), 1),
                    records(&text, Some(","), text.len()),
                    "{:?}",
                    String::from_utf8_lossy(&text)
                );
            }
        }
    }

    #[test]
    fn an_unclosed_quote_is_a_rejected_row_and_the_lines_after_it_are_read() {
        let text = b"a,b\n1,\"x\n2,y\n3,z\n";
        for piece in [1, 5, 1000] {
            assert_eq!(
                records(text, None, piece),
                vec![
                    (1, cells(&["a", "b"])),
                    (2, cells(&["unclosedQuote", "1,\"x"])),
                    (3, cells(&["2", "y"])),
                    (4, cells(&["3", "z"])),
                ],
                "pieces of {piece}"
            );
        }
        // A quote opened on the last line without a line end after it swallows nothing.
        assert_eq!(records(b"a\n\"b", None, 1)[1], (2, cells(&["b"])));
    }
}
