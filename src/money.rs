//! Money: integer millionths of the currency unit, parsed from what exports write (currency
//! signs and codes, thousands separators, decimal commas, parentheses for negatives; SPEC §11).

/// Money in millionths of the currency unit. Sums are taken in `i128`, so they are exact
/// (SPEC §11: never f64 sums).
pub type Micros = i64;

/// Millionths per unit.
pub const MICROS: i64 = 1_000_000;

/// Money from a typed number: micros, rounded to the nearest; `None` when not finite or too big.
pub fn money_from_f64(v: f64) -> Option<Micros> {
    let micros = (v * MICROS as f64).round();
    // 9.2e18 is the i64 limit; stay clear of it (and of the row reader's sentinels).
    (micros.is_finite() && micros.abs() < 9.0e18).then_some(micros as i64)
}

/// How a money value uses `.` and `,` (SPEC §11, decided once per column).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Separators {
    /// `.` is the decimal point, `,` groups thousands.
    DecimalDot,
    /// `,` is the decimal point, `.` groups thousands.
    DecimalComma,
}

/// A parsed money cell.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Money {
    /// The value, whatever the column's convention (`12`, `3.99`, `12,5`, `1,234.5`).
    Exact(Micros, Option<Separators>),
    /// `1,234` or `1.234`: the column's convention decides.
    Ambiguous,
}

/// Parses a cleaned, non-empty money cell: currency signs and codes, spaces, `+`/`-`,
/// parentheses for negatives, thousands separators and decimal commas.
pub fn parse_money(cell: &[u8], convention: Option<Separators>) -> Option<Money> {
    plain_decimal(cell).or_else(|| parse_money_general(cell, convention))
}

/// [`parse_money`] for every shape.
fn parse_money_general(cell: &[u8], convention: Option<Separators>) -> Option<Money> {
    let mut negative = false;
    let mut body: [u8; 48] = [0; 48];
    let mut len = 0;
    let mut rest = cell;
    if let [b'(', inner @ .., b')'] = rest {
        negative = true;
        rest = inner;
    }
    let mut signs = 0;
    let mut i = 0;
    while i < rest.len() {
        let c = rest[i];
        match c {
            b'0'..=b'9' | b'.' | b',' => {
                if len == body.len() {
                    return None;
                }
                body[len] = c;
                len += 1;
            }
            b'-' => {
                negative = !negative;
                signs += 1;
            }
            b'+' => signs += 1,
            b' ' | b'\t' | b'$' | b'\'' => {}
            _ if c.is_ascii_alphabetic() => {
                // Currency codes such as USD, CNY, RMB before or after the number.
                if !is_currency_code(rest, i) {
                    return None;
                }
            }
            _ if c >= 0x80 => {
                // ¥ ￥ € £ 元 and no-break spaces: skip the whole UTF-8 character when it is one.
                let n = utf8_len(c);
                let ch = rest.get(i..i + n)?;
                if !is_currency_sign(ch) {
                    return None;
                }
                i += n;
                continue;
            }
            _ => return None,
        }
        i += 1;
    }
    if signs > 1 || len == 0 {
        return None;
    }
    let body = body.get(..len)?;
    let kind = classify(body)?;
    let seps = match kind {
        Shape::Plain => None,
        Shape::Known(s) => Some(s),
        Shape::Ambiguous => match convention {
            Some(s) => Some(s),
            None => return Some(Money::Ambiguous),
        },
    };
    let (decimal, group) = match seps {
        Some(Separators::DecimalComma) => (b',', b'.'),
        _ => (b'.', b','),
    };
    let mut units: i128 = 0;
    let mut frac_digits = 0u32;
    let mut in_fraction = false;
    let mut round_up = false;
    for &c in body {
        if c == decimal {
            in_fraction = true;
        } else if c == group {
            continue;
        } else {
            let d = i128::from(c - b'0');
            if in_fraction {
                if frac_digits >= 6 {
                    // Beyond millionths: round half up on the first dropped digit.
                    round_up |= frac_digits == 6 && d >= 5;
                    frac_digits += 1;
                    continue;
                }
                frac_digits += 1;
            }
            units = units.checked_mul(10)?.checked_add(d)?;
            if units > i128::from(i64::MAX) {
                return None;
            }
        }
    }
    while frac_digits < 6 {
        units *= 10;
        frac_digits += 1;
    }
    // (frac_digits may exceed 6 above; only the first six were kept.)
    if round_up {
        units += 1;
    }
    let v = i64::try_from(units).ok()?;
    Some(Money::Exact(
        if negative { -v } else { v },
        seps.filter(|_| kind != Shape::Plain),
    ))
}

/// The common shape `-?D{1,12}(.D{1,2}|.D{4,6})?` read directly, as the general reader would
/// (a decimal dot with other than 3 digits after it is never a thousands group); `None` for
/// anything else.
#[inline]
fn plain_decimal(cell: &[u8]) -> Option<Money> {
    let (negative, digits) = match cell {
        [b'-', rest @ ..] => (true, rest),
        _ => (false, cell),
    };
    let int_len = digits
        .iter()
        .position(|c| !c.is_ascii_digit())
        .unwrap_or(digits.len());
    if int_len == 0 || int_len > 12 {
        return None;
    }
    let mut units: i64 = 0;
    for &c in &digits[..int_len] {
        units = units * 10 + i64::from(c - b'0');
    }
    let (frac, dot) = match &digits[int_len..] {
        [] => (&[][..], false),
        [b'.', frac @ ..]
            if matches!(frac.len(), 1 | 2 | 4..=6) && frac.iter().all(u8::is_ascii_digit) =>
        {
            (frac, true)
        }
        _ => return None,
    };
    let mut micros: i64 = 0;
    for k in 0..6 {
        micros = micros * 10 + frac.get(k).map_or(0, |&c| i64::from(c - b'0'));
    }
    let v = units * MICROS + micros;
    Some(Money::Exact(
        if negative { -v } else { v },
        dot.then_some(Separators::DecimalDot),
    ))
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Shape {
    Plain,
    Known(Separators),
    Ambiguous,
}

/// Which convention a digits-and-separators string implies, or `None` if malformed.
fn classify(body: &[u8]) -> Option<Shape> {
    let dots = body.iter().filter(|&&c| c == b'.').count();
    let commas = body.iter().filter(|&&c| c == b',').count();
    let last_sep = body.iter().rposition(|&c| c == b'.' || c == b',');
    let digits_after = |p: usize| body.len() - p - 1;
    let groups_ok = |sep: u8, upto: usize| {
        // Thousands groups: 1–3 leading digits, then groups of exactly 3.
        let part = &body[..upto];
        let mut chunks = part.split(|&c| c == sep);
        let first = chunks.next().map_or(0, <[u8]>::len);
        (1..=3).contains(&first) && chunks.all(|g| g.len() == 3)
    };
    Some(match (dots, commas, last_sep) {
        (0, 0, _) => Shape::Plain,
        (_, _, None) => return None,
        (_, _, Some(p)) if body[p] == b'.' && commas > 0 => {
            if dots > 1 || !groups_ok(b',', p) {
                return None;
            }
            Shape::Known(Separators::DecimalDot)
        }
        (_, _, Some(p)) if body[p] == b',' && dots > 0 => {
            if commas > 1 || !groups_ok(b'.', p) {
                return None;
            }
            Shape::Known(Separators::DecimalComma)
        }
        // Only commas.
        (0, 1, Some(p)) if digits_after(p) == 3 && p > 0 && p <= 3 && body[0] != b'0' => {
            Shape::Ambiguous
        }
        (0, 1, Some(p)) if digits_after(p) > 0 => Shape::Known(Separators::DecimalComma),
        (0, _, Some(_)) => {
            if !groups_ok(b',', body.len()) {
                return None;
            }
            Shape::Known(Separators::DecimalDot)
        }
        // Only dots.
        (1, 0, Some(p)) if digits_after(p) == 3 && p > 0 && p <= 3 && body[0] != b'0' => {
            Shape::Ambiguous
        }
        (1, 0, Some(p)) if digits_after(p) > 0 || p > 0 => Shape::Known(Separators::DecimalDot),
        (_, 0, Some(_)) => {
            if !groups_ok(b'.', body.len()) {
                return None;
            }
            Shape::Known(Separators::DecimalComma)
        }
        _ => return None,
    })
}

fn utf8_len(lead: u8) -> usize {
    match lead {
        0xF0..=0xFF => 4,
        0xE0..=0xEF => 3,
        _ => 2,
    }
}

fn is_currency_sign(ch: &[u8]) -> bool {
    matches!(
        std::str::from_utf8(ch),
        Ok("¥" | "￥" | "€" | "£" | "元" | "\u{a0}" | "\u{202f}" | "₩" | "₹" | "＄")
    )
}

/// Whether the letters at `i` belong to a currency code (`USD`, `CNY`, `RMB`, `EUR`, `HK`, `US`).
fn is_currency_code(s: &[u8], i: usize) -> bool {
    let start = s[..i]
        .iter()
        .rposition(|c| !c.is_ascii_alphabetic())
        .map_or(0, |p| p + 1);
    let end = s[i..]
        .iter()
        .position(|c| !c.is_ascii_alphabetic())
        .map_or(s.len(), |p| i + p);
    let word = s[start..end].to_ascii_uppercase();
    matches!(
        word.as_slice(),
        b"USD"
            | b"CNY"
            | b"RMB"
            | b"EUR"
            | b"GBP"
            | b"JPY"
            | b"HKD"
            | b"HK"
            | b"US"
            | b"CAD"
            | b"AUD"
            | b"NZD"
            | b"SGD"
            | b"TWD"
            | b"NT"
            | b"KRW"
            | b"INR"
            | b"CHF"
            | b"SEK"
            | b"NOK"
            | b"DKK"
            | b"PLN"
            | b"BRL"
            | b"MXN"
            | b"R"
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn m(s: &str, conv: Option<Separators>) -> Option<Money> {
        parse_money(s.as_bytes(), conv)
    }

    #[test]
    fn the_plain_decimal_fast_path_agrees_with_the_general_reader() {
        let mut cases: Vec<String> = Vec::new();
        for int in [
            "0",
            "7",
            "00",
            "19",
            "123",
            "1234",
            "999999999999999",
            "1000000000000000",
        ] {
            for frac in [
                "", ".", ".5", ".05", ".123", ".1234", ".12345", ".123456", ".1234567", ".5x",
            ] {
                for sign in ["", "-", "+"] {
                    cases.push(format!("{sign}{int}{frac}"));
                }
            }
        }
        cases.extend(["-", ".5", "1,5", "1.234,5", "12-", " 1"].map(String::from));
        for case in cases {
            let fast = plain_decimal(case.as_bytes());
            if let Some(fast) = fast {
                assert_eq!(
                    Some(fast),
                    parse_money_general(case.as_bytes(), None),
                    "{case}"
                );
            }
            assert_eq!(
                parse_money(case.as_bytes(), None),
                parse_money_general(case.as_bytes(), None),
                "{case}"
            );
        }
    }

    #[test]
    fn money_with_signs_and_separators() {
        let dot = Some(Separators::DecimalDot);
        let exact = |v: i64| Some(Money::Exact(v, dot));
        assert_eq!(m("12", None), Some(Money::Exact(12 * MICROS, None)));
        assert_eq!(m("3.99", None), exact(3_990_000));
        assert_eq!(m("¥1,115.39", None), exact(1_115_390_000));
        assert_eq!(m("￥ 739.52", None), exact(739_520_000));
        assert_eq!(m("-45.50", None), exact(-45_500_000));
        assert_eq!(m("(12.50)", None), exact(-12_500_000));
        assert_eq!(m("$1,234,567.5", None), exact(1_234_567_500_000));
        assert_eq!(m("USD 10.10", None), exact(10_100_000));
        assert_eq!(
            m("12,5", None),
            Some(Money::Exact(12_500_000, Some(Separators::DecimalComma)))
        );
        assert_eq!(
            m("1.234,56", None),
            Some(Money::Exact(1_234_560_000, Some(Separators::DecimalComma)))
        );
        assert_eq!(m("1,234", None), Some(Money::Ambiguous));
        assert_eq!(m("1.234", None), Some(Money::Ambiguous));
        assert_eq!(
            m("1,234", Some(Separators::DecimalComma)),
            Some(Money::Exact(1_234_000, Some(Separators::DecimalComma)))
        );
        assert_eq!(m("1,234", dot), exact(1_234_000_000));
        assert_eq!(m("0.1234567", None), exact(123_457));
    }

    #[test]
    fn malformed_money_is_rejected() {
        for s in [
            "abc",
            "1.2.3,4,5",
            "--5",
            "12a",
            "1,23,4.5",
            "",
            "¥",
            "1e5",
            ".",
        ] {
            assert_eq!(m(s, None), None, "{s}");
        }
    }

    #[test]
    fn typed_numbers_to_micros() {
        assert_eq!(money_from_f64(739.52), Some(739_520_000));
        assert_eq!(money_from_f64(f64::NAN), None);
        assert_eq!(money_from_f64(1e300), None);
    }
}
