//! The native CLI: prints the Report of an orders file as JSON.
//!
//! ```sh
//! cargo run --release --example analyze -- INPUT [--options FILE.json] [--pretty]
//! ```
//! On failure it prints `error[CODE]: message` on stderr and exits with status 2.

use std::process::ExitCode;

use cohortlens::{analyze, Error, ErrorKind, Options};

fn main() -> ExitCode {
    match run() {
        Ok(json) => {
            println!("{json}");
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("error[{}]: {e}", e.code());
            ExitCode::from(2)
        }
    }
}

fn usage() -> Error {
    Error::new(
        ErrorKind::BadOptions,
        "usage: analyze INPUT [--options FILE.json] [--pretty]",
        "用法：analyze 输入文件 [--options 选项.json] [--pretty]",
    )
}

fn run() -> Result<String, Error> {
    let mut input = None;
    let mut options_path = None;
    let mut pretty = false;
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--options" => options_path = Some(args.next().ok_or_else(usage)?),
            "--pretty" => pretty = true,
            _ if input.is_none() && !arg.starts_with("--") => input = Some(arg),
            _ => return Err(usage()),
        }
    }
    let input = input.ok_or_else(usage)?;
    let read = |path: &str| {
        std::fs::read(path).map_err(|e| {
            Error::new(
                ErrorKind::EmptyFile,
                format!("cannot read {path}: {e}"),
                format!("无法读取 {path}：{e}"),
            )
        })
    };
    let options = match options_path {
        Some(p) => Options::from_json(&String::from_utf8_lossy(&read(&p)?))?,
        None => Options::default(),
    };
    let report = analyze(&read(&input)?, &options)?;
    let json = if pretty {
        serde_json::to_string_pretty(&report)
    } else {
        serde_json::to_string(&report)
    };
    json.map_err(|e| Error::new(ErrorKind::BadOptions, e.to_string(), e.to_string()))
}
