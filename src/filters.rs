//! Which orders an analysis covers (`filters`, docs/filters.md): each filter selects orders,
//! after line merging; an order is kept when it passes every filter given.

use crate::error::{Error, ErrorKind, Result};
use crate::money::Micros;
use crate::options::Filters;
use crate::orders::Orders;

/// Whether each order passes the filters.
pub fn keep(orders: &Orders, filters: &Filters) -> Result<Vec<bool>> {
    let mut keep = vec![true; orders.len()];
    let (from, until) = filters.time_range()?;
    if from.is_some() || until.is_some() {
        for (k, &t) in keep.iter_mut().zip(&orders.time) {
            *k &= from.is_none_or(|f| t >= f) && until.is_none_or(|u| t < u);
        }
    }
    for (column, values) in &filters.dimensions {
        let dim = orders
            .dims
            .iter()
            .find(|d| &d.name == column)
            .ok_or_else(|| {
                let names: Vec<String> = orders
                    .dims
                    .iter()
                    .map(|d| format!("{:?}", d.name))
                    .collect();
                Error::new(
                    ErrorKind::UnknownColumn,
                    format!(
                        "filters.dimensions: no dimension column {column:?}; the dimensions are {}",
                        names.join(", ")
                    ),
                    format!(
                        "filters.dimensions：没有维度列 {column:?}；可用的维度列为 {}",
                        names.join("、")
                    ),
                )
                .at(None, Some(column))
            })?;
        let mut wanted = vec![false; dim.values.len()];
        for v in values {
            if let Some(n) = dim.values.find(v.trim().as_bytes()) {
                wanted[n as usize] = true;
            }
        }
        for (k, &v) in keep.iter_mut().zip(&dim.of_order) {
            *k &= wanted.get(v as usize).copied().unwrap_or(false);
        }
    }
    if let Some(least) = filters.min_order_amount {
        if !orders.has_amount {
            return Err(Error::new(
                ErrorKind::BadOptions,
                "filters.minOrderAmount needs an amount column; map one first".to_string(),
                "filters.minOrderAmount 需要金额列；请先选择金额列".to_string(),
            ));
        }
        let least = (least * 1e6).round() as Micros;
        for (k, &a) in keep.iter_mut().zip(&orders.amount) {
            *k &= a >= least;
        }
    }
    Ok(keep)
}
