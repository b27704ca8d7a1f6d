//! The native CLI: prints the Report of an orders file as JSON.
//!
//! ```sh
//! cargo run --release --example analyze -- INPUT [--options FILE.json] [--pretty] [--timings]
//! ```
//! `--timings` also prints the seconds of each phase as JSON on stderr.
//! On failure it prints `error[CODE]: message` on stderr and exits with status 2: CODE is the
//! engine's error code, `Usage` for bad arguments or `Io` when a file cannot be read or the
//! Report cannot be written.

use std::io::Write;
use std::process::ExitCode;

use cohortlens::{Analysis, Error, Options};

/// Why the CLI failed.
enum Failure {
    Usage,
    Io(String),
    Engine(Error),
}

impl From<Error> for Failure {
    fn from(e: Error) -> Self {
        Failure::Engine(e)
    }
}

fn main() -> ExitCode {
    match run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(failure) => {
            match failure {
                Failure::Usage => {
                    eprintln!("error[Usage]: usage: analyze INPUT [--options FILE.json] [--pretty] [--timings]")
                }
                Failure::Io(message) => eprintln!("error[Io]: {message}"),
                Failure::Engine(e) => eprintln!("error[{}]: {e}", e.code()),
            }
            ExitCode::from(2)
        }
    }
}

fn run() -> Result<(), Failure> {
    let mut input = None;
    let mut options_path = None;
    let mut pretty = false;
    let mut timings = false;
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--options" => options_path = Some(args.next().ok_or(Failure::Usage)?),
            "--pretty" => pretty = true,
            "--timings" => timings = true,
            _ if input.is_none() && !arg.starts_with("--") => input = Some(arg),
            _ => return Err(Failure::Usage),
        }
    }
    let input = input.ok_or(Failure::Usage)?;
    let read = |path: &str| {
        std::fs::read(path).map_err(|e| Failure::Io(format!("cannot read {path}: {e}")))
    };
    let options = match options_path {
        Some(p) => Options::from_json(&String::from_utf8_lossy(&read(&p)?))?,
        None => Options::default(),
    };
    let analysis = Analysis::run(&read(&input)?, &options)?;
    if timings {
        eprintln!(
            "{}",
            serde_json::to_string(&analysis.timings).unwrap_or_default()
        );
    }
    let report = &analysis.report;
    // Streamed to stdout: a Report with a large per-customer CLV list is never held as text.
    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
    let written = if pretty {
        serde_json::to_writer_pretty(&mut out, report)
    } else {
        serde_json::to_writer(&mut out, report)
    };
    written
        .map_err(std::io::Error::from)
        .and_then(|()| writeln!(out))
        .and_then(|()| out.flush())
        .map_err(|e| Failure::Io(format!("cannot write the Report: {e}")))
}
