//! Bytes pushed in chunks → text → records → the row reader, as they arrive: only the first
//! 64 KB (until they tell the format, encoding and delimiter) and an unfinished record's bytes
//! are ever held, never the file.
//!
//! The decisions are today's whole-file ones, taken on the same evidence:
//! - **Format**: from the first bytes. A workbook or Arrow IPC input is kept whole and read at
//!   the end (their formats need the whole buffer), everything else is text.
//! - **Encoding**: a label, a BOM, UTF-16 without BOM and NUL bytes are decided on the first
//!   64 KB, as before. UTF-8 against GB18030: the first non-ASCII bytes decide (ASCII reads the
//!   same in both). A file whose first non-ASCII text is valid UTF-8 and which later holds
//!   bytes that are not is refused as `BadEncoding` at that byte (the whole-file reading used
//!   to fall back to GB18030 for such a mixed file, which only garbled its UTF-8 part).
//! - **Delimiter**: sniffed on the first 64 KB of decoded text, as before.
//! - **Records**: see [`super::records`] (also for an unclosed quote).

use super::decode::Decoding;
use super::detect;
use super::records::Tokenizer;
use super::{Driver, IngestInfo, Lines};
use crate::error::{Error, ErrorKind, Result};
use crate::options::Options;

/// Bytes looked at before the format and encoding are decided (and decoded text before the
/// delimiter is sniffed): the first 64 KB, as the whole-file reading did.
pub(super) const HEAD: usize = 64 * 1024;

/// A streaming ingest: [`Ingest::push`] each chunk, then [`Ingest::finish`].
pub struct Ingest {
    stage: Stage,
    options: Options,
    /// Bytes pushed so far.
    consumed: u64,
    /// The whole input's size, when the caller knows it (capacity hints only).
    size_hint: Option<u64>,
    /// The first error: every later call returns it again.
    failed: Option<Error>,
}

enum Stage {
    /// The first bytes, until [`HEAD`] of them (or the end) tell the format and encoding.
    Head(Vec<u8>),
    /// Delimited text, parsed as it arrives.
    Text(Box<TextIngest>),
    /// A workbook or Arrow IPC input, read whole at the end.
    Whole(Vec<u8>),
    /// `finish` ran.
    Done,
}

impl Ingest {
    /// A new ingest with the given options.
    pub fn new(options: &Options) -> Ingest {
        Ingest {
            stage: Stage::Head(Vec::new()),
            options: options.clone(),
            consumed: 0,
            size_hint: None,
            failed: None,
        }
    }

    /// The same, told how many bytes will come (sizes the tables up front).
    pub fn with_size_hint(options: &Options, size: u64) -> Ingest {
        let mut ingest = Ingest::new(options);
        ingest.size_hint = Some(size);
        ingest
    }

    /// Bytes pushed so far.
    pub fn bytes_consumed(&self) -> u64 {
        self.consumed
    }

    /// Data rows read so far (records that are not all empty).
    pub fn rows(&self) -> u64 {
        match &self.stage {
            Stage::Text(t) => t.driver.rows(),
            _ => 0,
        }
    }

    /// Parses a chunk. An error is final: `finish` returns it too.
    pub fn push(&mut self, chunk: &[u8]) -> Result<()> {
        if let Some(e) = &self.failed {
            return Err(e.clone());
        }
        self.consumed += chunk.len() as u64;
        let result = self.push_inner(chunk);
        if let Err(e) = &result {
            self.failed = Some(e.clone());
        }
        result
    }

    fn push_inner(&mut self, chunk: &[u8]) -> Result<()> {
        match &mut self.stage {
            Stage::Head(head) => {
                // Only the first HEAD bytes are buffered; the rest of the chunk goes on.
                let take = chunk.len().min(HEAD.saturating_sub(head.len()));
                head.extend_from_slice(&chunk[..take]);
                if head.len() < HEAD {
                    return Ok(());
                }
                let head = std::mem::take(head);
                self.start(head)?;
                self.push_inner(&chunk[take..])
            }
            Stage::Text(text) => text.push(chunk, false),
            Stage::Whole(bytes) => {
                bytes.extend_from_slice(chunk);
                Ok(())
            }
            Stage::Done => Ok(()),
        }
    }

    /// Decides the format (and for text the encoding) from the first bytes, then reads them.
    fn start(&mut self, head: Vec<u8>) -> Result<()> {
        if detect::read_whole(&head) {
            let mut bytes = head;
            // Room for the whole input when its size is known (a hint: a failure is no error).
            if let Some(size) = self.size_hint.and_then(|s| usize::try_from(s).ok()) {
                let _ = bytes.try_reserve(size.saturating_sub(bytes.len()));
            }
            self.stage = Stage::Whole(bytes);
            return Ok(());
        }
        // Known binary formats are refused by their first bytes.
        detect::detect(&head)?;
        let decoding = Decoding::for_head(&head, self.options.encoding.as_deref())?;
        let estimate = self.size_hint.unwrap_or(head.len() as u64);
        let mut text = Box::new(TextIngest::new(&self.options, decoding, estimate));
        text.push(&head, false)?;
        self.stage = Stage::Text(text);
        Ok(())
    }

    /// The accepted lines and what the ingest saw.
    pub fn finish(&mut self) -> Result<(Lines, IngestInfo)> {
        if let Some(e) = &self.failed {
            return Err(e.clone());
        }
        let result = self.finish_inner();
        if let Err(e) = &result {
            self.failed = Some(e.clone());
        }
        result
    }

    fn finish_inner(&mut self) -> Result<(Lines, IngestInfo)> {
        if let Stage::Head(head) = &mut self.stage {
            let head = std::mem::take(head);
            self.start(head)?;
        }
        match std::mem::replace(&mut self.stage, Stage::Done) {
            Stage::Text(text) => text.finish(),
            Stage::Whole(bytes) => read_whole(&bytes, &self.options),
            Stage::Head(_) | Stage::Done => Err(Error::new(
                ErrorKind::BadOptions,
                "finish() was already called",
                "finish() 已经调用过",
            )),
        }
    }
}

/// A workbook or Arrow IPC input, detected again on the whole bytes.
#[cfg_attr(not(any(feature = "xlsx", feature = "arrow")), allow(unused_variables))]
fn read_whole(bytes: &[u8], options: &Options) -> Result<(Lines, IngestInfo)> {
    match detect::detect(bytes)? {
        #[cfg(feature = "xlsx")]
        detect::Format::Xlsx => super::xlsx::read(bytes, options),
        #[cfg(feature = "xlsx")]
        detect::Format::Xls => super::xlsx::read_legacy(bytes, false, options),
        #[cfg(feature = "xlsx")]
        detect::Format::Ods => super::xlsx::read_legacy(bytes, true, options),
        #[cfg(feature = "xlsx")]
        detect::Format::Html => super::html::read(bytes, options),
        #[cfg(feature = "arrow")]
        detect::Format::ArrowFile => super::arrow::read(bytes, true, options),
        #[cfg(feature = "arrow")]
        detect::Format::ArrowStream => super::arrow::read(bytes, false, options),
        #[cfg(not(all(feature = "xlsx", feature = "arrow")))]
        other => Err(Error::new(
            ErrorKind::FormatUnavailable,
            format!("this build reads delimited text only, not {other:?} (the full build reads workbooks and Arrow)"),
            format!("此版本只读取分隔文本，不支持 {other:?}（完整版本支持工作簿和 Arrow）"),
        )),
        #[cfg(all(feature = "xlsx", feature = "arrow"))]
        detect::Format::Text => Err(detect::binary("binary data", "二进制数据")),
    }
}

/// Delimited text: decoding, the head kept for sniffing, the tokenizer and the row reader.
struct TextIngest {
    decoding: Decoding,
    /// Decoded text kept until the delimiter is known.
    head: Option<Vec<u8>>,
    tokenizer: Option<Tokenizer>,
    driver: Driver,
    delimiter_option: Option<String>,
    /// Whether any text other than whitespace was seen (else the file is empty).
    seen_text: bool,
    size_estimate: u64,
}

impl TextIngest {
    fn new(options: &Options, decoding: Decoding, size_estimate: u64) -> TextIngest {
        TextIngest {
            decoding,
            head: Some(Vec::new()),
            tokenizer: None,
            driver: Driver::new(options.clone(), 0),
            delimiter_option: options.delimiter.clone(),
            seen_text: false,
            size_estimate,
        }
    }

    fn push(&mut self, chunk: &[u8], last: bool) -> Result<()> {
        let TextIngest {
            decoding,
            head,
            tokenizer,
            driver,
            delimiter_option,
            seen_text,
            size_estimate,
        } = self;
        decoding.decode(chunk, last, &mut |text: &[u8]| {
            if !*seen_text && !text.iter().all(u8::is_ascii_whitespace) {
                *seen_text = true;
            }
            let mut text = text;
            if let Some(h) = head {
                // Only the first HEAD bytes of text are kept, for sniffing.
                let take = text.len().min(HEAD.saturating_sub(h.len()));
                h.extend_from_slice(&text[..take]);
                text = &text[take..];
                if h.len() < HEAD {
                    return Ok(());
                }
                let h = head.take().unwrap_or_default();
                *tokenizer = Some(Tokenizer::for_head(
                    &h,
                    delimiter_option.as_deref(),
                    driver,
                    *size_estimate,
                )?);
                feed(tokenizer, driver, &h)?;
            }
            feed(tokenizer, driver, text)
        })
    }

    fn finish(mut self: Box<Self>) -> Result<(Lines, IngestInfo)> {
        self.push(&[], true)?;
        let TextIngest {
            decoding,
            head,
            mut tokenizer,
            mut driver,
            delimiter_option,
            seen_text,
            size_estimate,
        } = *self;
        if !seen_text {
            return Err(super::empty_file());
        }
        if let Some(h) = head {
            tokenizer = Some(Tokenizer::for_head(
                &h,
                delimiter_option.as_deref(),
                &mut driver,
                size_estimate,
            )?);
            feed(&mut tokenizer, &mut driver, &h)?;
        }
        let Some(tokenizer) = tokenizer else {
            return Err(super::empty_file());
        };
        let delimiter = tokenizer.delimiter();
        let mut warnings = Vec::new();
        tokenizer.finish(&mut driver, &mut warnings)?;
        let mut info = IngestInfo {
            format: "csv",
            encoding: decoding.name().to_string(),
            delimiter: delimiter.name(),
            ..IngestInfo::default()
        };
        info.warnings.extend(warnings);
        driver.finish(info)
    }
}

fn feed(tokenizer: &mut Option<Tokenizer>, driver: &mut Driver, text: &[u8]) -> Result<()> {
    match tokenizer {
        Some(t) => t.feed(text, driver),
        None => Ok(()),
    }
}
