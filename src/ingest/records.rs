//! Text → records: the delimiter (given or sniffed) and an RFC 4180 tokenizer (the `csv`
//! crate), or runs of spaces for whitespace-separated files such as CDNOW.

use csv::ByteRecord;

use crate::error::{Error, ErrorKind, Result};

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

/// Calls `each(line, record)` for every record; `line` is the 1-based physical line where the
/// record starts. Stops at the first error `each` returns.
pub fn for_each_record(
    text: &[u8],
    delimiter: Delimiter,
    mut each: impl FnMut(u64, &ByteRecord) -> Result<()>,
) -> Result<()> {
    let mut record = ByteRecord::new();
    match delimiter {
        Delimiter::Byte(d) => {
            let mut reader = csv::ReaderBuilder::new()
                .delimiter(d)
                .has_headers(false)
                .flexible(true)
                .from_reader(text);
            loop {
                match reader.read_byte_record(&mut record) {
                    Ok(false) => break,
                    Ok(true) => {
                        let (mut line, mut byte) = record
                            .position()
                            .map_or((0, 0), |p| (p.line(), p.byte() as usize));
                        // The reader reports where it started reading, before any empty lines
                        // it skipped; the record starts after them.
                        while let Some(&c @ (b'\r' | b'\n')) = text.get(byte) {
                            line += u64::from(c == b'\n');
                            byte += 1;
                        }
                        each(line, &record)?;
                    }
                    Err(e) => {
                        let line = e.position().map(|p| p.line());
                        return Err(Error::new(
                            ErrorKind::BadCsv,
                            format!("the CSV text cannot be read: {e}"),
                            format!("无法读取 CSV 文本：{e}"),
                        )
                        .at(line, None));
                    }
                }
            }
        }
        Delimiter::Whitespace => {
            for (i, line) in text.split(|&c| c == b'\n').enumerate() {
                record.clear();
                for field in line
                    .split(|&c| c == b' ' || c == b'\t' || c == b'\r')
                    .filter(|f| !f.is_empty())
                {
                    record.push_field(field);
                }
                if !record.is_empty() {
                    each(i as u64 + 1, &record)?;
                }
            }
        }
    }
    Ok(())
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

    #[test]
    fn records_know_their_starting_line() {
        let mut seen = Vec::new();
        for_each_record(
            b"h1,h2\n\"multi\nline\",x\n\n3,4\n",
            Delimiter::Byte(b','),
            |l, r| {
                seen.push((l, r.len()));
                Ok(())
            },
        )
        .unwrap();
        assert_eq!(seen, vec![(1, 2), (2, 2), (5, 2)]);
        let mut ws = Vec::new();
        for_each_record(b" a  b\r\n\n c d e\n", Delimiter::Whitespace, |l, r| {
            ws.push((l, r.len()));
            Ok(())
        })
        .unwrap();
        assert_eq!(ws, vec![(1, 2), (3, 3)]);
    }
}
