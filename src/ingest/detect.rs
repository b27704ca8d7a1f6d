//! Which format the bytes are, by content, never by file name: an Excel workbook (zip), Arrow
//! IPC (file or stream), a known binary format (refused), or text.

use crate::error::{Error, ErrorKind, Result};

/// The format of an input.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// Delimited text (CSV, TSV, whitespace-separated), in any supported encoding.
    Text,
    /// An Office Open XML workbook (`.xlsx`): a zip archive.
    Xlsx,
    /// Arrow IPC file format (`ARROW1` magic).
    ArrowFile,
    /// Arrow IPC stream format (starts with the continuation marker `0xFFFFFFFF`).
    ArrowStream,
    /// A legacy Excel workbook (`.xls`, BIFF in an OLE2 compound file).
    Xls,
    /// An OpenDocument spreadsheet (`.ods`).
    Ods,
    /// An HTML table saved as "xls" (common from ERP and marketplace back offices).
    Html,
}

/// Known binary signatures that are not orders exports, with a name for the message.
const BINARY: [(&[u8], &str, &str); 15] = [
    (b"\x89PNG\r\n\x1a\n", "a PNG image", "PNG 图片"),
    (b"\xFF\xD8\xFF", "a JPEG image", "JPEG 图片"),
    (b"GIF87a", "a GIF image", "GIF 图片"),
    (b"GIF89a", "a GIF image", "GIF 图片"),
    (b"%PDF-", "a PDF document", "PDF 文档"),
    (b"\x1F\x8B", "a gzip archive", "gzip 压缩包"),
    (b"BZh", "a bzip2 archive", "bzip2 压缩包"),
    (b"7z\xBC\xAF\x27\x1C", "a 7-Zip archive", "7-Zip 压缩包"),
    (b"Rar!\x1A\x07", "a RAR archive", "RAR 压缩包"),
    (b"\x28\xB5\x2F\xFD", "a zstd archive", "zstd 压缩包"),
    (b"\xFD7zXZ\x00", "an xz archive", "xz 压缩包"),
    (
        b"PAR1",
        "a Parquet file (export it as CSV or Arrow)",
        "Parquet 文件（请导出为 CSV 或 Arrow）",
    ),
    (
        b"SQLite format 3\x00",
        "an SQLite database",
        "SQLite 数据库",
    ),
    (b"\x7FELF", "an executable", "可执行文件"),
    (b"\x00asm", "a WebAssembly module", "WebAssembly 模块"),
];

/// The old binary Office format (`.xls`, or an encrypted `.xlsx`): a compound file.
const OLE2: &[u8] = b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1";

/// Whether an input starting with `head` is read whole (a workbook or Arrow IPC: their formats
/// need the whole buffer) rather than streamed as text.
pub fn read_whole(head: &[u8]) -> bool {
    head.starts_with(b"PK\x03\x04")
        || head.starts_with(b"ARROW1")
        || head.starts_with(b"\xFF\xFF\xFF\xFF")
        || head.starts_with(OLE2)
        || is_html(head)
}

/// Whether text starts like an HTML document holding a table (an "xls" that is really HTML):
/// after an optional UTF-8 byte-order mark and whitespace, a `<` tag, and `<table` in the first
/// 64 KB.
pub fn is_html(head: &[u8]) -> bool {
    let text = head.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(head);
    let text = text.trim_ascii_start();
    if !text.starts_with(b"<") {
        return false;
    }
    let start = &text[..text.len().min(64)].to_ascii_lowercase();
    let tag = [
        &b"<!doctype html"[..],
        b"<html",
        b"<table",
        b"<meta",
        b"<head",
        b"<body",
        b"<!--",
        b"<?xml",
    ]
    .iter()
    .any(|t| start.starts_with(t));
    tag && text[..text.len().min(64 * 1024)]
        .windows(6)
        .any(|w| w.eq_ignore_ascii_case(b"<table"))
}

/// The format of `bytes`, or a `BinaryFile` error for a known binary format that cannot be an
/// orders export.
pub fn detect(bytes: &[u8]) -> Result<Format> {
    if bytes.starts_with(b"PK\x03\x04") {
        // Entry names are stored as written: a workbook has parts under `xl/`.
        if contains(bytes, b"xl/") {
            return Ok(Format::Xlsx);
        }
        // An OpenDocument file starts with its `mimetype` entry, stored uncompressed.
        if contains(&bytes[..bytes.len().min(256)], b"opendocument.spreadsheet") {
            return Ok(Format::Ods);
        }
        return Err(binary(
            "a zip archive that is not an Excel workbook",
            "不是 Excel 工作簿的 zip 压缩包",
        ));
    }
    if bytes.starts_with(b"PK\x05\x06") || bytes.starts_with(b"PK\x07\x08") {
        return Err(binary(
            "a zip archive that is not an Excel workbook",
            "不是 Excel 工作簿的 zip 压缩包",
        ));
    }
    if bytes.starts_with(b"ARROW1") {
        return Ok(Format::ArrowFile);
    }
    if bytes.starts_with(b"\xFF\xFF\xFF\xFF") {
        return Ok(Format::ArrowStream);
    }
    if bytes.starts_with(OLE2) {
        // A legacy workbook, or a password-protected .xlsx (which then cannot be read).
        return Ok(Format::Xls);
    }
    if is_html(bytes) {
        return Ok(Format::Html);
    }
    if bytes.len() >= 12 && bytes.starts_with(b"RIFF") {
        return Err(binary(
            "a RIFF media file (image, audio or video)",
            "RIFF 媒体文件（图片、音频或视频）",
        ));
    }
    for (magic, en, zh) in BINARY {
        if bytes.starts_with(magic) {
            return Err(binary(en, zh));
        }
    }
    Ok(Format::Text)
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}

/// A `BinaryFile` error: "the file is {what}, not an orders export".
pub fn binary(en: &str, zh: &str) -> Error {
    Error::new(
        ErrorKind::BinaryFile,
        format!("the file is {en}, not an orders export (CSV, Excel .xlsx or Arrow)"),
        format!("该文件是{zh}，不是订单导出文件（CSV、Excel .xlsx 或 Arrow）"),
    )
}

/// Whether the bytes look like UTF-16 without a byte-order mark: in the first 4 KB, most
/// characters are ASCII with a zero high byte. Returns the byte order (`true` = little-endian).
pub fn utf16_without_bom(bytes: &[u8]) -> Option<bool> {
    let head = &bytes[..bytes.len().min(4096) & !1];
    if head.len() < 4 {
        return None;
    }
    let pairs = head.len() / 2;
    let (mut even_zero, mut odd_zero) = (0usize, 0usize);
    for pair in head.chunks_exact(2) {
        even_zero += usize::from(pair[0] == 0);
        odd_zero += usize::from(pair[1] == 0);
    }
    // Text in UTF-16 has a zero in the high byte of nearly every ASCII character and almost
    // never in the low byte.
    if odd_zero * 10 >= pairs * 7 && even_zero * 20 <= pairs {
        Some(true)
    } else if even_zero * 10 >= pairs * 7 && odd_zero * 20 <= pairs {
        Some(false)
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_by_magic() {
        assert_eq!(
            detect(b"PK\x03\x04..xl/workbook.xml").unwrap(),
            Format::Xlsx
        );
        assert_eq!(
            detect(b"PK\x03\x04..notes.txt").unwrap_err().code(),
            "BinaryFile"
        );
        assert_eq!(detect(b"ARROW1\0\0").unwrap(), Format::ArrowFile);
        assert_eq!(
            detect(b"\xFF\xFF\xFF\xFF\x10\0\0\0").unwrap(),
            Format::ArrowStream
        );
        assert_eq!(detect(b"a,b\n1,2\n").unwrap(), Format::Text);
        assert_eq!(detect(OLE2).unwrap(), Format::Xls);
        assert_eq!(
            detect(b"PK\x03\x04....mimetypeapplication/vnd.oasis.opendocument.spreadsheet")
                .unwrap(),
            Format::Ods
        );
        assert_eq!(
            detect(b"\xEF\xBB\xBF <html><body><TABLE><tr><td>a</td></tr></TABLE>").unwrap(),
            Format::Html
        );
        assert_eq!(detect(b"<p>no table</p>").unwrap(), Format::Text);
        assert_eq!(detect(b"").unwrap(), Format::Text);
        for b in [
            &b"\x89PNG\r\n\x1a\nxx"[..],
            b"%PDF-1.4",
            b"\x1F\x8B\x08",
            b"PK\x05\x06",
        ] {
            assert_eq!(detect(b).unwrap_err().code(), "BinaryFile");
        }
    }

    #[test]
    fn utf16_without_bom_is_recognised() {
        let le: Vec<u8> = "a,b\n1,2\n"
            .encode_utf16()
            .flat_map(u16::to_le_bytes)
            .collect();
        let be: Vec<u8> = "a,b\n1,2\n"
            .encode_utf16()
            .flat_map(u16::to_be_bytes)
            .collect();
        assert_eq!(utf16_without_bom(&le), Some(true));
        assert_eq!(utf16_without_bom(&be), Some(false));
        assert_eq!(utf16_without_bom(b"a,b\n1,2\n"), None);
        assert_eq!(utf16_without_bom(&[0u8; 64]), None);
    }
}
