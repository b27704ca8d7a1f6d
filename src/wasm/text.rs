//! Text that is not UTF-8 (GB18030, GBK, UTF-16, Big5, Shift_JIS, windows-1252…) decoded by the
//! host's `TextDecoder`: the WHATWG Encoding Standard that encoding_rs implements too, so the
//! lean wasm module goes without encoding_rs's decoders and their ~150 KB of tables. Only in a
//! wasm build without the `encoding-tables` feature; every other build uses encoding_rs
//! (`crate::ingest::decode`).

use encoding_rs::{Encoding, GBK};
use js_sys::{Object, Reflect};
use wasm_bindgen::prelude::*;

use crate::error::{Error, ErrorKind, Result};

#[wasm_bindgen]
extern "C" {
    type TextDecoder;

    #[wasm_bindgen(constructor, catch)]
    fn new(label: &str, options: &Object) -> std::result::Result<TextDecoder, JsValue>;

    /// Throws a `TypeError` at bytes that are not text in the encoding (`fatal: true`).
    #[wasm_bindgen(method, catch)]
    fn decode(
        this: &TextDecoder,
        input: &[u8],
        options: &Object,
    ) -> std::result::Result<String, JsValue>;
}

/// The byte order marks that name an encoding, whatever encoding was named or found (as
/// encoding_rs's `Encoding::new_decoder` sniffs them).
const BOMS: [(&[u8], &str); 3] = [
    (b"\xEF\xBB\xBF", "utf-8"),
    (b"\xFF\xFE", "utf-16le"),
    (b"\xFE\xFF", "utf-16be"),
];

/// The decoder of one input in an encoding other than UTF-8.
pub(crate) struct Legacy {
    encoding: &'static Encoding,
    /// Made once the input's first bytes tell whether a BOM names another encoding.
    decoder: Option<TextDecoder>,
    /// The first bytes, while they may still be the start of a BOM.
    head: Vec<u8>,
}

/// `{ [key]: true }`
fn flag(key: &str) -> Object {
    let o = Object::new();
    // Setting a property on a fresh plain object cannot fail.
    let _ = Reflect::set(&o, &JsValue::from_str(key), &JsValue::TRUE);
    o
}

impl Legacy {
    pub(crate) fn new(encoding: &'static Encoding) -> Legacy {
        Legacy {
            encoding,
            decoder: None,
            head: Vec::new(),
        }
    }

    /// Decodes `chunk` (the end of the input when `last`) and hands the text to `each`; false
    /// at the first byte sequence that is not text in the encoding.
    pub(crate) fn decode(
        &mut self,
        chunk: &[u8],
        last: bool,
        each: &mut dyn FnMut(&[u8]) -> Result<()>,
    ) -> Result<bool> {
        let held;
        let mut input = chunk;
        if self.decoder.is_none() {
            self.head.extend_from_slice(chunk);
            let partial_bom = BOMS
                .iter()
                .any(|(bom, _)| bom.len() > self.head.len() && bom.starts_with(&self.head));
            if partial_bom && !last {
                return Ok(true);
            }
            held = std::mem::take(&mut self.head);
            input = &held;
            // WHATWG's GBK decoder is its gb18030 decoder; Node's ICU "gbk" would refuse the
            // four-byte sequences it reads.
            let mut label = if self.encoding == GBK {
                "gb18030"
            } else {
                self.encoding.name()
            };
            if let Some((bom, named)) = BOMS.iter().find(|(bom, _)| input.starts_with(bom)) {
                input = &input[bom.len()..];
                label = named;
            }
            let options = flag("fatal");
            // The BOM, if any, is gone: a U+FEFF after it is text.
            let _ = Reflect::set(&options, &JsValue::from_str("ignoreBOM"), &JsValue::TRUE);
            let decoder = TextDecoder::new(label, &options).map_err(|_| {
                Error::new(
                    ErrorKind::BadEncoding,
                    format!("this JavaScript environment cannot decode {label} text: save the file as UTF-8 and try again"),
                    format!("当前 JavaScript 环境无法解码 {label} 文本：请将文件另存为 UTF-8 后重试"),
                )
            })?;
            self.decoder = Some(decoder);
        }
        let Some(decoder) = &self.decoder else {
            return Ok(true);
        };
        let options = if last { Object::new() } else { flag("stream") };
        match decoder.decode(input, &options) {
            Ok(text) => {
                each(text.as_bytes())?;
                Ok(true)
            }
            Err(_) => Ok(false),
        }
    }
}
