//! The periodic report and the Decision 766 indicators for a period, read off the KPI rollup the
//! store keeps with every change (never off the dossier table), grouped by resolving agency,
//! receiving desk, field, procedure or channel, for the province or an agency's subtree.

use std::collections::{BTreeMap, HashMap, HashSet};

use chrono::{Datelike, Months, NaiveDate};
use motcua_core::catalog::Channel;
use motcua_core::kpi::{Period, ReportRow, Tally};
use motcua_store::StoredAgency;

use crate::{App, AppError};

/// How the report's rows are grouped.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Grouping {
    /// By resolving agency (the unit of a dossier, KPI.md §1).
    Agency,
    /// By receiving desk.
    Desk,
    /// By field (lĩnh vực).
    Field,
    /// By procedure.
    Procedure,
    /// By channel.
    Channel,
}

impl Grouping {
    /// Every grouping, in the order pages offer them.
    pub const ALL: [Self; 5] = [
        Self::Agency,
        Self::Desk,
        Self::Field,
        Self::Procedure,
        Self::Channel,
    ];

    /// The name in URLs, the CLI and the JSON.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Agency => "agency",
            Self::Desk => "desk",
            Self::Field => "field",
            Self::Procedure => "procedure",
            Self::Channel => "channel",
        }
    }

    /// From its name.
    pub fn parse(text: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|g| g.as_str() == text)
    }

    /// The Vietnamese column heading.
    pub fn heading(self) -> &'static str {
        match self {
            Self::Agency => "Cơ quan giải quyết",
            Self::Desk => "Bộ phận tiếp nhận",
            Self::Field => "Lĩnh vực",
            Self::Procedure => "Thủ tục",
            Self::Channel => "Hình thức nộp",
        }
    }
}

/// Which units a report's rows name when units have merged.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum UnitView {
    /// Today's units: a unit merged away counts in its successor's rows (rolled up).
    #[default]
    Current,
    /// The units as they were: each merged unit keeps its own rows, its history as it was.
    AsTheyWere,
}

impl UnitView {
    /// From the wire name (`current`, `as_they_were`).
    pub fn parse(text: &str) -> Option<Self> {
        match text {
            "current" => Some(Self::Current),
            "as_they_were" => Some(Self::AsTheyWere),
            _ => None,
        }
    }

    /// The wire name.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Current => "current",
            Self::AsTheyWere => "as_they_were",
        }
    }
}

/// What figures to read.
#[derive(Debug, Clone)]
pub struct FigureQuery {
    /// The period.
    pub period: Period,
    /// The grouping of the rows.
    pub by: Grouping,
    /// Only dossiers resolved by this agency or an agency under it.
    pub under: Option<String>,
    /// Only dossiers resolved by these agencies (who asks sees no more: a leader's units).
    pub visible: Option<Vec<String>>,
    /// Today's units, or the units as they were before mergers.
    pub units: UnitView,
}

/// One row: its key (agency identifier, field code, procedure code, channel wire name), its
/// name, the periodic report's row and the indicators' counts.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct FigureRow {
    /// Key.
    pub key: String,
    /// Name.
    pub name: String,
    /// The periodic report's row.
    pub row: ReportRow,
    /// The Decision 766 numerators and denominators.
    pub tally: Tally,
    /// Dossiers of full-online procedures received online, and all of them (a plan figure).
    pub full_online: (u64, u64),
}

impl FigureRow {
    fn add(&mut self, row: &ReportRow, tally: &Tally, full_online: (u64, u64)) {
        self.row.merge(row);
        self.tally.merge(tally);
        self.full_online.0 += full_online.0;
        self.full_online.1 += full_online.1;
    }
}

/// The figures of a period.
#[derive(Debug, Clone)]
pub struct Figures {
    /// The rows, in key order.
    pub rows: Vec<FigureRow>,
    /// Every row together.
    pub total: FigureRow,
    /// The agencies the figures cover (the scope), by code.
    pub units: HashSet<String>,
}

/// The Vietnamese name of a channel, as reports print it.
pub fn channel_name(c: Channel) -> &'static str {
    match c {
        Channel::Counter => "Trực tiếp",
        Channel::Online => "Trực tuyến",
        Channel::Post => "Bưu chính công ích",
        Channel::NationalPortal => "Cổng Dịch vụ công quốc gia",
    }
}

impl App {
    /// The agencies of the province a query covers: every one, or an agency and those under
    /// it, intersected with what the asker may see.
    pub async fn figure_scope(
        &self,
        province: &str,
        under: Option<&str>,
        visible: Option<&[String]>,
        units: UnitView,
    ) -> Result<(Vec<StoredAgency>, HashSet<String>), AppError> {
        // Units merged away have rows of their own only when read as they were.
        let agencies = match units {
            UnitView::Current => self.db().agencies(province).await?,
            UnitView::AsTheyWere => self.db().agencies_ever(province).await?,
        };
        let mut scope: HashSet<String> = match under {
            None => agencies.iter().map(|a| a.code.clone()).collect(),
            Some(root) => {
                let members = subtree(&agencies, root);
                if members.is_empty() {
                    return Err(AppError::NotFound(format!("không có cơ quan {root}")));
                }
                members.into_iter().map(str::to_owned).collect()
            }
        };
        if let Some(v) = visible {
            // Who leads a successor reads the units merged into it too.
            let successor = self.current_codes(province, UnitView::Current).await?;
            scope.retain(|c| v.contains(c) || successor.get(c).is_some_and(|s| v.contains(s)));
        }
        Ok((agencies, scope))
    }

    /// Every code the province's agencies have had, to the code its figures go under: figures
    /// and dossiers kept under a code from before a re-coding still count for the agency, and
    /// (read by today's units) a merged unit's count for its successor.
    pub async fn current_codes(
        &self,
        province: &str,
        units: UnitView,
    ) -> Result<HashMap<String, String>, AppError> {
        let ever = self.db().agencies_ever(province).await?;
        let by_id: HashMap<uuid::Uuid, &StoredAgency> = ever.iter().map(|a| (a.id, a)).collect();
        let home = |id: uuid::Uuid| -> Option<String> {
            let mut a = *by_id.get(&id)?;
            if units == UnitView::Current {
                // Along the chain of mergers (bounded: a chain cannot be longer than the list).
                for _ in 0..ever.len() {
                    match a.merged_into.and_then(|s| by_id.get(&s)) {
                        Some(s) => a = s,
                        None => break,
                    }
                }
            }
            Some(a.code.clone())
        };
        Ok(self
            .db()
            .agency_codes()
            .await?
            .into_iter()
            .filter_map(|(code, id)| home(id).map(|c| (code, c)))
            .collect())
    }

    /// The figures of a period, from the rollup.
    pub async fn figures(&self, province: &str, q: &FigureQuery) -> Result<Figures, AppError> {
        let (agencies, scope) = self
            .figure_scope(province, q.under.as_deref(), q.visible.as_deref(), q.units)
            .await?;
        let places = Places::of(&agencies);
        let agency_name: HashMap<&str, &str> = agencies
            .iter()
            .map(|a| (a.code.as_str(), a.name.as_str()))
            .collect();
        let procedures = self.db().current_procedure_heads().await?;
        let procedure: HashMap<&str, (&str, &str)> = procedures
            .iter()
            .map(|p| (p.code.as_str(), (p.name.as_str(), p.field.as_str())))
            .collect();
        let current = self.current_codes(province, q.units).await?;
        let full = self.full_online_procedures(&procedures).await?;
        let mut sums = self.db().rollup_sums(q.period.from, q.period.to).await?;
        for s in &mut sums {
            for code in [&mut s.resolving, &mut s.receiving] {
                if let Some(c) = current.get(code.as_str()) {
                    code.clone_from(c);
                }
            }
        }
        let mut rows: BTreeMap<String, FigureRow> = BTreeMap::new();
        let mut total = FigureRow::default();
        for s in sums.iter().filter(|s| scope.contains(&s.resolving)) {
            // Phi địa giới: the desk's administrative unit is not the resolving unit's.
            let boundary_free = places.boundary_free(&s.receiving, &s.resolving);
            let row = ReportRow::of(s.channel, boundary_free, &s.sums);
            let tally = Tally::of(s.channel, &s.sums);
            let full_online = if full.contains(&s.procedure) {
                let received = row.received();
                let online = matches!(s.channel, Channel::Online | Channel::NationalPortal);
                (if online { received } else { 0 }, received)
            } else {
                (0, 0)
            };
            let (key, name) = match q.by {
                Grouping::Agency => (s.resolving.clone(), lookup(&agency_name, &s.resolving)),
                Grouping::Desk => (s.receiving.clone(), lookup(&agency_name, &s.receiving)),
                Grouping::Procedure => (
                    s.procedure.clone(),
                    procedure
                        .get(s.procedure.as_str())
                        .map_or_else(|| s.procedure.clone(), |(n, _)| (*n).to_owned()),
                ),
                Grouping::Field => {
                    let field = procedure
                        .get(s.procedure.as_str())
                        .map_or("Khác", |(_, f)| *f);
                    (motcua_core::text::slug(field), field.to_owned())
                }
                Grouping::Channel => (
                    s.channel.as_str().to_owned(),
                    channel_name(s.channel).to_owned(),
                ),
            };
            rows.entry(key.clone())
                .or_insert_with(|| FigureRow {
                    key,
                    name,
                    ..FigureRow::default()
                })
                .add(&row, &tally, full_online);
            total.add(&row, &tally, full_online);
        }
        // Feedback is not in the rollups: the period's feedback of the units in scope (and,
        // for the whole province, what is not routed yet) completes 5.2 and 5.3 of the total.
        let start = |d: chrono::NaiveDate| local_midnight(d);
        let received = self
            .db()
            .feedback_between(
                start(q.period.from),
                start(q.period.to + chrono::TimeDelta::days(1)),
                100_000,
            )
            .await?;
        let whole = q.under.is_none() && q.visible.is_none();
        let mine: Vec<_> = received
            .into_iter()
            .filter(|f| match &f.agency {
                Some(a) => scope.contains(a),
                None => whole,
            })
            .collect();
        let (on_time, satisfied, counted) = motcua_core::feedback::indicators(&mine, self.now());
        let n = |v: usize| u64::try_from(v).unwrap_or(u64::MAX);
        total.tally = total
            .tally
            .with_feedback(n(on_time), n(satisfied), n(counted));
        // The certification register, likewise (4.6).
        let units: Vec<String> = scope.iter().cloned().collect();
        let copies = self
            .db()
            .certified_copies_between(
                Some(&units),
                start(q.period.from),
                start(q.period.to + chrono::TimeDelta::days(1)),
                1_000_000,
            )
            .await?;
        let (electronic, certified) = motcua_core::certification::indicator(&copies);
        total.tally = total.tally.with_copies(electronic, certified);
        Ok(Figures {
            rows: rows.into_values().collect(),
            total,
            units: scope,
        })
    }
}

fn lookup(names: &HashMap<&str, &str>, code: &str) -> String {
    names
        .get(code)
        .map_or_else(|| code.to_owned(), |n| (*n).to_owned())
}

/// One month of a trend.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct MonthFigures {
    /// The month's first day.
    pub month: NaiveDate,
    /// Received.
    pub received: u64,
    /// Received online or from the national portal.
    pub online: u64,
    /// Finished.
    pub finished: u64,
    /// Finished early or on time.
    pub on_time: u64,
}

impl App {
    /// The `months` months up to the one of `to` (included), for the agencies a query covers.
    pub async fn monthly(
        &self,
        province: &str,
        under: Option<&str>,
        visible: Option<&[String]>,
        to: NaiveDate,
        months: u32,
    ) -> Result<Vec<MonthFigures>, AppError> {
        let (_, scope) = self
            .figure_scope(province, under, visible, UnitView::Current)
            .await?;
        let current = self.current_codes(province, UnitView::Current).await?;
        let last = to.with_day(1).unwrap_or(to);
        let first = last
            .checked_sub_months(Months::new(months.saturating_sub(1)))
            .unwrap_or(last);
        let mut out: Vec<MonthFigures> = (0..months)
            .filter_map(|i| first.checked_add_months(Months::new(i)))
            .map(|month| MonthFigures {
                month,
                ..MonthFigures::default()
            })
            .collect();
        let n = |v: i64| u64::try_from(v).unwrap_or(0);
        for m in self.db().rollup_monthly(first, to).await? {
            let resolving = current.get(&m.resolving).unwrap_or(&m.resolving);
            if !scope.contains(resolving) {
                continue;
            }
            let Some(slot) = out
                .iter_mut()
                .find(|x| x.month.format("%Y-%m").to_string() == m.month)
            else {
                continue;
            };
            let f = &m.flows;
            slot.received += n(f.received);
            if matches!(m.channel, Channel::Online | Channel::NationalPortal) {
                slot.online += n(f.received);
            }
            slot.finished += n(f.finished_early + f.finished_on_time + f.finished_late);
            slot.on_time += n(f.finished_early + f.finished_on_time);
        }
        Ok(out)
    }
}

/// An agency's code and the codes of every agency under it.
pub(crate) fn subtree<'a>(
    agencies: &'a [motcua_store::StoredAgency],
    root: &str,
) -> HashSet<&'a str> {
    let Some(r) = agencies.iter().find(|a| a.code == root) else {
        return HashSet::new();
    };
    let mut ids = HashSet::from([r.id]);
    loop {
        let before = ids.len();
        for a in agencies {
            if a.parent_id.is_some_and(|p| ids.contains(&p)) {
                ids.insert(a.id);
            }
        }
        if ids.len() == before {
            break;
        }
    }
    agencies
        .iter()
        .filter(|a| ids.contains(&a.id))
        .map(|a| a.code.as_str())
        .collect()
}

/// Each agency's administrative unit (its commune or province), by agency code.
pub(crate) struct Places<'a>(HashMap<&'a str, Option<&'a str>>);

impl<'a> Places<'a> {
    pub(crate) fn of(agencies: &'a [StoredAgency]) -> Self {
        Self(
            agencies
                .iter()
                .map(|a| (a.code.as_str(), a.admin_unit_code.as_deref()))
                .collect(),
        )
    }

    /// Phi địa giới: the desk's administrative unit is not the resolving agency's (both known).
    pub(crate) fn boundary_free(&self, receiving: &str, resolving: &str) -> bool {
        matches!(
            (self.0.get(receiving), self.0.get(resolving)),
            (Some(Some(a)), Some(Some(b))) if a != b
        )
    }
}

/// The first instant of a Vietnam date.
fn local_midnight(d: chrono::NaiveDate) -> chrono::DateTime<chrono::Utc> {
    motcua_core::calendar::deadline::utc(d.and_time(chrono::NaiveTime::MIN))
}
