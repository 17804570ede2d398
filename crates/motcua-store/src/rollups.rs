//! The KPI rollup (`kpi_daily`): the counts of `motcua_core::kpi::rollup`, added in the
//! transaction of every dossier change, summed for a period without reading a dossier.

use std::collections::BTreeMap;
#[cfg(feature = "bench")]
use std::sync::atomic::{AtomicBool, Ordering};

use chrono::NaiveDate;
use motcua_core::catalog::Channel;
use motcua_core::dossier::Dossier;
use motcua_core::kpi::rollup::{Counts, RollupKey, Sums, contributions};
use sea_query::{Alias, Expr, ExprTrait, Iden, OnConflict, Query, SimpleExpr};

use crate::db::{Db, Tx};
use crate::error::StoreError;

#[derive(Iden, Clone, Copy)]
enum KpiDaily {
    Table,
    Day,
    Resolving,
    Receiving,
    ProcedureCode,
    Channel,
}

/// The setting the migration leaves for the service to build the rollup of stored dossiers.
const REBUILD_FLAG: &str = "kpi_rollup";

#[cfg(feature = "bench")]
static DISABLED: AtomicBool = AtomicBool::new(false);

/// Benchmarks only: stop (or resume) keeping the rollup, to measure what it costs a step.
#[cfg(feature = "bench")]
pub fn set_rollup_disabled(off: bool) {
    DISABLED.store(off, Ordering::SeqCst);
}

fn disabled() -> bool {
    #[cfg(feature = "bench")]
    {
        DISABLED.load(Ordering::Relaxed)
    }
    #[cfg(not(feature = "bench"))]
    {
        false
    }
}

/// Adds what a change does to the rollup (as the core decided it), in the change's transaction.
pub(crate) async fn apply_change(
    tx: &mut Tx,
    counts: &[(RollupKey, Counts)],
) -> Result<(), StoreError> {
    if disabled() {
        return Ok(());
    }
    add_all(tx, counts).await
}

/// Adds counts to their rows, creating them at 0 first.
pub(crate) async fn add_all(tx: &mut Tx, rows: &[(RollupKey, Counts)]) -> Result<(), StoreError> {
    if rows.is_empty() {
        return Ok(());
    }
    let mut columns = vec![
        Alias::new("day"),
        Alias::new("resolving"),
        Alias::new("receiving"),
        Alias::new("procedure_code"),
        Alias::new("channel"),
    ];
    columns.extend(Counts::COLUMNS.iter().map(|c| Alias::new(*c)));
    let mut conflict = OnConflict::columns([
        KpiDaily::Day,
        KpiDaily::Resolving,
        KpiDaily::Receiving,
        KpiDaily::ProcedureCode,
        KpiDaily::Channel,
    ]);
    for c in Counts::COLUMNS {
        conflict.value(
            Alias::new(*c),
            Expr::col((KpiDaily::Table, Alias::new(*c)))
                .add(Expr::col((Alias::new("excluded"), Alias::new(*c)))),
        );
    }
    // A few hundred rows a statement keeps under both engines' bind limits (22 columns each).
    for chunk in rows.chunks(400) {
        let mut insert = Query::insert()
            .into_table(KpiDaily::Table)
            .columns(columns.clone())
            .on_conflict(conflict.clone())
            .to_owned();
        for (k, c) in chunk {
            let mut values: Vec<SimpleExpr> = vec![
                k.day.format("%Y-%m-%d").to_string().into(),
                k.resolving.clone().into(),
                k.receiving.clone().into(),
                k.procedure.clone().into(),
                k.channel.as_str().into(),
            ];
            values.extend(c.values().into_iter().map(SimpleExpr::from));
            insert
                .values(values)
                .map_err(|e| StoreError::Encoding(e.to_string()))?;
        }
        tx.execute(&insert).await?;
    }
    Ok(())
}

/// One key's sums for a period, as the store read them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RollupSums {
    /// Resolving agency.
    pub resolving: String,
    /// Receiving desk.
    pub receiving: String,
    /// Procedure.
    pub procedure: String,
    /// Channel.
    pub channel: Channel,
    /// The sums.
    pub sums: Sums,
}

/// A row of `T` text columns (the key) followed by integer columns.
struct KeyedRow<const T: usize> {
    texts: Vec<String>,
    values: Vec<i64>,
}

macro_rules! keyed_row_from {
    ($row:ident) => {{
        use sqlx::Row as _;
        let mut texts = Vec::with_capacity(T);
        for i in 0..T {
            texts.push($row.try_get::<String, _>(i)?);
        }
        let mut values = Vec::new();
        for i in T..$row.len() {
            values.push($row.try_get::<i64, _>(i)?);
        }
        Ok(Self { texts, values })
    }};
}

impl<const T: usize> crate::row::DbRow for KeyedRow<T> {
    fn from_sqlite(row: &sqlx::sqlite::SqliteRow) -> Result<Self, sqlx::Error> {
        keyed_row_from!(row)
    }
    fn from_pg(row: &sqlx::postgres::PgRow) -> Result<Self, sqlx::Error> {
        keyed_row_from!(row)
    }
}

fn sum(expr: &str) -> SimpleExpr {
    // PostgreSQL sums BIGINT as NUMERIC; both engines read back a 64-bit integer this way.
    Expr::cust(format!("CAST(COALESCE(SUM({expr}), 0) AS BIGINT)"))
}

impl Db {
    /// The rollup summed for a period, one entry per key with anything in it: the flows of the
    /// period's days and the balances before it and at its end. Reads the rollup's rows up to
    /// the period's last day, never a dossier.
    pub async fn rollup_sums(
        &self,
        from: NaiveDate,
        to: NaiveDate,
    ) -> Result<Vec<RollupSums>, StoreError> {
        // Dates as ISO text compare as dates; they are formatted here, never taken from input.
        let (from_s, to_s) = (
            from.format("%Y-%m-%d").to_string(),
            to.format("%Y-%m-%d").to_string(),
        );
        let keys = [
            KpiDaily::Resolving,
            KpiDaily::Receiving,
            KpiDaily::ProcedureCode,
            KpiDaily::Channel,
        ];
        // The flows: the period's days only.
        let mut flows = Query::select()
            .columns(keys)
            .from(KpiDaily::Table)
            .and_where(Expr::col(KpiDaily::Day).gte(from_s.clone()))
            .and_where(Expr::col(KpiDaily::Day).lte(to_s.clone()))
            .group_by_columns(keys)
            .to_owned();
        for c in Counts::COLUMNS {
            flows.expr(sum(c));
        }
        // The balances: every day up to the period's end, three columns.
        let mut balances = Query::select()
            .columns(keys)
            .from(KpiDaily::Table)
            .and_where(Expr::col(KpiDaily::Day).lte(to_s))
            .group_by_columns(keys)
            .to_owned();
        balances.expr(sum(&format!(
            "CASE WHEN day < '{from_s}' THEN open ELSE 0 END"
        )));
        balances.expr(sum("open"));
        balances.expr(sum("overdue"));
        balances.expr(sum("late_national"));
        let mut out: BTreeMap<(String, String, String, Channel), Sums> = BTreeMap::new();
        let key = |texts: Vec<String>| {
            let [resolving, receiving, procedure, channel] = <[String; 4]>::try_from(texts).ok()?;
            Some((resolving, receiving, procedure, Channel::parse(&channel)?))
        };
        for r in self.fetch_all::<_, KeyedRow<4>>(&flows).await? {
            if let Some(k) = key(r.texts) {
                out.entry(k).or_default().flows = Counts::from_values(&r.values);
            }
        }
        for r in self.fetch_all::<_, KeyedRow<4>>(&balances).await? {
            if let Some(k) = key(r.texts) {
                let s = out.entry(k).or_default();
                let v = |i: usize| r.values.get(i).copied().unwrap_or(0);
                (
                    s.open_before,
                    s.open_end,
                    s.overdue_end,
                    s.late_national_end,
                ) = (v(0), v(1), v(2), v(3));
            }
        }
        Ok(out
            .into_iter()
            .filter(|(_, sums)| *sums != Sums::default())
            .map(
                |((resolving, receiving, procedure, channel), sums)| RollupSums {
                    resolving,
                    receiving,
                    procedure,
                    channel,
                    sums,
                },
            )
            .collect())
    }

    /// Every row of the rollup (for `motcua report --verify`), rows of zeros left out.
    pub async fn rollup_rows(&self) -> Result<BTreeMap<RollupKey, Counts>, StoreError> {
        let mut q = Query::select()
            .columns([
                KpiDaily::Day,
                KpiDaily::Resolving,
                KpiDaily::Receiving,
                KpiDaily::ProcedureCode,
                KpiDaily::Channel,
            ])
            .from(KpiDaily::Table)
            .to_owned();
        for c in Counts::COLUMNS {
            q.expr(Expr::cust(format!("CAST({c} AS BIGINT)")));
        }
        let rows: Vec<KeyedRow<5>> = self.fetch_all(&q).await?;
        Ok(rows
            .into_iter()
            .filter_map(|r| {
                let [day, resolving, receiving, procedure, channel] =
                    <[String; 5]>::try_from(r.texts).ok()?;
                let key = RollupKey {
                    day: NaiveDate::parse_from_str(&day, "%Y-%m-%d").ok()?,
                    resolving,
                    receiving,
                    procedure,
                    channel: Channel::parse(&channel)?,
                };
                let counts = Counts::from_values(&r.values);
                (counts != Counts::default()).then_some((key, counts))
            })
            .collect())
    }

    /// Replaces the whole rollup with `rows` in one transaction (a rebuild, or a repair after
    /// `motcua report --verify`), and clears the migration's rebuild flag.
    pub async fn replace_rollup(
        &self,
        rows: &BTreeMap<RollupKey, Counts>,
    ) -> Result<(), StoreError> {
        let mut tx = self.begin_write().await?;
        tx.execute(&Query::delete().from_table(KpiDaily::Table).to_owned())
            .await?;
        let rows: Vec<(RollupKey, Counts)> = rows.iter().map(|(k, c)| (k.clone(), *c)).collect();
        add_all(&mut tx, &rows).await?;
        tx.execute(
            &Query::delete()
                .from_table(Alias::new("settings"))
                .and_where(Expr::col(Alias::new("key")).eq(REBUILD_FLAG))
                .to_owned(),
        )
        .await?;
        tx.commit().await
    }

    /// Adds counts to the rollup in one transaction (a repair: the differences from a recompute).
    pub async fn add_to_rollup(&self, rows: &[(RollupKey, Counts)]) -> Result<(), StoreError> {
        let mut tx = self.begin_write().await?;
        add_all(&mut tx, rows).await?;
        tx.commit().await
    }

    /// Builds the rollup from the stored dossiers when the migration that created it asked for
    /// it (a database from before it). Returns how many dossiers were read, if it ran.
    pub async fn build_rollup_if_needed(&self) -> Result<Option<u64>, StoreError> {
        if self.setting(REBUILD_FLAG).await?.is_none() {
            return Ok(None);
        }
        let mut sum: BTreeMap<RollupKey, Counts> = BTreeMap::new();
        let (mut after, mut read) = (None, 0u64);
        loop {
            let page = self.dossiers_after(after, 1000).await?;
            let Some(last) = page.last() else { break };
            after = Some(last.id);
            for d in &page {
                read += 1;
                for (k, c) in contributions(d) {
                    *sum.entry(k).or_default() += c;
                }
            }
        }
        sum.retain(|_, c| *c != Counts::default());
        self.replace_rollup(&sum).await?;
        Ok(Some(read))
    }
}

impl Db {
    /// The dossiers that can count in a period's figures for some units: resolved by one of
    /// them, received before `end`, not finished before `start`. A page at a time in id order
    /// (`after`: the last id of the previous page); the caller decides which figures each is in.
    pub async fn dossiers_in_period(
        &self,
        units: &[String],
        start: chrono::DateTime<chrono::Utc>,
        end: chrono::DateTime<chrono::Utc>,
        after: Option<motcua_core::dossier::DossierId>,
        limit: u64,
    ) -> Result<Vec<Dossier>, StoreError> {
        use crate::dossiers::Dossiers as D;
        let mut q = Query::select()
            .columns([D::State, D::Version])
            .from(D::Table)
            .and_where(Expr::col(D::ResolvingAgency).is_in(units.iter().cloned()))
            .and_where(Expr::col(D::ReceivedAt).lt(end))
            .and_where(
                Expr::col(D::FinishedAt)
                    .is_null()
                    .or(Expr::col(D::FinishedAt).gte(start)),
            )
            .order_by(D::Id, sea_query::Order::Asc)
            .to_owned();
        if let Some(a) = after {
            q.and_where(Expr::col(D::Id).gt(a.0));
        }
        let rows: Vec<crate::dossiers::StateRow> = self.fetch_page(&q, limit).await?;
        Ok(rows.into_iter().map(|r| r.state.0).collect())
    }
}

/// One month's flows for one resolving agency and channel.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MonthFlows {
    /// `YYYY-MM`.
    pub month: String,
    /// Resolving agency.
    pub resolving: String,
    /// Channel.
    pub channel: Channel,
    /// The month's flows (balances are left out: their monthly sums mean nothing alone).
    pub flows: Counts,
}

impl Db {
    /// The flows of every month from `from` to `to` (days), per resolving agency and channel:
    /// what a trend chart reads.
    pub async fn rollup_monthly(
        &self,
        from: NaiveDate,
        to: NaiveDate,
    ) -> Result<Vec<MonthFlows>, StoreError> {
        let mut q = Query::select()
            .expr(Expr::cust("SUBSTR(day, 1, 7)"))
            .columns([KpiDaily::Resolving, KpiDaily::Channel])
            .from(KpiDaily::Table)
            .and_where(Expr::col(KpiDaily::Day).gte(from.format("%Y-%m-%d").to_string()))
            .and_where(Expr::col(KpiDaily::Day).lte(to.format("%Y-%m-%d").to_string()))
            .add_group_by([
                Expr::cust("SUBSTR(day, 1, 7)"),
                Expr::col(KpiDaily::Resolving),
                Expr::col(KpiDaily::Channel),
            ])
            .to_owned();
        for c in Counts::COLUMNS {
            q.expr(sum(c));
        }
        let rows: Vec<KeyedRow<3>> = self.fetch_all(&q).await?;
        Ok(rows
            .into_iter()
            .filter_map(|r| {
                let [month, resolving, channel] = <[String; 3]>::try_from(r.texts).ok()?;
                Some(MonthFlows {
                    month,
                    resolving,
                    channel: Channel::parse(&channel)?,
                    flows: Counts::from_values(&r.values),
                })
            })
            .collect())
    }
}
