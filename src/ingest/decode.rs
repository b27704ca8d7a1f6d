//! Bytes → text, chunk by chunk: the encoding named by the caller, else UTF-8 (BOM or not),
//! UTF-16 with a BOM, UTF-16 without one when its zero bytes say so, or GB18030 when the first
//! non-ASCII bytes are not UTF-8. NUL bytes in the first 64 KB make it a binary file.

use encoding_rs::{Encoding, GB18030, UTF_16BE, UTF_16LE, UTF_8};

use super::detect;
use super::stream::HEAD;

use crate::error::{Error, ErrorKind, Result};

/// Bytes → UTF-8 text, chunk by chunk.
pub(super) enum Decoding {
    /// UTF-8 (BOM removed): validated, passed through without a copy. `tentative` while only
    /// ASCII was seen and no encoding was named: the first non-ASCII bytes may still make the
    /// file GB18030.
    Utf8 {
        tentative: bool,
        bom_checked: bool,
        /// An incomplete character at the end of the last chunk.
        carry: Vec<u8>,
        /// Bytes validated so far (for the error's byte offset).
        offset: u64,
    },
    /// Any other encoding.
    Other {
        decoder: Legacy,
        name: &'static str,
        /// Whether the encoding was found, not named: its error says so.
        detected: bool,
    },
}

impl Decoding {
    /// The encoding named by `label`, else by the first bytes (as [`super::decode::decode`]).
    pub(super) fn for_head(head: &[u8], label: Option<&str>) -> Result<Decoding> {
        if let Some(label) = label {
            let encoding = Encoding::for_label(label.trim().as_bytes())
                .ok_or_else(|| unknown_encoding(label))?;
            return Ok(Decoding::with(encoding, false));
        }
        if let Some((encoding, _)) = Encoding::for_bom(head) {
            return Ok(Decoding::with(encoding, false));
        }
        if let Some(little_endian) = detect::utf16_without_bom(head) {
            return Ok(Decoding::with(
                if little_endian { UTF_16LE } else { UTF_16BE },
                false,
            ));
        }
        let first = &head[..head.len().min(HEAD)];
        if let Some(at) = first.iter().position(|&b| b == 0) {
            let line = 1 + first[..at].iter().filter(|&&b| b == b'\n').count() as u64;
            return Err(detect::binary("binary data", "二进制数据").at(Some(line), None));
        }
        Ok(Decoding::Utf8 {
            tentative: true,
            bom_checked: false,
            carry: Vec::new(),
            offset: 0,
        })
    }

    fn with(encoding: &'static Encoding, detected: bool) -> Decoding {
        if encoding == UTF_8 {
            return Decoding::Utf8 {
                tentative: false,
                bom_checked: false,
                carry: Vec::new(),
                offset: 0,
            };
        }
        Decoding::Other {
            decoder: Legacy::new(encoding),
            name: encoding_name(encoding),
            detected,
        }
    }

    pub(super) fn name(&self) -> &'static str {
        match self {
            Decoding::Utf8 { .. } => "utf-8",
            Decoding::Other { name, .. } => name,
        }
    }

    /// Decodes `chunk` and hands the text to `each` (in one or more pieces).
    pub(super) fn decode(
        &mut self,
        chunk: &[u8],
        last: bool,
        each: &mut dyn FnMut(&[u8]) -> Result<()>,
    ) -> Result<()> {
        match self {
            Decoding::Utf8 {
                tentative,
                bom_checked,
                carry,
                offset,
            } => {
                let joined;
                let mut bytes = if carry.is_empty() {
                    chunk
                } else {
                    let mut j = std::mem::take(carry);
                    j.extend_from_slice(chunk);
                    joined = j;
                    &joined[..]
                };
                if !*bom_checked {
                    if bytes.len() < 3 && !last && b"\xEF\xBB\xBF".starts_with(bytes) {
                        carry.extend_from_slice(bytes);
                        return Ok(());
                    }
                    *bom_checked = true;
                    if let Some(rest) = bytes.strip_prefix(b"\xEF\xBB\xBF") {
                        bytes = rest;
                        *offset += 3;
                    }
                }
                let valid = match std::str::from_utf8(bytes) {
                    Ok(_) => bytes.len(),
                    Err(e) if e.error_len().is_none() && !last => {
                        // An incomplete character at the end: wait for its other bytes.
                        e.valid_up_to()
                    }
                    Err(e) => {
                        if *tentative && bytes[..e.valid_up_to()].is_ascii() {
                            // Nothing but ASCII before the first byte that is not UTF-8, which
                            // GB18030 reads the same: the file is GB18030, however the file
                            // was cut into chunks.
                            let rest = bytes.to_vec();
                            *self = Decoding::with(GB18030, true);
                            return self.decode(&rest, last, each);
                        }
                        let byte = *offset + e.valid_up_to() as u64;
                        return Err(Error::new(
                            ErrorKind::BadEncoding,
                            format!("the file is not valid UTF-8 (byte {byte})"),
                            format!("文件不是有效的 UTF-8（第 {byte} 字节）"),
                        ));
                    }
                };
                if *tentative && !bytes[..valid].is_ascii() {
                    *tentative = false;
                }
                *offset += valid as u64;
                carry.extend_from_slice(&bytes[valid..]);
                each(&bytes[..valid])
            }
            Decoding::Other {
                decoder,
                name,
                detected,
            } => {
                if decoder.decode(chunk, last, each)? {
                    return Ok(());
                }
                Err(if *detected {
                    neither_utf8_nor_gb18030()
                } else {
                    Error::new(
                        ErrorKind::BadEncoding,
                        format!("the file is not valid {name} text"),
                        format!("文件不是有效的 {name} 文本"),
                    )
                })
            }
        }
    }
}

/// The decoder of an encoding other than UTF-8: encoding_rs's own. The lean wasm module (no
/// `encoding-tables` feature) uses the host's `TextDecoder` instead (`crate::wasm::text`).
#[cfg(any(feature = "encoding-tables", not(target_arch = "wasm32")))]
pub(super) struct Legacy {
    decoder: encoding_rs::Decoder,
    out: Vec<u8>,
}

#[cfg(all(target_arch = "wasm32", not(feature = "encoding-tables")))]
use crate::wasm::text::Legacy;

#[cfg(any(feature = "encoding-tables", not(target_arch = "wasm32")))]
impl Legacy {
    fn new(encoding: &'static Encoding) -> Legacy {
        Legacy {
            // BOM sniffing as `Encoding::decode` does: a BOM names the encoding.
            decoder: encoding.new_decoder(),
            out: Vec::new(),
        }
    }

    /// Decodes `chunk` (the end of the input when `last`) and hands the text to `each`; false
    /// at the first byte sequence that is not text in the encoding.
    fn decode(
        &mut self,
        chunk: &[u8],
        last: bool,
        each: &mut dyn FnMut(&[u8]) -> Result<()>,
    ) -> Result<bool> {
        use encoding_rs::DecoderResult;
        let mut input = chunk;
        loop {
            let room = self
                .decoder
                .max_utf8_buffer_length_without_replacement(input.len())
                .unwrap_or(input.len() * 3 + 16)
                .clamp(16, 1 << 20);
            self.out.resize(room, 0);
            let (result, read, written) =
                self.decoder
                    .decode_to_utf8_without_replacement(input, &mut self.out, last);
            input = &input[read..];
            each(&self.out[..written])?;
            match result {
                DecoderResult::InputEmpty => return Ok(true),
                DecoderResult::OutputFull => continue,
                DecoderResult::Malformed(_, _) => return Ok(false),
            }
        }
    }
}

/// `UnknownEncoding` for an `options.encoding` that names no WHATWG encoding.
pub(super) fn unknown_encoding(label: &str) -> Error {
    Error::new(
        ErrorKind::UnknownEncoding,
        format!("unknown encoding {label:?}: use a WHATWG label such as \"utf-8\", \"gb18030\", \"gbk\", \"utf-16le\""),
        format!("未知编码 {label:?}：请使用 \"utf-8\"、\"gb18030\"、\"gbk\"、\"utf-16le\" 等标准名称"),
    )
}

/// `BadEncoding` for bytes that are neither UTF-8 nor GB18030 (no encoding was named).
pub(super) fn neither_utf8_nor_gb18030() -> Error {
    Error::new(
        ErrorKind::BadEncoding,
        "the file is neither UTF-8 nor GB18030 text: save it as UTF-8 (e.g. \"CSV UTF-8\" in Excel) and try again",
        "文件既不是 UTF-8 也不是 GB18030 文本：请将文件另存为 UTF-8（如 Excel 的“CSV UTF-8”）后重试",
    )
}

/// The Report's name of an encoding: WHATWG's, lower-cased.
pub(super) fn encoding_name(encoding: &'static Encoding) -> &'static str {
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
