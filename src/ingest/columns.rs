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
    /// Amount refunded on the order, netted out of its amount (issue 13).
    RefundedAmount,
    /// The product of a line (SPEC §12): only ever mapped by the caller, and its column stays
    /// a dimension.
    Product,
}

impl Role {
    /// Every role, in the order roles are assigned.
    pub const ALL: [Role; 8] = [
        Role::Customer,
        Role::Time,
        Role::Amount,
        Role::Order,
        Role::Status,
        Role::Quantity,
        Role::UnitPrice,
        Role::RefundedAmount,
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
            Role::RefundedAmount => "refundedAmount",
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
                // Marketplace and shop-system exports (issue 13): Etsy, eBay, Amazon, Magento,
                // Square, Shopline, WooCommerce, Wayfair, 天猫, WeChat shops.
                "buyer user id",
                "buyer username",
                "customer reference id",
                "customer username",
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
                "buyer email",
                "buyer-email",
                "contact email",
                "billing phone",
                "shipping phone",
                "customer phone",
                "buyer phone",
                "手机",
                "联系电话",
                "收货人电话",
                "买家支付宝账号",
                "customer name",
                "buyer name",
                "ship to name",
                "billing name",
                "收件人",
                "收货人",
                "收货人姓名",
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
                "sale date",
                "date created",
                "order created",
                "order date & time",
                "po date & time",
                "po date",
                "purchase-date",
                "date purchased",
                "订单提交时间",
                "提交时间",
                "下单日期",
                "成交时间",
                "date paid",
                "paid on date",
                "买家付款时间",
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
                "total amount",
                "order value",
                "order total amount",
                "grand total (purchased)",
                "total collected",
                "net total",
                "order amount",
                "dollar_value",
                "实收金额",
                "总金额",
                "买家应付货款",
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
                "po number",
                "po #",
                "order-id",
                "sales record number",
                "increment id",
            ],
            Role::Status => &[
                "order status",
                "financial status",
                "payment status",
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
                "item price",
                "item cost",
                "wholesale price",
                "单价",
                "商品单价",
                "price",
                "价格",
            ],
            Role::RefundedAmount => &[
                "refunded amount",
                "refund amount",
                "amount refunded",
                "total refunded",
                "refunded total",
                "退款金额",
                "已退款金额",
                "退款总额",
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

/// What the first rows say about one column (the evidence for [`choose`]).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ColumnStats {
    /// Rows looked at.
    pub rows: u64,
    /// Blank cells.
    pub blank: u64,
    /// Distinct non-blank values.
    pub distinct: u64,
    /// The most frequent non-blank value and how often it occurs.
    pub top: (String, u64),
    /// Non-blank cells that read as a date.
    pub dates: u64,
    /// Non-blank cells that read as money.
    pub money: u64,
}

impl ColumnStats {
    fn filled(&self) -> u64 {
        self.rows - self.blank
    }

    /// One value in (nearly) every non-blank cell (≥ 90 %, at least two cells): never a
    /// customer column (a guest placeholder such as WooCommerce's `Customer ID` 0).
    fn constant(&self) -> bool {
        let filled = self.filled();
        filled >= 2 && self.top.1 * 10 >= filled * 9
    }

    fn share(part: u64, whole: u64) -> u64 {
        (part * 100 + whole / 2).checked_div(whole).unwrap_or(0)
    }
}

/// Why a column plays a role, and the column that came next (for `ingest.choices`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Choice {
    /// The role.
    pub role: Role,
    /// The column chosen.
    pub column: String,
    /// Why it won (English, Chinese).
    pub why: (String, String),
    /// The next-best column, and why it lost (English, Chinese).
    pub runner_up: Option<(String, (String, String))>,
}

impl Choice {
    /// The explanation in one language, as `ingest.choices` and the probe give it.
    pub fn report(&self, zh: bool) -> ColumnChoice {
        let pick = |(en, z): &(String, String)| if zh { z.clone() } else { en.clone() };
        ColumnChoice {
            role: self.role.name().to_string(),
            column: self.column.clone(),
            reason: pick(&self.why),
            runner_up: self.runner_up.as_ref().map(|(c, _)| c.clone()),
            runner_up_reason: self.runner_up.as_ref().map(|(_, why)| pick(why)),
        }
    }
}

/// Why a role's column was chosen, in the options' locale (`ingest.choices`, issue 13).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct ColumnChoice {
    /// The role.
    #[cfg_attr(test, ts(as = "Role"))]
    pub role: String,
    /// The column chosen.
    pub column: String,
    /// Why it won: its header, and what its values showed in the first rows.
    pub reason: String,
    /// The next-best column (`null` when it was the only candidate).
    pub runner_up: Option<String>,
    /// Why the runner-up lost.
    pub runner_up_reason: Option<String>,
}

/// The column that stood in for blank customer cells (`ingest.customerFallback`).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct CustomerFallback {
    /// Its name.
    pub column: String,
    /// Rows whose customer came from it.
    pub rows: u64,
}

/// The mapping with its reasons: what [`choose`] decided.
#[derive(Debug, Clone, Default)]
pub struct Chosen {
    /// Role → column.
    pub mapping: Mapping,
    /// One explanation per mapped role.
    pub choices: Vec<Choice>,
    /// The column whose value stands in for a blank customer cell, per row.
    pub customer_fallback: Option<usize>,
}

/// A header that is no synonym but contains a word of the role (`Billing Phone`,
/// `PO Date & Time`; customer and time only): it ranks after every synonym.
fn loose_rank(role: Role, h: &str) -> Option<usize> {
    let words: &[&str] = match role {
        Role::Customer => &["email", "phone", "手机", "电话", "customerid", "buyerid"],
        Role::Time => &["date", "时间", "日期"],
        _ => &[],
    };
    words
        .iter()
        .position(|w| h.contains(w))
        .map(|i| role.synonyms().len() + i)
}

/// Maps roles to columns by header *and* values (issue 13): each role's candidates are the
/// columns whose header names it (COLUMNS.md synonyms, or a header containing a word of the
/// role for customer and time); the values then decide among them:
/// - customer: a column with one value in ≥ 90 % of its non-blank cells is out; the others are
///   compared by distinct values, and every column within 90 % of the most distinct counts as
///   equally good, so the header decides among them (`Customer ID` beats `Email`); the
///   next-best such column stands in, row by row, where the chosen one is blank;
/// - time: a column where fewer than half the non-blank cells read as dates is out;
/// - amount: a column where fewer than 80 % of the non-blank cells read as money is out;
/// - a column with no non-blank cell in the rows looked at ranks after those with values.
///
/// When the values rule out every candidate, the header alone decides, as before. `stats`
/// gives the evidence of a column (the first rows of the file); an explicit mapping is taken
/// as it is.
pub fn choose(
    header: &[String],
    explicit: Option<&BTreeMap<String, String>>,
    stats: &dyn Fn(usize) -> Option<ColumnStats>,
    covers: &dyn Fn(usize, usize) -> u64,
) -> Result<Chosen> {
    if explicit.is_some() {
        let mapping = propose(header, explicit)?;
        let choices = mapping
            .columns
            .iter()
            .map(|(&role, &c)| Choice {
                role,
                column: header[c].clone(),
                why: (
                    "named in options.mapping".into(),
                    "由 options.mapping 指定".into(),
                ),
                runner_up: None,
            })
            .collect();
        require_customer_and_time(header, &mapping)?;
        return Ok(Chosen {
            mapping,
            choices,
            customer_fallback: None,
        });
    }
    let mut chosen = Chosen::default();
    // One pass over the header (it may have millions of columns): each role's columns by name.
    let mut by_synonym: std::collections::HashMap<String, Vec<(Role, usize)>> =
        std::collections::HashMap::new();
    for role in Role::ALL {
        for (rank, syn) in role.synonyms().iter().enumerate() {
            let e = by_synonym.entry(normalize(syn)).or_default();
            if !e.iter().any(|&(r, _)| r == role) {
                e.push((role, rank));
            }
        }
    }
    let mut named: BTreeMap<Role, Vec<(usize, usize)>> = BTreeMap::new();
    for (i, h) in header.iter().enumerate() {
        let h = normalize(h);
        if h.is_empty() || h.bytes().all(|b| b.is_ascii_digit()) {
            continue;
        }
        match by_synonym.get(&h) {
            Some(roles) => {
                for &(role, rank) in roles {
                    named.entry(role).or_default().push((i, rank));
                }
            }
            None => {
                for role in [Role::Customer, Role::Time] {
                    if let Some(rank) = loose_rank(role, &h) {
                        named.entry(role).or_default().push((i, rank));
                    }
                }
            }
        }
    }
    for role in Role::ALL {
        let mut cands: Vec<Candidate> = named
            .get(&role)
            .into_iter()
            .flatten()
            .filter(|&&(i, _)| !chosen.mapping.has_column(i))
            .map(|&(i, rank)| Candidate::new(role, i, rank, stats(i).unwrap_or_default()))
            .collect();
        if cands.is_empty() {
            continue;
        }
        // Loose header matches need their values to speak for them.
        let exact = role.synonyms().len();
        cands.retain(|c| c.rank < exact || c.out.is_none() && c.stats.filled() > 0);
        if cands.is_empty() {
            continue;
        }
        // Names of people (`Billing Name`, `收件人`) identify customers less surely than ids,
        // emails and phones: they set the bar only when nothing else has values.
        let has_id = cands
            .iter()
            .any(|c| c.out.is_none() && !c.second_tier(exact) && c.stats.filled() > 0);
        let most_distinct = cands
            .iter()
            .filter(|c| c.out.is_none() && !(has_id && c.second_tier(exact)))
            .map(|c| c.stats.distinct)
            .max()
            .unwrap_or(0);
        for c in &mut cands {
            c.weak = role == Role::Customer
                && c.out.is_none()
                && c.stats.distinct * 10 < most_distinct * 9;
        }
        cands.sort_by_key(|c| {
            (
                c.out.is_some(),
                c.stats.filled() == 0,
                c.weak,
                c.rank,
                c.index,
            )
        });
        let winner = &cands[0];
        // The runner-up shown: a column whose header ranks above the winner's (the values
        // overruled the header: say why), else the next best.
        let runner = cands[1..]
            .iter()
            .filter(|c| c.rank < winner.rank)
            .min_by_key(|c| c.rank)
            .or_else(|| cands.get(1));
        chosen.mapping.columns.insert(role, winner.index);
        if role == Role::Customer {
            // The stand-in for blank cells: the column that fills most of the winner's blanks
            // in the rows looked at; ids, emails and phones before names, then by header.
            chosen.customer_fallback = cands[1..]
                .iter()
                .filter(|c| c.out.is_none() && c.stats.distinct > 0)
                .min_by_key(|c| {
                    (
                        std::cmp::Reverse(covers(winner.index, c.index)),
                        c.second_tier(exact),
                        c.rank,
                    )
                })
                .map(|c| c.index);
        }
        chosen.choices.push(Choice {
            role,
            column: header[winner.index].clone(),
            why: winner.why_won(role, runner, most_distinct),
            runner_up: runner.map(|r| (header[r.index].clone(), r.why_lost(winner, most_distinct))),
        });
    }
    require_customer_and_time(header, &chosen.mapping)?;
    Ok(chosen)
}

/// Customer synonyms that name a person rather than an account.
const PERSON_NAMES: [&str; 7] = [
    "customer name",
    "buyer name",
    "ship to name",
    "billing name",
    "收件人",
    "收货人",
    "收货人姓名",
];

/// A candidate column for a role, with its evidence.
struct Candidate {
    index: usize,
    rank: usize,
    stats: ColumnStats,
    /// Why the values rule it out (English, Chinese).
    out: Option<(String, String)>,
    /// Customer only: clearly fewer distinct values than the best candidate.
    weak: bool,
    /// Customer only: the header names a person's name, not an id.
    person_name: bool,
}

impl Candidate {
    /// A person's name or a loose header match: weaker evidence than an id, email or phone.
    fn second_tier(&self, exact: usize) -> bool {
        self.person_name || self.rank >= exact
    }

    fn new(role: Role, index: usize, rank: usize, stats: ColumnStats) -> Candidate {
        let filled = stats.filled();
        let pct = |n| ColumnStats::share(n, filled);
        let out = match role {
            Role::Customer if stats.constant() => Some((
                format!(
                    "one value ({:?}) in {} % of its filled cells: a placeholder, never a customer",
                    stats.top.0,
                    pct(stats.top.1)
                ),
                format!(
                    "{} % 的非空单元格是同一个值（{:?}）：是占位值，不是客户",
                    pct(stats.top.1),
                    stats.top.0
                ),
            )),
            Role::Time if filled > 0 && stats.dates * 2 < filled => Some((
                format!("only {} % of its values read as dates", pct(stats.dates)),
                format!("只有 {} % 的值能识别为日期", pct(stats.dates)),
            )),
            Role::Amount if filled > 0 && stats.money * 10 < filled * 8 => Some((
                format!("only {} % of its values read as money", pct(stats.money)),
                format!("只有 {} % 的值能识别为金额", pct(stats.money)),
            )),
            _ => None,
        };
        Candidate {
            index,
            rank,
            stats,
            out,
            weak: false,
            person_name: role == Role::Customer
                && PERSON_NAMES
                    .iter()
                    .any(|n| role.synonyms().get(rank) == Some(n)),
        }
    }

    fn name_words(&self, role: Role) -> (String, String) {
        if self.rank < role.synonyms().len() {
            (
                format!("its header names the {}", role.name()),
                format!("列名对应 {}", role.name()),
            )
        } else {
            (
                format!("its header contains a word for the {}", role.name()),
                format!("列名含有 {} 的关键词", role.name()),
            )
        }
    }

    fn value_words(&self, role: Role) -> (String, String) {
        let s = &self.stats;
        let blank = ColumnStats::share(s.blank, s.rows);
        let filled = s.filled();
        match role {
            Role::Customer => (
                format!(
                    "{} distinct values, {blank} % blank in the first {} rows",
                    s.distinct, s.rows
                ),
                format!(
                    "前 {} 行中有 {} 个不同的值，{blank} % 为空",
                    s.rows, s.distinct
                ),
            ),
            Role::Time => (
                format!(
                    "{} % of its values read as dates",
                    ColumnStats::share(s.dates, filled)
                ),
                format!("{} % 的值能识别为日期", ColumnStats::share(s.dates, filled)),
            ),
            Role::Amount => (
                format!(
                    "{} % of its values read as money",
                    ColumnStats::share(s.money, filled)
                ),
                format!("{} % 的值能识别为金额", ColumnStats::share(s.money, filled)),
            ),
            _ => (
                format!("{blank} % blank in the first {} rows", s.rows),
                format!("前 {} 行中 {blank} % 为空", s.rows),
            ),
        }
    }

    fn why_won(
        &self,
        role: Role,
        runner: Option<&Candidate>,
        most_distinct: u64,
    ) -> (String, String) {
        let (n_en, n_zh) = self.name_words(role);
        let (v_en, v_zh) = self.value_words(role);
        let (mut en, mut zh) = (format!("{n_en}; {v_en}"), format!("{n_zh}；{v_zh}"));
        if self.out.is_some() {
            en.push_str("; no candidate's values fit better, so the header decided");
            zh.push_str("；没有值更合适的候选列，按列名选择");
        }
        if runner.is_none() {
            en.push_str("; the only candidate");
            zh.push_str("；唯一的候选列");
        }
        let _ = most_distinct;
        (en, zh)
    }

    fn why_lost(&self, winner: &Candidate, most_distinct: u64) -> (String, String) {
        if let Some(out) = &self.out {
            return out.clone();
        }
        if self.stats.rows > 0 && self.stats.filled() == 0 {
            return (
                "blank in every row looked at".into(),
                "所查看的行中全部为空".into(),
            );
        }
        if self.weak {
            return (
                format!(
                    "fewer distinct values ({} against {most_distinct}, {} % blank)",
                    self.stats.distinct,
                    ColumnStats::share(self.stats.blank, self.stats.rows)
                ),
                format!(
                    "不同的值较少（{} 对 {most_distinct}，{} % 为空）",
                    self.stats.distinct,
                    ColumnStats::share(self.stats.blank, self.stats.rows)
                ),
            );
        }
        let _ = winner;
        (
            "its values fit as well; a more specific header won".into(),
            "其值同样合适；列名更具体的一列胜出".into(),
        )
    }
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
