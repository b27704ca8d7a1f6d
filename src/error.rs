//! The one error type of the engine: a stable code, a message in English and Chinese, and the
//! position in the input when there is one.

use std::fmt;

/// What went wrong, as a stable code. The code's name (see [`ErrorKind::code`]) is part of the
/// public API: JS callers read it as `error.code`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum ErrorKind {
    /// The input holds no bytes, or only whitespace.
    EmptyFile,
    /// The input has a header line but no data rows.
    HeaderOnly,
    /// No column could be taken as the customer identifier.
    NoCustomerColumn,
    /// No column could be taken as the order time.
    NoTimeColumn,
    /// `options.mapping` names a column the file does not have.
    UnknownColumn,
    /// The bytes are not text in the encoding used.
    BadEncoding,
    /// `options.encoding` is not a known WHATWG encoding label.
    UnknownEncoding,
    /// The input is a binary file (image, archive, …), not an orders export.
    BinaryFile,
    /// The options object is malformed or holds a value out of range.
    BadOptions,
    /// Every data row was rejected; the samples say why.
    AllRowsRejected,
    /// The CSV text could not be tokenised.
    BadCsv,
    /// The input is a zip archive that claims to be an Excel workbook (`.xlsx`) but cannot be
    /// read as one (corrupt, truncated, encrypted).
    BadXlsx,
    /// The input starts like Arrow IPC (file or stream) but cannot be read as one.
    BadArrow,
    /// The input's format (xlsx, Arrow) or the export format is not in this build.
    FormatUnavailable,
    /// `options.sheet` names a sheet the workbook does not have.
    UnknownSheet,
    /// A quoted field opens and never closes, swallowing the rest of the file (when the
    /// swallowed text is too long to read again line by line).
    UnclosedQuote,
    /// The analysis needs more memory than the page can have (wasm).
    OutOfMemory,
    /// The time column writes dates without a year and nothing in the file says which year:
    /// `options.assumeYear` must.
    NoYear,
    /// A warehouse summary (README "Your warehouse") is not the result of the warehouse SQL.
    BadSummary,
}

impl ErrorKind {
    /// The stable code, e.g. `"EmptyFile"`.
    pub fn code(self) -> &'static str {
        match self {
            ErrorKind::EmptyFile => "EmptyFile",
            ErrorKind::HeaderOnly => "HeaderOnly",
            ErrorKind::NoCustomerColumn => "NoCustomerColumn",
            ErrorKind::NoTimeColumn => "NoTimeColumn",
            ErrorKind::UnknownColumn => "UnknownColumn",
            ErrorKind::BadEncoding => "BadEncoding",
            ErrorKind::UnknownEncoding => "UnknownEncoding",
            ErrorKind::BinaryFile => "BinaryFile",
            ErrorKind::BadOptions => "BadOptions",
            ErrorKind::AllRowsRejected => "AllRowsRejected",
            ErrorKind::BadCsv => "BadCsv",
            ErrorKind::BadXlsx => "BadXlsx",
            ErrorKind::BadArrow => "BadArrow",
            ErrorKind::FormatUnavailable => "FormatUnavailable",
            ErrorKind::UnknownSheet => "UnknownSheet",
            ErrorKind::UnclosedQuote => "UnclosedQuote",
            ErrorKind::OutOfMemory => "OutOfMemory",
            ErrorKind::NoYear => "NoYear",
            ErrorKind::BadSummary => "BadSummary",
        }
    }
}

/// Where in the input an error was found (1-based line; column name when known).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Position {
    /// 1-based physical line (the header is line 1).
    pub line: Option<u64>,
    /// The column's name as the file spells it.
    pub column: Option<String>,
}

/// An engine error: a kind, messages in English and Chinese, and a position.
#[derive(Debug, Clone, PartialEq)]
pub struct Error(Box<Inner>);

#[derive(Debug, Clone, PartialEq)]
struct Inner {
    kind: ErrorKind,
    en: String,
    zh: String,
    position: Position,
}

/// The language of a message.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Locale {
    /// English (the default).
    #[default]
    En,
    /// Simplified Chinese.
    Zh,
}

impl Error {
    /// A new error with its message in both languages.
    pub fn new(kind: ErrorKind, en: impl Into<String>, zh: impl Into<String>) -> Error {
        Error(Box::new(Inner {
            kind,
            en: en.into(),
            zh: zh.into(),
            position: Position::default(),
        }))
    }

    /// The same error, located at a line (and column, when known).
    pub fn at(mut self, line: Option<u64>, column: Option<&str>) -> Error {
        self.0.position = Position {
            line,
            column: column.map(str::to_owned),
        };
        self
    }

    /// What went wrong.
    pub fn kind(&self) -> ErrorKind {
        self.0.kind
    }

    /// The stable code of the kind.
    pub fn code(&self) -> &'static str {
        self.0.kind.code()
    }

    /// The message in the given language.
    pub fn message(&self, locale: Locale) -> &str {
        match locale {
            Locale::En => &self.0.en,
            Locale::Zh => &self.0.zh,
        }
    }

    /// Where in the input, when known.
    pub fn position(&self) -> &Position {
        &self.0.position
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0.en)?;
        if let Some(line) = self.0.position.line {
            write!(f, " (line {line})")?;
        }
        Ok(())
    }
}

impl std::error::Error for Error {}

/// Shorthand for results of this crate.
pub type Result<T> = std::result::Result<T, Error>;
