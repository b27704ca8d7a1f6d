//! An HTML table saved as "xls" (issue 13): many ERP and marketplace back offices export an
//! HTML document with a `.xls` name, which Excel opens. Its `<tr>` rows and `<td>`/`<th>` cells
//! are records for the shared row reader (a cell's text with entities resolved, `<br>` as a
//! space, `colspan` as that many cells). The text encoding is detected as for CSV (UTF-8 with or
//! without BOM, GB18030/GBK, or `options.encoding`). A record's "line" is its row number in the
//! table (the header row is 1).
//!
//! Tags are read with quick-xml (already in the full module for workbooks) in its lenient mode:
//! HTML's unclosed and unmatched tags are accepted.

use std::borrow::Cow;

use quick_xml::events::Event;
use quick_xml::Reader;

use super::cell::TextRecord;
use super::decode::Decoding;
use super::{Driver, IngestInfo, Lines};
use crate::error::{Error, ErrorKind, Result};
use crate::options::Options;

/// Reads the rows of the HTML tables in `bytes`.
pub fn read(bytes: &[u8], options: &Options) -> Result<(Lines, IngestInfo)> {
    let head = &bytes[..bytes.len().min(super::stream::HEAD)];
    let mut decoding = Decoding::for_head(head, options.encoding.as_deref())?;
    let mut text = Vec::with_capacity(bytes.len());
    decoding.decode(bytes, true, &mut |t| {
        text.extend_from_slice(t);
        Ok(())
    })?;
    let text = String::from_utf8_lossy(&text);
    let mut driver = Driver::new(options.clone(), bytes.len() / 200);
    let mut reader = Reader::from_str(&text);
    let config = reader.config_mut();
    config.check_end_names = false;
    config.allow_unmatched_ends = true;
    config.allow_dangling_amp = true;
    config.check_comments = false;

    let mut row: Option<Vec<String>> = None;
    // The cell being read, and how many cells it spans.
    let mut cell: Option<(String, usize)> = None;
    // Text inside <script>/<style> is no cell text.
    let mut skip = 0usize;
    let mut number = 0u64;
    let finish_cell = |row: &mut Option<Vec<String>>, cell: &mut Option<(String, usize)>| {
        if let (Some(r), Some((t, span))) = (row.as_mut(), cell.take()) {
            let t = t.split_whitespace().collect::<Vec<_>>().join(" ");
            r.push(t);
            r.extend(std::iter::repeat_n(String::new(), span.saturating_sub(1)));
        }
    };
    let mut finish_row = |driver: &mut Driver,
                          row: &mut Option<Vec<String>>,
                          cell: &mut Option<(String, usize)>|
     -> Result<()> {
        finish_cell(row, cell);
        if let Some(r) = row.take() {
            number += 1;
            driver.record(number, &TextRecord(r))?;
        }
        Ok(())
    };
    loop {
        let event = reader.read_event().map_err(|e| {
            Error::new(
                ErrorKind::BadXlsx,
                format!("the HTML table cannot be read: {e}"),
                format!("无法读取该 HTML 表格：{e}"),
            )
        })?;
        match event {
            Event::Start(t) | Event::Empty(t) => {
                let name = t.local_name();
                let name = name.as_ref().to_ascii_lowercase();
                let empty = is_void(&name);
                match name.as_str() {
                    "tr" => {
                        finish_row(&mut driver, &mut row, &mut cell)?;
                        row = Some(Vec::new());
                    }
                    "td" | "th" => {
                        finish_cell(&mut row, &mut cell);
                        if row.is_none() {
                            row = Some(Vec::new());
                        }
                        let span = t
                            .html_attributes()
                            .flatten()
                            .find(|a| a.key.as_ref().eq_ignore_ascii_case("colspan"))
                            .and_then(|a| a.value.trim().parse().ok())
                            .unwrap_or(1usize)
                            .clamp(1, 1000);
                        cell = Some((String::new(), span));
                    }
                    "br" | "p" | "div" => {
                        if let Some((c, _)) = &mut cell {
                            c.push(' ');
                        }
                    }
                    "script" | "style" if !empty => skip += 1,
                    _ => {}
                }
            }
            Event::End(t) => {
                let name = t.local_name();
                match name.as_ref().to_ascii_lowercase().as_str() {
                    "td" | "th" => finish_cell(&mut row, &mut cell),
                    "tr" | "table" => finish_row(&mut driver, &mut row, &mut cell)?,
                    "script" | "style" => skip = skip.saturating_sub(1),
                    _ => {}
                }
            }
            Event::Text(t) if skip == 0 => {
                if let Some((c, _)) = &mut cell {
                    c.push_str(&t.html_content());
                }
            }
            Event::CData(t) if skip == 0 => {
                if let Some((c, _)) = &mut cell {
                    c.push_str(&t.html_content());
                }
            }
            Event::GeneralRef(r) if skip == 0 => {
                if let Some((c, _)) = &mut cell {
                    let resolved: Cow<str> = match r.resolve_char_ref() {
                        Ok(Some(ch)) => ch.to_string().into(),
                        _ => match r.html_content().as_ref() {
                            "amp" => "&".into(),
                            "lt" => "<".into(),
                            "gt" => ">".into(),
                            "quot" => "\"".into(),
                            "apos" => "'".into(),
                            "nbsp" | "ensp" | "emsp" | "thinsp" => " ".into(),
                            "yen" => "¥".into(),
                            "euro" => "€".into(),
                            "pound" => "£".into(),
                            other => format!("&{other};").into(),
                        },
                    };
                    c.push_str(&resolved);
                }
            }
            Event::Eof => break,
            _ => {}
        }
    }
    finish_row(&mut driver, &mut row, &mut cell)?;
    driver.finish(IngestInfo {
        format: "html",
        encoding: decoding.name().to_string(),
        ..IngestInfo::default()
    })
}

/// HTML elements that never have content (their start tag is the whole element).
fn is_void(name: &str) -> bool {
    matches!(
        name,
        "br" | "meta" | "link" | "img" | "input" | "hr" | "col" | "area" | "base" | "wbr"
    )
}
