//! Bytes → text: the encoding named by the caller, else UTF-8 (BOM or not), UTF-16 with a BOM,
//! UTF-16 without one when its zero bytes say so, or GB18030 when the bytes are not UTF-8 but
//! decode cleanly as GB18030. NUL bytes in what should be text make it a binary file.

use std::borrow::Cow;

use encoding_rs::{Encoding, GB18030, UTF_16BE, UTF_16LE, UTF_8};

use crate::error::{Error, ErrorKind, Result};

/// Decoded text as UTF-8 bytes, and the WHATWG name of the encoding used.
pub struct Decoded<'a> {
    /// UTF-8 text, BOM removed.
    pub text: Cow<'a, [u8]>,
    /// Lower-case encoding name, e.g. `"utf-8"`, `"gb18030"`.
    pub encoding: &'static str,
}

/// Decodes `bytes`, honouring an explicit WHATWG `label`.
pub fn decode<'a>(bytes: &'a [u8], label: Option<&str>) -> Result<Decoded<'a>> {
    if let Some(label) = label {
        let encoding = Encoding::for_label(label.trim().as_bytes()).ok_or_else(|| {
            Error::new(
                ErrorKind::UnknownEncoding,
                format!("unknown encoding {label:?}: use a WHATWG label such as \"utf-8\", \"gb18030\", \"gbk\", \"utf-16le\""),
                format!("未知编码 {label:?}：请使用 \"utf-8\"、\"gb18030\"、\"gbk\"、\"utf-16le\" 等标准名称"),
            )
        })?;
        return decode_with(bytes, encoding);
    }
    if let Some((encoding, _)) = Encoding::for_bom(bytes) {
        return decode_with(bytes, encoding);
    }
    if let Some(little_endian) = super::detect::utf16_without_bom(bytes) {
        return decode_with(bytes, if little_endian { UTF_16LE } else { UTF_16BE });
    }
    // Text never holds NUL bytes; binary data (and UTF-16 we could not recognise) does.
    // Binary data shows NULs early: the first 64 KB tell (a NUL further on is only a
    // strange character in a cell, harmless to the tokenizer).
    let head = &bytes[..bytes.len().min(64 * 1024)];
    if head.contains(&0) {
        let at = bytes.iter().position(|&b| b == 0).unwrap_or(0);
        let line = 1 + bytes[..at].iter().filter(|&&b| b == b'\n').count() as u64;
        return Err(super::detect::binary("binary data", "二进制数据").at(Some(line), None));
    }
    if std::str::from_utf8(bytes).is_ok() {
        return Ok(Decoded {
            text: Cow::Borrowed(bytes),
            encoding: "utf-8",
        });
    }
    let (text, had_errors) = GB18030.decode_without_bom_handling(bytes);
    if !had_errors {
        return Ok(Decoded {
            text: Cow::Owned(text.into_owned().into_bytes()),
            encoding: "gb18030",
        });
    }
    Err(Error::new(
        ErrorKind::BadEncoding,
        "the file is neither UTF-8 nor GB18030 text; give options.encoding if you know it",
        "文件既不是 UTF-8 也不是 GB18030 文本；如知道其编码，请用 options.encoding 指定",
    ))
}

fn decode_with<'a>(bytes: &'a [u8], encoding: &'static Encoding) -> Result<Decoded<'a>> {
    let name = encoding_name(encoding);
    if encoding == UTF_8 {
        let body = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
        return match std::str::from_utf8(body) {
            Ok(_) => Ok(Decoded {
                text: Cow::Borrowed(body),
                encoding: name,
            }),
            Err(e) => Err(Error::new(
                ErrorKind::BadEncoding,
                format!("the file is not valid UTF-8 (byte {})", e.valid_up_to()),
                format!("文件不是有效的 UTF-8（第 {} 字节）", e.valid_up_to()),
            )),
        };
    }
    let (text, _, had_errors) = encoding.decode(bytes);
    if had_errors {
        return Err(Error::new(
            ErrorKind::BadEncoding,
            format!("the file is not valid {name} text"),
            format!("文件不是有效的 {name} 文本"),
        ));
    }
    Ok(Decoded {
        text: Cow::Owned(text.into_owned().into_bytes()),
        encoding: name,
    })
}

fn encoding_name(encoding: &'static Encoding) -> &'static str {
    if encoding == UTF_8 {
        "utf-8"
    } else if encoding == GB18030 {
        "gb18030"
    } else if encoding == UTF_16LE {
        "utf-16le"
    } else if encoding == UTF_16BE {
        "utf-16be"
    } else if encoding.name() == "GBK" {
        "gbk"
    } else {
        // encoding_rs names are the WHATWG canonical names; the Report uses them lower-cased.
        leak_lower(encoding.name())
    }
}

fn leak_lower(name: &'static str) -> &'static str {
    match name {
        "Big5" => "big5",
        "EUC-JP" => "euc-jp",
        "EUC-KR" => "euc-kr",
        "Shift_JIS" => "shift_jis",
        "ISO-2022-JP" => "iso-2022-jp",
        "windows-1252" => "windows-1252",
        other => other,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn utf8_with_bom_is_borrowed_without_it() {
        let d = decode(b"\xEF\xBB\xBFa,b", None).unwrap();
        assert_eq!(&*d.text, b"a,b");
        assert_eq!(d.encoding, "utf-8");
    }

    #[test]
    fn gbk_is_detected() {
        let (bytes, _, _) = GB18030.encode("买家会员名,金额\n张三,¥12");
        let d = decode(&bytes, None).unwrap();
        assert_eq!(d.encoding, "gb18030");
        assert_eq!(
            std::str::from_utf8(&d.text).unwrap(),
            "买家会员名,金额\n张三,¥12"
        );
    }

    #[test]
    fn utf16_with_bom() {
        let mut bytes = vec![0xFF, 0xFE];
        for u in "a,b".encode_utf16() {
            bytes.extend_from_slice(&u.to_le_bytes());
        }
        let d = decode(&bytes, None).unwrap();
        assert_eq!((&*d.text, d.encoding), (&b"a,b"[..], "utf-16le"));
    }

    #[test]
    fn unknown_label_is_an_error() {
        assert_eq!(
            decode(b"x", Some("klingon")).err().map(|e| e.code()),
            Some("UnknownEncoding")
        );
    }
}
