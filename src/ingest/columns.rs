//! Which column plays which role (SPEC §1, COLUMNS.md): synonyms in English and Chinese,
//! matched case-insensitively, ignoring spaces, `_`, `-`, `.` and quotes.

use std::collections::BTreeMap;

use crate::error::{Error, ErrorKind, Result};

/// A column's role in an order line.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
#[cfg_attr(test, derive(ts_rs::TS), ts(rename_all = "camelCase"))]
pub enum Role {
    /// Customer identifier (required).
    Customer,
    /// Order timestamp (required).
    Time,
    /// Order value.
    Amount,
    /// Order identifier: lines sharing it are one order.
    Order,
    /// Order status.
    Status,
    /// Line quantity (amount = quantity × unit price when there is no amount).
    Quantity,
    /// Line unit price.
    UnitPrice,
    /// The product of a line (SPEC §12): only ever mapped by the caller, and its column stays
    /// a dimension.
    Product,
}

impl Role {
    /// Every role, in the order roles are assigned.
    pub const ALL: [Role; 7] = [
        Role::Customer,
        Role::Time,
        Role::Amount,
        Role::Order,
        Role::Status,
        Role::Quantity,
        Role::UnitPrice,
    ];

    /// The role's name in options and the Report.
    pub fn name(self) -> &'static str {
        match self {
            Role::Customer => "customer",
            Role::Time => "time",
            Role::Amount => "amount",
            Role::Order => "order",
            Role::Status => "status",
            Role::Quantity => "quantity",
            Role::UnitPrice => "unitPrice",
            Role::Product => "product",
        }
    }

    fn from_name(name: &str) -> Option<Role> {
        Role::ALL
            .into_iter()
            .chain([Role::Product])
            .find(|r| r.name() == name)
    }

    /// Synonyms, most specific first: an earlier synonym beats a later one.
    fn synonyms(self) -> &'static [&'static str] {
        match self {
            Role::Customer => &[
                "customer id",
                "customerid",
                "customer_id",
                "客户ID",
                "客户编号",
                "会员ID",
                "会员编号",
                "用户ID",
                "买家ID",
                "下单帐号",
                "下单账号",
                "客户账号",
                "client id",
                "user id",
                "member id",
                "buyer id",
                "买家会员名",
                "买家昵称",
                "customer",
                "客户",
                "buyer",
                "买家",
                "customer email",
                "billing email",
                "email",
                "买家手机号",
                "收货人手机",
                "手机号",
                "phone",
            ],
            Role::Time => &[
                "order date",
                "order time",
                "下单时间",
                "订单创建时间",
                "created at",
                "创建时间",
                "purchase date",
                "transaction date",
                "交易时间",
                "invoice date",
                "invoicedate",
                "订单日期",
                "date",
                "日期",
                "created",
                "timestamp",
                "paid at",
                "付款时间",
                "订单付款时间",
                "支付时间",
            ],
            Role::Amount => &[
                "实付金额",
                "订单实付金额",
                "买家实际支付金额",
                "实际支付金额",
                "支付金额",
                "paid amount",
                "order total",
                "grand total",
                "total",
                "total price",
                "订单金额",
                "应付金额",
                "net sales",
                "amount",
                "金额",
                "revenue",
                "sales",
                "销售额",
                "成交金额",
                "value",
            ],
            Role::Order => &[
                "order id",
                "order number",
                "order no",
                "订单号",
                "订单编号",
                "订单ID",
                "主订单编号",
                "invoice no",
                "invoiceno",
                "invoice",
                "transaction id",
                "交易号",
                "order",
                "name",
            ],
            Role::Status => &[
                "order status",
                "financial status",
                "订单状态",
                "交易状态",
                "status",
                "状态",
            ],
            Role::Quantity => &["quantity", "qty", "units", "数量", "购买数量", "商品数量"],
            Role::UnitPrice => &[
                "unit price",
                "unitprice",
                "lineitem price",
                "单价",
                "商品单价",
                "price",
                "价格",
            ],
            Role::Product => &[
                "product",
                "product name",
                "product title",
                "lineitem name",
                "item name",
                "item",
                "title",
                "sku",
                "lineitem sku",
                "product id",
                "description",
                "stockcode",
                "商品",
                "商品名称",
                "商品标题",
                "宝贝名称",
                "宝贝标题",
                "商品编码",
                "商家编码",
                "货号",
            ],
        }
    }
}

/// A header normalised for matching.
fn normalize(name: &str) -> String {
    name.chars()
        .filter(|c| !matches!(c, ' ' | '_' | '-' | '.' | '"' | '\'' | '\t' | '\u{3000}'))
        .flat_map(char::to_lowercase)
        .collect()
}

/// The columns chosen for each role: indices into the header.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Mapping {
    /// Role → column index.
    pub columns: BTreeMap<Role, usize>,
}

impl Mapping {
    /// Column of a role.
    pub fn get(&self, role: Role) -> Option<usize> {
        self.columns.get(&role).copied()
    }

    /// Whether a column plays a role that takes it out of the dimensions (the product column
    /// stays one, SPEC §12).
    pub fn has_column(&self, column: usize) -> bool {
        self.columns
            .iter()
            .any(|(&role, &c)| c == column && role != Role::Product)
    }
}

/// Maps roles to columns: from `explicit` when given (it is then the whole mapping), else by
/// synonyms. Fails when the customer or time column is missing.
pub fn map_roles(
    header: &[String],
    explicit: Option<&BTreeMap<String, String>>,
) -> Result<Mapping> {
    let mapping = propose(header, explicit)?;
    require_customer_and_time(header, &mapping)?;
    Ok(mapping)
}

/// Every column whose name is a synonym of `role`, best first (for a page's column chooser).
pub fn candidates(header: &[String], role: Role) -> Vec<usize> {
    let mut out = Vec::new();
    for syn in role.synonyms() {
        let syn = normalize(syn);
        for (i, h) in header.iter().enumerate() {
            if normalize(h) == syn && !out.contains(&i) {
                out.push(i);
            }
        }
    }
    out
}

/// The mapping [`map_roles`] would use, without requiring the customer and time columns.
pub fn propose(header: &[String], explicit: Option<&BTreeMap<String, String>>) -> Result<Mapping> {
    let mut mapping = Mapping::default();
    match explicit {
        Some(explicit) => {
            for (role_name, column) in explicit {
                let role = Role::from_name(role_name).ok_or_else(|| {
                    Error::new(
                        ErrorKind::BadOptions,
                        format!(
                            "mapping: unknown role {role_name:?}; roles are {}",
                            role_list()
                        ),
                        format!("mapping：未知角色 {role_name:?}；可用角色：{}", role_list()),
                    )
                })?;
                if column.trim().is_empty() {
                    continue;
                }
                let index = header
                    .iter()
                    .position(|h| h == column)
                    .or_else(|| header.iter().position(|h| normalize(h) == normalize(column)))
                    .ok_or_else(|| {
                        Error::new(
                            ErrorKind::UnknownColumn,
                            format!(
                                "mapping: the file has no column {column:?} (for {role_name}); its columns are {}",
                                quoted(header)
                            ),
                            format!(
                                "mapping：文件中没有列 {column:?}（用于 {role_name}）；文件的列为 {}",
                                quoted(header)
                            ),
                        )
                        .at(None, Some(column))
                    })?;
                mapping.columns.insert(role, index);
            }
        }
        None => {
            // Columns by normalised name, in file order: one pass over the header, however
            // wide it is.
            let mut by_name: std::collections::HashMap<String, Vec<usize>> =
                std::collections::HashMap::new();
            for (i, h) in header.iter().enumerate() {
                by_name.entry(normalize(h)).or_default().push(i);
            }
            for role in Role::ALL {
                let best = role.synonyms().iter().find_map(|syn| {
                    by_name
                        .get(&normalize(syn))?
                        .iter()
                        .copied()
                        .find(|&i| !mapping.has_column(i))
                });
                if let Some(i) = best {
                    mapping.columns.insert(role, i);
                }
            }
        }
    }
    Ok(mapping)
}

/// `NoCustomerColumn` / `NoTimeColumn` when the mapping lacks either.
fn require_customer_and_time(header: &[String], mapping: &Mapping) -> Result<()> {
    for (role, kind, en, zh) in [
        (
            Role::Customer,
            ErrorKind::NoCustomerColumn,
            "customer",
            "客户",
        ),
        (
            Role::Time,
            ErrorKind::NoTimeColumn,
            "order time",
            "下单时间",
        ),
    ] {
        if mapping.get(role).is_none() {
            let tried = role.synonyms().join(", ");
            return Err(Error::new(
                kind,
                format!(
                    "no column can be the {en}: the file's columns are {}; names tried: {tried}. Choose the {en} column in the column settings.",
                    quoted(header),
                ),
                format!(
                    "找不到{zh}列：文件的列为 {}；尝试过的列名：{tried}。请在“列设置”中选择{zh}列。",
                    quoted(header),
                ),
            ));
        }
    }
    Ok(())
}

fn role_list() -> String {
    Role::ALL
        .into_iter()
        .chain([Role::Product])
        .map(Role::name)
        .collect::<Vec<_>>()
        .join(", ")
}

fn quoted(header: &[String]) -> String {
    let shown: Vec<String> = header.iter().take(40).map(|h| format!("{h:?}")).collect();
    let more = if header.len() > 40 { ", …" } else { "" };
    format!("[{}{more}]", shown.join(", "))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(v: &[&str]) -> Vec<String> {
        v.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn shopify_headers_map_by_synonyms() {
        let h = names(&[
            "Name",
            "Email",
            "Financial Status",
            "Paid at",
            "Total",
            "Created at",
        ]);
        let m = map_roles(&h, None).unwrap();
        assert_eq!(m.get(Role::Customer), Some(1));
        assert_eq!(m.get(Role::Time), Some(5), "Created at beats Paid at");
        assert_eq!(m.get(Role::Amount), Some(4));
        assert_eq!(m.get(Role::Order), Some(0));
        assert_eq!(m.get(Role::Status), Some(2));
    }

    #[test]
    fn customer_id_beats_email_and_chinese_headers_map() {
        let h = names(&["Email", "Customer_ID", "Order Date"]);
        assert_eq!(map_roles(&h, None).unwrap().get(Role::Customer), Some(1));
        let h = names(&[
            "订单编号",
            "买家会员名",
            "订单创建时间",
            "买家实际支付金额",
            "订单状态",
        ]);
        let m = map_roles(&h, None).unwrap();
        assert_eq!(
            [
                Role::Order,
                Role::Customer,
                Role::Time,
                Role::Amount,
                Role::Status
            ]
            .map(|r| m.get(r).unwrap()),
            [0, 1, 2, 3, 4]
        );
    }

    #[test]
    fn missing_roles_are_errors_that_list_the_columns() {
        let h = names(&["foo", "Order Date"]);
        let e = map_roles(&h, None).unwrap_err();
        assert_eq!(e.code(), "NoCustomerColumn");
        assert!(e.to_string().contains("\"foo\""), "{e}");
        let mut explicit = BTreeMap::new();
        explicit.insert("customer".to_string(), "nope".to_string());
        assert_eq!(
            map_roles(&h, Some(&explicit)).unwrap_err().code(),
            "UnknownColumn"
        );
    }
}
