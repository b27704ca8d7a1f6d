//! Customer lists behind the Report's figures: a *selection* names one group (an RFM segment
//! or grid cell, a breakdown group, the silent, overdue or win-back list, a CLV decile, the
//! buyers of a product), and the analysis lists its customers or exports them.

use serde::{Deserialize, Serialize};

use crate::analysis::Analysis;
use crate::error::{Error, ErrorKind, Locale, Result};
use crate::export::{Column, Format};
use crate::metrics::breakdown::{attribute, find_dimension, label, OTHER};
use crate::metrics::churn::{is_silent, overdue_days};
use crate::metrics::products::PurchaseProducts;
use crate::metrics::rfm::{segment_names, segment_of, zh_segment_name};
use crate::metrics::{to_f64, Context};
use crate::options::{Attribution, BreakdownSpec, RfmScheme};
use crate::period::{day_of, format_time};

/// Which customers: at most one of the fields (none: every buyer). `locale` names the
/// language of exported headers and segment names.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(rename_all = "camelCase", default, deny_unknown_fields)]
pub struct Selection {
    /// An rf10 segment or cn8 class name (`"champions"`, `"importantValue"`, …).
    pub segment: Option<String>,
    /// An R×F grid cell.
    pub cell: Option<GridCell>,
    /// A breakdown group (its `attribution` as in the Report's breakdown of that dimension).
    pub group: Option<GroupKey>,
    /// A list of §8 or §13.
    pub list: Option<ListName>,
    /// A tenth of the buyers by CLV, 1 = the most valuable (§9; needs a fit).
    pub decile: Option<u8>,
    /// Buyers of a product (§12; needs `mapping.product`); `as` says which.
    pub product: Option<String>,
    /// With `product`: `"first"` (in their first purchase), `"buyers"` (default: in any
    /// purchase) or `"repeat"` (in ≥ 2 purchases).
    #[serde(rename = "as")]
    pub product_as: Option<ProductAs>,
    /// `"en"` (default) or `"zh"`: the export's headers and segment names.
    pub locale: Option<String>,
}

/// An R×F grid cell, scores 1–5.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(deny_unknown_fields)]
pub struct GridCell {
    /// R score.
    pub r: u8,
    /// F score.
    pub f: u8,
}

/// A breakdown group.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(deny_unknown_fields)]
pub struct GroupKey {
    /// The dimension column.
    pub dimension: String,
    /// The group's value as the Report writes it (`(blank)`, `(other)` included).
    pub value: String,
}

/// A customer list of the Report.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub enum ListName {
    /// Silent customers (§8).
    Silent,
    /// Overdue customers (§8).
    Overdue,
    /// Customers who came back after a lapse (§13).
    Winback,
}

/// Which buyers of a product.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub enum ProductAs {
    /// The product is in their first purchase.
    First,
    /// The product is in any of their purchases.
    Buyers,
    /// The product is in two or more of their purchases.
    Repeat,
}

/// A page of a selection's customers, by revenue descending (ties by customer id).
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct CustomerList {
    /// Customers in the selection.
    pub count: u64,
    /// The requested page of them.
    pub rows: Vec<CustomerRow>,
}

/// A customer's key facts.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct CustomerRow {
    /// Customer id.
    pub customer: String,
    /// First purchase, `YYYY-MM-DDTHH:MM:SS`.
    pub first_purchase: String,
    /// Last purchase.
    pub last_purchase: String,
    /// Purchases (counting unit).
    pub purchases: u32,
    /// Revenue (§2), `null` without an amount.
    pub revenue: Option<f64>,
    /// Segment in the options' `rfmSegments` scheme.
    pub segment: String,
    /// cn8 class.
    pub cn8: String,
    /// P(alive), `null` without a CLV fit.
    pub p_alive: Option<f64>,
    /// CLV, `null` without a fit or an amount.
    pub clv: Option<f64>,
}

fn bad(en: String, zh: String) -> Error {
    Error::new(ErrorKind::BadOptions, en, zh)
}

impl Selection {
    /// The export's language.
    pub fn locale(&self) -> Locale {
        match self.locale.as_deref() {
            Some(l) if l.starts_with("zh") => Locale::Zh,
            _ => Locale::En,
        }
    }
}

impl Analysis {
    /// The buyers (indices into the customer table) a selection names, in table order.
    pub fn select(&self, selection: &Selection) -> Result<Vec<usize>> {
        let given = [
            selection.segment.is_some(),
            selection.cell.is_some(),
            selection.group.is_some(),
            selection.list.is_some(),
            selection.decile.is_some(),
            selection.product.is_some(),
        ];
        if given.iter().filter(|&&g| g).count() > 1 {
            return Err(bad(
                "a selection names one of segment, cell, group, list, decile or product".into(),
                "选择只能指定 segment、cell、group、list、decile、product 之一".into(),
            ));
        }
        let cx = self.context();
        let buyers = &self.customers.buyers;
        let all = |keep: &dyn Fn(usize) -> bool| (0..buyers.len()).filter(|&i| keep(i)).collect();
        if let Some(name) = &selection.segment {
            let scheme = [RfmScheme::Rf10, RfmScheme::Cn8]
                .into_iter()
                .find(|&s| segment_names(s).contains(&name.as_str()))
                .ok_or_else(|| {
                    bad(
                        format!("no RFM segment {name:?}"),
                        format!("没有 RFM 分群 {name:?}"),
                    )
                })?;
            let k = segment_names(scheme)
                .iter()
                .position(|s| s == name)
                .unwrap_or(usize::MAX);
            let segments = self.segments_in(scheme);
            return Ok(all(&|i| segments[i] == k));
        }
        if let Some(GridCell { r, f }) = selection.cell {
            if !(1..=5).contains(&r) || !(1..=5).contains(&f) {
                return Err(bad(
                    "cell.r and cell.f are scores from 1 to 5".into(),
                    "cell.r 和 cell.f 是 1 到 5 的分数".into(),
                ));
            }
            return Ok(all(&|i| self.scores[i].r == r && self.scores[i].f == f));
        }
        if let Some(GroupKey { dimension, value }) = &selection.group {
            let dim = find_dimension(&cx, dimension)?;
            let attribution = self.attribution_of(dimension);
            let values = attribute(&cx, dim, attribution);
            let report = self
                .report
                .breakdowns
                .iter()
                .find(|b| &b.dimension == dimension);
            let shown: Vec<&str> = report
                .map(|b| b.groups.iter().map(|g| g.value.as_str()).collect())
                .unwrap_or_default();
            return Ok(all(&|i| {
                let own = label(dim, values[i]);
                if value == OTHER {
                    !shown.contains(&own.as_str())
                } else {
                    &own == value
                }
            }));
        }
        if let Some(list) = selection.list {
            return Ok(match list {
                ListName::Silent => all(&|i| is_silent(&cx, &buyers[i])),
                ListName::Overdue => {
                    let mut gaps = Vec::new();
                    (0..buyers.len())
                        .filter(|&i| overdue_days(&cx, &buyers[i], &mut gaps).is_some())
                        .collect()
                }
                ListName::Winback => {
                    let silent = i64::from(self.options.silent_days);
                    all(&|i| {
                        self.customers
                            .units_of(&buyers[i])
                            .windows(2)
                            .any(|w| day_of(w[1].time) - day_of(w[0].time) > silent)
                    })
                }
            });
        }
        if let Some(decile) = selection.decile {
            if !(1..=10).contains(&decile) {
                return Err(bad(
                    "decile is from 1 (the most valuable tenth) to 10".into(),
                    "decile 取 1（最有价值的十分之一）到 10".into(),
                ));
            }
            let fitted = self.clv_fitted.as_ref().ok_or_else(|| {
                Error::new(
                    ErrorKind::BadOptions,
                    "no CLV fit, so no CLV deciles (see the Report's warnings)".to_string(),
                    "没有 CLV 拟合结果，因此没有 CLV 十分位（见报告中的警告）".to_string(),
                )
            })?;
            let n = buyers.len();
            let ranked = fitted.table.most_valuable(n, &self.seen().customers);
            let d = usize::from(decile);
            let mut chosen = vec![false; n];
            for &i in &ranked[(d - 1) * n / 10..d * n / 10] {
                chosen[i] = true;
            }
            return Ok(all(&|i| chosen[i]));
        }
        if let Some(product) = &selection.product {
            let products = self.seen().products.as_ref().ok_or_else(|| {
                bad(
                    "no product column: name one in mapping.product".into(),
                    "没有商品列：请在 mapping.product 中指定".into(),
                )
            })?;
            let names = &self.seen().dims[products.dim].values;
            let Some(p) = names.find(product.as_bytes()) else {
                return Ok(Vec::new());
            };
            let how = selection.product_as.unwrap_or(ProductAs::Buyers);
            let mut purchases = PurchaseProducts::default();
            let mut rows = Vec::new();
            for (i, b) in buyers.iter().enumerate() {
                purchases.fill(&cx, products, b);
                let with = (0..purchases.len())
                    .filter(|&u| purchases.of(u).contains(&p))
                    .count();
                let keep = match how {
                    ProductAs::First => purchases.of(0).contains(&p),
                    ProductAs::Buyers => with >= 1,
                    ProductAs::Repeat => with >= 2,
                };
                if keep {
                    rows.push(i);
                }
            }
            return Ok(rows);
        }
        Ok((0..buyers.len()).collect())
    }

    /// A page of a selection's customers with their key facts, revenue descending.
    pub fn customer_list(
        &self,
        selection: &Selection,
        offset: usize,
        limit: usize,
    ) -> Result<CustomerList> {
        let mut rows = self.select(selection)?;
        let buyers = &self.customers.buyers;
        let ids = &self.seen().customers;
        rows.sort_unstable_by(|&a, &b| {
            buyers[b]
                .revenue
                .cmp(&buyers[a].revenue)
                .then_with(|| ids.get(buyers[a].customer).cmp(ids.get(buyers[b].customer)))
        });
        let names = segment_names(self.options.rfm_segments);
        let cn8_names = segment_names(RfmScheme::Cn8);
        let cn8 = self.segments_in(RfmScheme::Cn8);
        let has_amount = self.seen().has_amount;
        Ok(CustomerList {
            count: rows.len() as u64,
            rows: rows
                .iter()
                .skip(offset)
                .take(limit)
                .map(|&i| {
                    let b = &buyers[i];
                    let fitted = self.clv_fitted.as_ref();
                    CustomerRow {
                        customer: ids.text(b.customer),
                        first_purchase: format_time(b.first),
                        last_purchase: format_time(b.last),
                        purchases: b.purchases,
                        revenue: has_amount.then(|| to_f64(b.revenue)),
                        segment: names
                            .get(self.segments[i])
                            .copied()
                            .unwrap_or_default()
                            .into(),
                        cn8: cn8_names.get(cn8[i]).copied().unwrap_or_default().into(),
                        p_alive: fitted.and_then(|f| f.table.p_alive(i)),
                        clv: fitted.and_then(|f| f.table.clv(i)),
                    }
                })
                .collect(),
        })
    }

    /// A selection's rows of the customer table, in a format, headers and segment names in
    /// the selection's language.
    pub fn export_selection(&self, format: Format, selection: &Selection) -> Result<Vec<u8>> {
        let rows = self.select(selection)?;
        let mut table = self.customer_table().rows_at(&rows);
        if selection.locale() == Locale::Zh {
            for (name, column) in &mut table.columns {
                if let ("segment", Column::Text(values)) = (*name, column) {
                    for v in values {
                        *v = zh_segment_name(v).to_string();
                    }
                }
            }
            table = table.with_zh_headers();
        }
        table.encode(format)
    }

    /// The metrics' view of this analysis.
    fn context(&self) -> Context<'_> {
        Context {
            orders: self.seen(),
            customers: &self.customers,
            options: &self.options,
        }
    }

    /// Each buyer's segment in a scheme (the analysis' own, or computed).
    fn segments_in(&self, scheme: RfmScheme) -> std::borrow::Cow<'_, [usize]> {
        if scheme == self.options.rfm_segments {
            std::borrow::Cow::Borrowed(&self.segments)
        } else {
            std::borrow::Cow::Owned(segment_of(scheme, &self.scores, self.seen().has_amount))
        }
    }

    /// The attribution of the Report's breakdown of a dimension (the default otherwise).
    fn attribution_of(&self, dimension: &str) -> Attribution {
        let default = self.options.attribution;
        self.options
            .breakdowns
            .iter()
            .flatten()
            .find_map(|spec| match spec {
                BreakdownSpec::Full {
                    dimension: d,
                    attribution,
                } if d == dimension => Some(attribution.unwrap_or(default)),
                BreakdownSpec::Name(d) if d == dimension => Some(default),
                _ => None,
            })
            .unwrap_or(default)
    }
}
