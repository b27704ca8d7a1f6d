//! Deterministic generator of realistic synthetic e-commerce order exports, for benchmarks.
//!
//! ```text
//! cargo run --release --example gen_orders -- N [--seed S] [--out FILE] [--stats]
//! ```
//!
//! Writes a CSV with header `order_id,customer_id,order_date,amount,channel,category,region`
//! and exactly `N` data rows, sorted by `order_date` (ties in random order), to `FILE` (written
//! to `FILE.tmp` first, then renamed) or to stdout. `--stats` prints a summary to stderr.
//! A given `(N, seed)` always yields the same bytes for the `rand` version pinned in
//! `Cargo.lock` (`StdRng` seeded with `seed_from_u64`).
//!
//! The model mimics `shared/bench/gen_orders.py` (same layout and distributions, not the same
//! bytes; ~64 MB and ~30 % repeat buyers, ~1.9 % refund rows per 1 M rows):
//!
//! * window: 2023-01-01 00:00:00 ..= 2024-12-31 23:59:59, naive `YYYY-MM-DD HH:MM:SS`;
//! * first purchases: daily intensity growing x2 over the window, weekday pattern, holiday bump
//!   (Nov 20 – Dec 31), hourly time-of-day profile;
//! * repeat purchases, BG/NBD-like: rate λ ~ Gamma(0.55, 1/35)/day scaled by channel, dropout
//!   p ~ Beta(1.4, 1.3) shifted by channel; after every purchase the customer drops out with
//!   probability p, else buys again after an Exp(λ) gap; purchases past the window are censored;
//! * amounts: lognormal (customer log-mean ~ N(3.6, 0.45) + category shift + N(0, 0.55) noise),
//!   cents, ≥ 1.00;
//! * refunds (negative amounts): 1.75 % of purchases are refunded 0.5–30 days later (full 60 %,
//!   partial 40 %), same customer/channel/category; 0.4 % of customers have a "legacy" refund
//!   1–45 days before their first purchase; 0.1 % of customers are refund-only;
//! * channel (5 values, sticky: 75 % of repeat orders use the acquisition channel), category
//!   (12, favourite 55 %), region (30, Zipf-like, fixed per customer);
//! * `order_id` = 1000001.. in output order; `customer_id` = unique random 8-digit integer.
//!
//! Customers are simulated one after another (they are i.i.d., so this equals the reference's
//! random customer order) until the rows reach `N`; the last customer keeps its earliest rows.

use std::fs::File;
use std::io::{self, Write};
use std::process::ExitCode;
use std::time::Instant;

use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use rand_distr::weighted::WeightedAliasIndex;
use rand_distr::{Beta, Distribution, Exp1, Gamma, Geometric, StandardNormal};

/// Days in the window 2023-01-01 .. 2025-01-01 (exclusive).
const WINDOW_DAYS: i64 = 731;
const WINDOW_SECS: i64 = WINDOW_DAYS * 86_400;
/// 2023-01-01 as days since 1970-01-01.
const START_EPOCH_DAY: i64 = 19_358;

const CHANNELS: [&str; 5] = ["web", "mobile_app", "marketplace", "social", "pos"];
const CHANNEL_P: [f64; 5] = [0.42, 0.20, 0.18, 0.12, 0.08];
const CHANNEL_RATE: [f64; 5] = [1.0, 1.7, 0.55, 0.75, 1.2];
const CHANNEL_STAY: [f64; 5] = [0.0, 0.08, -0.10, -0.05, 0.05];

const CATEGORIES: [&str; 12] = [
    "apparel",
    "footwear",
    "accessories",
    "beauty",
    "home",
    "kitchen",
    "electronics",
    "toys",
    "sports",
    "books",
    "grocery",
    "pets",
];
const CATEGORY_P: [f64; 12] = [18., 9., 8., 10., 9., 7., 8., 6., 7., 5., 8., 5.];
const CATEGORY_LOGMEAN: [f64; 12] = [
    0.0, 0.25, -0.3, -0.2, 0.2, 0.1, 0.7, -0.1, 0.15, -0.5, -0.4, -0.1,
];

const REGIONS: [&str; 30] = [
    "US-CA", "US-TX", "US-FL", "US-NY", "US-PA", "US-IL", "US-OH", "US-GA", "US-NC", "US-MI",
    "US-NJ", "US-VA", "US-WA", "US-AZ", "US-MA", "US-TN", "US-IN", "US-MD", "US-MO", "US-WI",
    "US-CO", "US-MN", "US-SC", "US-AL", "US-LA", "US-KY", "US-OR", "US-OK", "US-CT", "US-UT",
];

const HOUR_P: [f64; 24] = [
    1.0, 0.6, 0.4, 0.3, 0.3, 0.4, 0.8, 1.5, 2.2, 2.8, 3.2, 3.6, 4.0, 3.9, 3.6, 3.5, 3.6, 3.9, 4.4,
    5.0, 5.4, 5.0, 3.6, 2.0,
];

/// BG/NBD-like parameters (tuned in the reference for ~30 % repurchasers over 24 months).
const R_SHAPE: f64 = 0.55;
const ALPHA: f64 = 35.0;
const A_BETA: f64 = 1.4;
const B_BETA: f64 = 1.3;
const MAX_REPEATS: u64 = 400;

const REFUND_RATE: f64 = 0.0175; // per purchase
const LEGACY_REFUND_RATE: f64 = 0.004; // per customer
const REFUND_ONLY_RATE: f64 = 0.001; // per (normal) customer

/// Customer ids are 8-digit: 10_000_000 ..= 99_999_999.
const ID_SPACE: u32 = 90_000_000;
/// Stop before rejection sampling of ids gets slow (~140 M rows).
const MAX_CUSTOMERS: u32 = ID_SPACE / 10 * 8;

const USAGE: &str = concat!(
    "usage: gen_orders N [--seed S] [--out FILE] [--stats]\n",
    "  N        number of data rows (exact)\n",
    "  --seed   RNG seed (default 42)\n",
    "  --out    output file (default: stdout); written to FILE.tmp, then renamed\n",
    "  --stats  print summary statistics to stderr",
);

/// One output row. `key` = seconds since 2023-01-01 in the high 32 bits, a random tiebreak
/// in the low 32, so sorting by `key` sorts by time with random tie order.
#[derive(Clone, Copy)]
struct Row {
    key: u64,
    customer_id: u32,
    cents: i32,
    channel: u8,
    category: u8,
    region: u8,
}

impl Row {
    fn secs(&self) -> i64 {
        (self.key >> 32) as i64
    }
}

struct Model {
    channel: WeightedAliasIndex<f64>,
    category: WeightedAliasIndex<f64>,
    region: WeightedAliasIndex<f64>,
    hour: WeightedAliasIndex<f64>,
    day: WeightedAliasIndex<f64>,
    rate: Gamma<f64>,
    dropout: Beta<f64>,
}

fn alias(weights: &[f64]) -> WeightedAliasIndex<f64> {
    WeightedAliasIndex::new(weights.to_vec()).expect("valid weights")
}

impl Model {
    fn new() -> Self {
        let region_p: Vec<f64> = (1..=30).map(|i| 1.0 / f64::from(i).powf(0.8)).collect();
        Model {
            channel: alias(&CHANNEL_P),
            category: alias(&CATEGORY_P),
            region: alias(&region_p),
            hour: alias(&HOUR_P),
            day: alias(&daily_weights()),
            rate: Gamma::new(R_SHAPE, 1.0 / ALPHA).expect("valid gamma"),
            dropout: Beta::new(A_BETA, B_BETA).expect("valid beta"),
        }
    }

    fn time_of_day(&self, rng: &mut StdRng) -> i64 {
        self.hour.sample(rng) as i64 * 3600 + rng.random_range(0..3600)
    }

    /// Appends all rows of one ordinary customer (≥ 1 purchase).
    fn customer(&self, rng: &mut StdRng, id: u32, rows: &mut Vec<Row>) {
        let ch = self.channel.sample(rng);
        let region = self.region.sample(rng) as u8;
        let fav = self.category.sample(rng);
        let lam = self.rate.sample(rng) * CHANNEL_RATE[ch];
        let p = (self.dropout.sample(rng) - CHANNEL_STAY[ch]).clamp(0.02, 1.0);
        let mu = 3.6 + 0.45 * rng.sample::<f64, _>(StandardNormal);
        let first_t = self.day.sample(rng) as i64 * 86_400 + self.time_of_day(rng);
        let repeats = Geometric::new(p)
            .expect("p in [0.02, 1]")
            .sample(rng)
            .min(MAX_REPEATS);

        let mut purchase = |rng: &mut StdRng, t: i64, first: bool| {
            let channel = if first || rng.random::<f64>() < 0.75 {
                ch
            } else {
                self.channel.sample(rng)
            };
            let category = if rng.random::<f64>() < 0.55 {
                fav
            } else {
                self.category.sample(rng)
            };
            let noise: f64 = rng.sample(StandardNormal);
            let cents = cents_of((mu + CATEGORY_LOGMEAN[category] + 0.55 * noise).exp(), 100);
            rows.push(row(rng, t, id, cents, channel, category, region));
            if rng.random::<f64>() < REFUND_RATE {
                let r_t = t + (rng.random_range(0.5..30.0) * 86_400.0) as i64;
                let r_cents = if rng.random::<f64>() < 0.6 {
                    cents
                } else {
                    cents_of(f64::from(cents) / 100.0 * rng.random_range(0.1..0.9), 1)
                };
                if r_t < WINDOW_SECS {
                    rows.push(row(rng, r_t, id, -r_cents, channel, category, region));
                }
            }
        };

        purchase(rng, first_t, true);
        let first_day = first_t as f64 / 86_400.0;
        let mut within = 0.0;
        for _ in 0..repeats {
            within += rng.sample::<f64, _>(Exp1) / lam;
            let day = (first_day + within).floor();
            // NaN when λ underflows to 0 (0/0 gap): no more purchases either.
            if day.is_nan() || day >= WINDOW_DAYS as f64 {
                break;
            }
            let t = (day as i64 * 86_400 + self.time_of_day(rng))
                .max(first_t + 60)
                .min(WINDOW_SECS - 1);
            purchase(rng, t, false);
        }

        if rng.random::<f64>() < LEGACY_REFUND_RATE {
            let t = first_t - (rng.random_range(1.0..45.0) * 86_400.0) as i64;
            if t >= 0 {
                let noise: f64 = rng.sample(StandardNormal);
                let cents = cents_of((mu + 0.55 * noise).exp(), 100);
                rows.push(row(rng, t, id, -cents, ch, fav, region));
            }
        }
    }

    /// Appends the single row of a refund-only customer (early in the window).
    fn refund_only(&self, rng: &mut StdRng, id: u32, rows: &mut Vec<Row>) {
        let t = (rng.random_range(0.0..90.0) * 86_400.0) as i64;
        let channel = self.channel.sample(rng);
        let category = self.category.sample(rng);
        let region = self.region.sample(rng) as u8;
        let noise: f64 = rng.sample(StandardNormal);
        let cents = cents_of((3.6 + 0.5 * noise).exp(), 100);
        rows.push(row(rng, t, id, -cents, channel, category, region));
    }
}

fn row(
    rng: &mut StdRng,
    t: i64,
    customer_id: u32,
    cents: i32,
    channel: usize,
    category: usize,
    region: u8,
) -> Row {
    debug_assert!((0..WINDOW_SECS).contains(&t));
    Row {
        key: ((t as u64) << 32) | u64::from(rng.random::<u32>()),
        customer_id,
        cents,
        channel: channel as u8,
        category: category as u8,
        region,
    }
}

/// Dollars → cents, rounded, at least `min`.
fn cents_of(dollars: f64, min: i32) -> i32 {
    ((dollars * 100.0).round().min(1e9) as i32).max(min)
}

/// Proleptic Gregorian (year, month, day) of a count of days since 1970-01-01.
fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let y = yoe + era * 400 + i64::from(m <= 2);
    (y, m, d)
}

/// Acquisition intensity per day of the window: growth x2, weekday pattern, holiday bump.
fn daily_weights() -> Vec<f64> {
    const DOW: [f64; 7] = [1.0, 0.95, 0.95, 1.0, 1.05, 1.15, 1.1]; // Monday first
    (0..WINDOW_DAYS)
        .map(|d| {
            let epoch_day = START_EPOCH_DAY + d;
            let (_, month, dom) = civil_from_days(epoch_day);
            let mut w = 1.0 + d as f64 / (WINDOW_DAYS - 1) as f64;
            w *= DOW[(epoch_day + 3).rem_euclid(7) as usize];
            if (month == 11 && dom >= 20) || month == 12 {
                w *= 1.6;
            }
            w
        })
        .collect()
}

/// Unique random 8-digit customer ids (rejection sampling against a bitset of used ids).
struct IdPool {
    used: Vec<u64>,
    count: u32,
}

impl IdPool {
    fn new() -> Self {
        IdPool {
            used: vec![0; ID_SPACE.div_ceil(64) as usize],
            count: 0,
        }
    }

    fn draw(&mut self, rng: &mut StdRng) -> Option<u32> {
        if self.count >= MAX_CUSTOMERS {
            return None;
        }
        loop {
            let i = rng.random_range(0..ID_SPACE);
            let (word, bit) = ((i / 64) as usize, 1u64 << (i % 64));
            if self.used[word] & bit == 0 {
                self.used[word] |= bit;
                self.count += 1;
                return Some(10_000_000 + i);
            }
        }
    }
}

#[derive(Default)]
struct Stats {
    customers: u64,
    buyers: u64,
    repurchasers: u64,
    orders: u64,
    max_orders: u64,
}

/// Exactly `n` rows, sorted by time.
fn generate(n: usize, seed: u64, stats: &mut Stats) -> Result<Vec<Row>, String> {
    let mut rng = StdRng::seed_from_u64(seed);
    let model = Model::new();
    let mut ids = IdPool::new();
    let mut rows: Vec<Row> = Vec::with_capacity(n + 512);
    // Refund-only customers are REFUND_ONLY_RATE per ordinary customer in the reference.
    let refund_only_share = REFUND_ONLY_RATE / (1.0 + REFUND_ONLY_RATE);
    while rows.len() < n {
        let start = rows.len();
        let id = ids.draw(&mut rng).ok_or_else(|| {
            format!("N = {n} is too large: the 8-digit customer id space is exhausted")
        })?;
        if rng.random::<f64>() < refund_only_share {
            model.refund_only(&mut rng, id, &mut rows);
        } else {
            model.customer(&mut rng, id, &mut rows);
        }
        if rows.len() > n {
            // The last customer keeps only its earliest rows.
            rows[start..].sort_unstable_by_key(|r| r.key);
            rows.truncate(n);
        }
        let orders = rows[start..].iter().filter(|r| r.cents > 0).count() as u64;
        stats.customers += 1;
        stats.buyers += u64::from(orders > 0);
        stats.repurchasers += u64::from(orders > 1);
        stats.orders += orders;
        stats.max_orders = stats.max_orders.max(orders);
    }
    rows.sort_unstable_by_key(|r| r.key);
    Ok(rows)
}

/// Appends the decimal digits of `v`.
fn push_u64(buf: &mut Vec<u8>, mut v: u64) {
    let mut tmp = [0u8; 20];
    let mut i = tmp.len();
    loop {
        i -= 1;
        tmp[i] = b'0' + (v % 10) as u8;
        v /= 10;
        if v == 0 {
            break;
        }
    }
    buf.extend_from_slice(&tmp[i..]);
}

fn push_2(buf: &mut Vec<u8>, v: u32) {
    buf.push(b'0' + (v / 10) as u8);
    buf.push(b'0' + (v % 10) as u8);
}

/// Writes header and rows as CSV; returns the number of bytes written.
fn write_csv<W: Write>(out: &mut W, rows: &[Row]) -> io::Result<u64> {
    const CHUNK: usize = 1 << 20;
    let mut buf: Vec<u8> = Vec::with_capacity(CHUNK + 256);
    let mut written = 0u64;
    buf.extend_from_slice(b"order_id,customer_id,order_date,amount,channel,category,region\n");
    let mut cached_day = i64::MIN;
    let mut date = [0u8; 11]; // "YYYY-MM-DD "
    for (i, r) in rows.iter().enumerate() {
        let t = r.secs();
        let day = t / 86_400;
        if day != cached_day {
            cached_day = day;
            let (y, m, d) = civil_from_days(START_EPOCH_DAY + day);
            let mut s = Vec::with_capacity(11);
            push_u64(&mut s, y as u64);
            s.push(b'-');
            push_2(&mut s, m);
            s.push(b'-');
            push_2(&mut s, d);
            s.push(b' ');
            date.copy_from_slice(&s);
        }
        push_u64(&mut buf, 1_000_001 + i as u64);
        buf.push(b',');
        push_u64(&mut buf, u64::from(r.customer_id));
        buf.push(b',');
        buf.extend_from_slice(&date);
        let sod = (t % 86_400) as u32;
        push_2(&mut buf, sod / 3600);
        buf.push(b':');
        push_2(&mut buf, sod / 60 % 60);
        buf.push(b':');
        push_2(&mut buf, sod % 60);
        buf.push(b',');
        if r.cents < 0 {
            buf.push(b'-');
        }
        let c = r.cents.unsigned_abs();
        push_u64(&mut buf, u64::from(c / 100));
        buf.push(b'.');
        push_2(&mut buf, c % 100);
        buf.push(b',');
        buf.extend_from_slice(CHANNELS[r.channel as usize].as_bytes());
        buf.push(b',');
        buf.extend_from_slice(CATEGORIES[r.category as usize].as_bytes());
        buf.push(b',');
        buf.extend_from_slice(REGIONS[r.region as usize].as_bytes());
        buf.push(b'\n');
        if buf.len() >= CHUNK {
            out.write_all(&buf)?;
            written += buf.len() as u64;
            buf.clear();
        }
    }
    out.write_all(&buf)?;
    written += buf.len() as u64;
    out.flush()?;
    Ok(written)
}

struct Args {
    n: usize,
    seed: u64,
    out: Option<String>,
    stats: bool,
}

fn parse_args() -> Result<Args, String> {
    let mut n = None;
    let mut seed = 42u64;
    let mut out = None;
    let mut stats = false;
    let mut it = std::env::args().skip(1);
    while let Some(a) = it.next() {
        let (flag, inline) = match a.split_once('=') {
            Some((f, v)) if a.starts_with("--") => (f.to_string(), Some(v.to_string())),
            _ => (a.clone(), None),
        };
        let mut value = |name: &str| {
            inline
                .clone()
                .or_else(|| it.next())
                .ok_or_else(|| format!("{name} needs a value"))
        };
        match flag.as_str() {
            "-h" | "--help" => return Err(String::new()),
            "--seed" => {
                let v = value("--seed")?;
                seed = v.parse().map_err(|_| format!("bad --seed: {v:?}"))?;
            }
            "--out" => out = Some(value("--out")?),
            "--stats" => stats = true,
            s if s.starts_with('-') => return Err(format!("unknown option {s:?}")),
            s if n.is_none() => {
                let digits = s.replace('_', "");
                n = Some(digits.parse().map_err(|_| format!("bad N: {s:?}"))?);
            }
            s => return Err(format!("unexpected argument {s:?}")),
        }
    }
    let n = n.ok_or("missing N")?;
    Ok(Args {
        n,
        seed,
        out,
        stats,
    })
}

fn main() -> ExitCode {
    let args = match parse_args() {
        Ok(a) => a,
        Err(e) => {
            if e.is_empty() {
                println!("{USAGE}");
                return ExitCode::SUCCESS;
            }
            eprintln!("gen_orders: {e}\n{USAGE}");
            return ExitCode::from(2);
        }
    };
    let t0 = Instant::now();
    let mut stats = Stats::default();
    let rows = match generate(args.n, args.seed, &mut stats) {
        Ok(r) => r,
        Err(e) => {
            eprintln!("gen_orders: {e}");
            return ExitCode::FAILURE;
        }
    };
    let t1 = Instant::now();
    let (dest, result) = match &args.out {
        Some(path) => {
            let tmp = format!("{path}.tmp");
            let res = File::create(&tmp)
                .and_then(|mut f| write_csv(&mut f, &rows))
                .and_then(|bytes| std::fs::rename(&tmp, path).map(|_| bytes));
            if res.is_err() {
                let _ = std::fs::remove_file(&tmp);
            }
            (path.as_str(), res)
        }
        None => ("stdout", write_csv(&mut io::stdout().lock(), &rows)),
    };
    let bytes = match result {
        Ok(b) => b,
        // e.g. `gen_orders 1000 | head`: the reader left, which is not an error.
        Err(e) if e.kind() == io::ErrorKind::BrokenPipe => return ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("gen_orders: writing {dest}: {e}");
            return ExitCode::FAILURE;
        }
    };
    let t2 = Instant::now();
    eprintln!(
        "gen_orders: wrote {dest}: {} rows, {bytes} bytes ({:.1} MB); seed {}; gen {:.2}s write {:.2}s",
        args.n,
        bytes as f64 / 1e6,
        args.seed,
        (t1 - t0).as_secs_f64(),
        (t2 - t1).as_secs_f64()
    );
    if args.stats {
        let refunds = rows.iter().filter(|r| r.cents < 0).count();
        let mut amounts: Vec<i32> = rows.iter().map(|r| r.cents).filter(|&c| c > 0).collect();
        let median = if amounts.is_empty() {
            0.0
        } else {
            let mid = amounts.len() / 2;
            f64::from(*amounts.select_nth_unstable(mid).1) / 100.0
        };
        let share = |a: u64, b: u64| if b == 0 { 0.0 } else { a as f64 / b as f64 };
        eprintln!(
            "customers={} buyers={} repurchasers={:.3} mean_orders={:.2} max_orders={} \
             refunds={:.4} median_amount={median:.2}",
            stats.customers,
            stats.buyers,
            share(stats.repurchasers, stats.buyers),
            share(stats.orders, stats.buyers),
            stats.max_orders,
            share(refunds as u64, rows.len() as u64),
        );
    }
    ExitCode::SUCCESS
}
