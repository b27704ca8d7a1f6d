//! The native CLI: prints the Report of an orders file as JSON.
//!
//! ```sh
//! cargo run --release --example analyze -- INPUT [--options FILE.json] [--pretty] [--timings]
//!     [--customers FILE.csv|FILE.xlsx|FILE.arrow [--select JSON]] [--orders-out FILE.csv|FILE.arrow]
//! analyze --sql spark|duckdb [--options FILE.json] [--source FILE.json] [--clv-rows N]
//! analyze --from-summary FILE.csv|DIR [--options FILE.json] [--pretty]
//! ```
//! The file is read in 1 MB chunks, each parsed as it comes (the file is never held whole).
//! `--timings` also prints the seconds of each phase as JSON on stderr. `--customers` writes
//! the per-customer table (every buyer, with RFM and CLV columns) as CSV, xlsx or Arrow IPC, by
//! the file's extension: the Report lists only the most valuable customers (`clvCustomerLimit`).
//! `--select` limits it to the customers behind one figure (docs/filters.md §F3), for example
//! `'{"segment": "atRisk", "locale": "zh"}'`.
//! The warehouse path (README "Your warehouse"): `--orders-out FILE.csv` also writes the cleaned,
//! typed orders as CSV, or as an Arrow IPC file for `FILE.arrow` (a table the warehouse SQL
//! reads) and, beside it, `FILE.source.json`
//! saying which of its columns hold data; `--sql` prints the summary query for the options,
//! over the table `--source` describes (default: an `--orders-out` table named `orders`, with
//! an amount and products only where the options map them; `--clv-rows`: the most rows of each
//! CLV part before it is binned, default 50000); `--from-summary` prints the
//! Report of that query's result (a CSV file, or a folder of CSV parts as Spark writes them).
//! On failure it prints `error[CODE]: message` on stderr and exits with status 2: CODE is the
//! engine's error code, `Usage` for bad arguments or `Io` when a file cannot be read or the
//! Report cannot be written.

use std::io::{Read, Write};
use std::process::ExitCode;

use cohortlens::analysis::Analyzer;
use cohortlens::export::Format;
use cohortlens::selection::Selection;
use cohortlens::warehouse::{self, Dialect, Source};
use cohortlens::{Error, ErrorKind, Options, Report};

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
                    eprintln!("error[Usage]: usage: analyze INPUT [--options FILE.json] [--pretty] [--timings] [--customers FILE.csv|FILE.xlsx|FILE.arrow [--select JSON]] [--orders-out FILE.csv|FILE.arrow] | analyze --sql spark|duckdb [--options FILE.json] [--source FILE.json] [--clv-rows N] | analyze --from-summary FILE.csv|DIR [--options FILE.json] [--pretty]")
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
    let mut customers = None;
    let mut select = None;
    let mut orders_out = None;
    let mut sql = None;
    let mut source_path = None;
    let mut from_summary = None;
    let mut clv_rows = warehouse::sql::CLV_ROWS;
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--options" => options_path = Some(args.next().ok_or(Failure::Usage)?),
            "--pretty" => pretty = true,
            "--timings" => timings = true,
            "--customers" => customers = Some(args.next().ok_or(Failure::Usage)?),
            "--select" => select = Some(args.next().ok_or(Failure::Usage)?),
            "--orders-out" => orders_out = Some(args.next().ok_or(Failure::Usage)?),
            "--sql" => sql = Some(args.next().ok_or(Failure::Usage)?),
            "--source" => source_path = Some(args.next().ok_or(Failure::Usage)?),
            "--clv-rows" => {
                clv_rows = args
                    .next()
                    .and_then(|n| n.parse().ok())
                    .ok_or(Failure::Usage)?
            }
            "--from-summary" => from_summary = Some(args.next().ok_or(Failure::Usage)?),
            _ if input.is_none() && !arg.starts_with("--") => input = Some(arg),
            _ => return Err(Failure::Usage),
        }
    }
    let read = |path: &str| {
        std::fs::read(path).map_err(|e| Failure::Io(format!("cannot read {path}: {e}")))
    };
    let options = match options_path {
        Some(p) => Options::from_json(&String::from_utf8_lossy(&read(&p)?))?,
        None => Options::default(),
    };
    if let Some(dialect) = sql {
        let source = match source_path {
            Some(p) => serde_json::from_slice(&read(&p)?).map_err(|e| {
                Failure::Engine(Error::new(
                    ErrorKind::BadOptions,
                    format!("invalid --source: {e}"),
                    format!("--source 无效：{e}"),
                ))
            })?,
            None => orders_out_source(&options),
        };
        let text =
            warehouse::sql::generate(&options, Dialect::parse(&dialect)?, &source, clv_rows)?;
        print!("{text}");
        return Ok(());
    }
    if let Some(path) = from_summary {
        let report = warehouse::analyze_summary(&summary_bytes(&path)?, &options)?;
        return print_report(&report, pretty);
    }
    let input = input.ok_or(Failure::Usage)?;
    // Decide the export's format before the work, so that a bad name fails at once.
    let customers = customers
        .map(|path| {
            let format = match path.rsplit('.').next() {
                Some("csv") => Format::Csv,
                Some("xlsx") => Format::Xlsx,
                Some("arrow" | "arrows") => Format::Arrow,
                _ => return Err(Failure::Usage),
            };
            Ok((path, format))
        })
        .transpose()?;
    if select.is_some() && customers.is_none() {
        return Err(Failure::Usage);
    }
    let selection: Selection = match &select {
        Some(json) => serde_json::from_str(json).map_err(|e| {
            Failure::Engine(Error::new(
                ErrorKind::BadOptions,
                format!("invalid --select: {e}"),
                format!("--select 无效：{e}"),
            ))
        })?,
        None => Selection::default(),
    };
    let analysis = {
        let io = |e: std::io::Error| Failure::Io(format!("cannot read {input}: {e}"));
        let mut file = std::fs::File::open(&input).map_err(io)?;
        let size = file.metadata().map_err(io)?.len();
        let clock = cohortlens::analysis::native_clock;
        let started = clock();
        let mut analyzer = Analyzer::with_size_hint(&options, size)?;
        let mut chunk = vec![0u8; 1 << 20];
        loop {
            let n = file.read(&mut chunk).map_err(io)?;
            if n == 0 {
                break;
            }
            analyzer.push(&chunk[..n])?;
        }
        analyzer.finish(&clock, started)?
    };
    if timings {
        eprintln!(
            "{}",
            serde_json::to_string(&analysis.timings).unwrap_or_default()
        );
    }
    if let Some((path, format)) = customers {
        let bytes = analysis.export_selection(format, &selection)?;
        std::fs::write(&path, bytes)
            .map_err(|e| Failure::Io(format!("cannot write {path}: {e}")))?;
    }
    if let Some(path) = orders_out {
        let (bytes, stem) = match path.strip_suffix(".arrow") {
            Some(stem) => (warehouse::orders_arrow(&analysis)?, stem),
            None => (
                warehouse::orders_csv(&analysis),
                path.strip_suffix(".csv").unwrap_or(&path),
            ),
        };
        std::fs::write(&path, bytes)
            .map_err(|e| Failure::Io(format!("cannot write {path}: {e}")))?;
        // Which of its columns hold data (an amount, products) is known only here: the
        // `--source` for `--sql` over this table, beside it.
        let source_path = format!("{stem}.source.json");
        let source = warehouse::Source::of_orders(&analysis, "orders");
        let json = serde_json::to_string_pretty(&source).unwrap_or_default();
        std::fs::write(&source_path, json + "\n")
            .map_err(|e| Failure::Io(format!("cannot write {source_path}: {e}")))?;
    }
    print_report(&analysis.report, pretty)
}

/// The table `--orders-out` writes, named `orders`, as the options describe it (without the
/// file: which roles are mapped).
fn orders_out_source(options: &Options) -> Source {
    let mapped = |role: &str| {
        options
            .mapping
            .as_ref()
            .is_some_and(|m| m.contains_key(role))
    };
    Source {
        table: "orders".into(),
        customer: "cl_customer".into(),
        time: "cl_time".into(),
        amount: (mapped("amount") || mapped("quantity") && mapped("unitPrice"))
            .then(|| "cl_amount".into()),
        order: Some("cl_order".into()),
        status: Some("cl_status".into()),
        product: mapped("product").then(|| "cl_product".into()),
        seq: Some("cl_seq".into()),
        dimensions: Default::default(),
    }
}

/// A summary file, or a folder's `.csv` parts (Spark writes one per task) joined: each part's
/// header line after the first is dropped.
fn summary_bytes(path: &str) -> Result<Vec<u8>, Failure> {
    let io = |e: std::io::Error| Failure::Io(format!("cannot read {path}: {e}"));
    let meta = std::fs::metadata(path).map_err(io)?;
    if !meta.is_dir() {
        return std::fs::read(path).map_err(io);
    }
    let mut files: Vec<std::path::PathBuf> = std::fs::read_dir(path)
        .map_err(io)?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "csv"))
        .collect();
    files.sort();
    let mut out = Vec::new();
    for (i, file) in files.iter().enumerate() {
        let bytes = std::fs::read(file).map_err(io)?;
        let body = match bytes.iter().position(|&b| b == b'\n') {
            Some(end) if i > 0 => &bytes[end + 1..],
            _ => &bytes[..],
        };
        out.extend_from_slice(body);
        if !out.ends_with(b"\n") {
            out.push(b'\n');
        }
    }
    Ok(out)
}

fn print_report(report: &Report, pretty: bool) -> Result<(), Failure> {
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
