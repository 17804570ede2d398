//! The plans' targets (chỉ tiêu kế hoạch, KPI.md §4) as data a province imports: per figure,
//! per unit (the province, one agency, or every agency of a kind) and per date, e.g. the Hà Tĩnh
//! 2023 schedule (online share 70 % by 30/4, 80 % by 30/5, …). A figure is shown beside the
//! target in force at the period's end — the last one due by then (or the first one to come) —
//! met or behind, and by how much.

use chrono::NaiveDate;
use serde::Deserialize;

use super::index766::{Outcome, Tally};
use crate::catalog::AGENCY_KINDS;
use crate::ids::AgencyCode;

/// The figures a plan sets targets for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum PlanFigure {
    /// Dossiers received online, share of received (3.3).
    Online,
    /// Dossiers paid online, share of those with something to pay (3.6).
    PaidOnline,
    /// Dossiers of full-online procedures received online, share of those procedures' dossiers.
    FullOnline,
    /// Inputs and results digitised (4.2).
    Digitised,
    /// Documents already accepted reused, citizens not asked again (4.3).
    Reused,
    /// Finished dossiers with an electronic, reusable result (4.1).
    ElectronicResult,
    /// Handled on time (2.1).
    OnTime,
    /// Satisfaction with handling (5.4).
    Satisfaction,
    /// Population data used (4.5).
    PopulationData,
    /// Dossiers received per desk officer per year.
    DeskProductivity,
    /// Inter-agency transfers done electronically: the system does not hold paper transfers.
    ElectronicTransfer,
    /// Average wait at the desk, minutes (from queue tickets: issued to called).
    WaitMinutes,
}

impl PlanFigure {
    /// Every figure, in the order a dashboard shows them.
    pub const ALL: [Self; 12] = [
        Self::Online,
        Self::PaidOnline,
        Self::FullOnline,
        Self::Digitised,
        Self::Reused,
        Self::ElectronicResult,
        Self::OnTime,
        Self::Satisfaction,
        Self::PopulationData,
        Self::DeskProductivity,
        Self::ElectronicTransfer,
        Self::WaitMinutes,
    ];

    /// The name in plan files.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Online => "online",
            Self::PaidOnline => "paid_online",
            Self::FullOnline => "full_online",
            Self::Digitised => "digitised",
            Self::Reused => "reused",
            Self::ElectronicResult => "electronic_result",
            Self::OnTime => "on_time",
            Self::Satisfaction => "satisfaction",
            Self::PopulationData => "population_data",
            Self::DeskProductivity => "desk_productivity",
            Self::ElectronicTransfer => "electronic_transfer",
            Self::WaitMinutes => "wait_minutes",
        }
    }

    /// From its name.
    pub fn parse(text: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|f| f.as_str() == text)
    }

    /// Vietnamese name.
    pub fn name(self) -> &'static str {
        match self {
            Self::Online => "Tỉ lệ hồ sơ tiếp nhận trực tuyến",
            Self::PaidOnline => "Tỉ lệ hồ sơ thanh toán trực tuyến",
            Self::FullOnline => "Hồ sơ DVC toàn trình tiếp nhận và giải quyết trực tuyến",
            Self::Digitised => "Tỉ lệ số hóa hồ sơ, kết quả giải quyết",
            Self::Reused => "Tỉ lệ tái sử dụng dữ liệu đã số hóa",
            Self::ElectronicResult => "Tỉ lệ kết quả giải quyết được số hóa, tái sử dụng",
            Self::OnTime => "Tỉ lệ hồ sơ giải quyết đúng hạn",
            Self::Satisfaction => "Mức độ hài lòng về giải quyết hồ sơ",
            Self::PopulationData => "Tỉ lệ sử dụng dữ liệu dân cư",
            Self::DeskProductivity => {
                "Số hồ sơ tiếp nhận bình quân của một cán bộ một cửa trong năm"
            }
            Self::ElectronicTransfer => "Tỉ lệ luân chuyển hồ sơ liên thông điện tử",
            Self::WaitMinutes => "Thời gian chờ bình quân tại Bộ phận Một cửa (phút)",
        }
    }

    /// Whether the target is a ceiling (met when the figure is at or below it).
    pub fn lower_is_better(self) -> bool {
        matches!(self, Self::WaitMinutes)
    }

    /// Whether the figure is a share (targets in percent) rather than a count.
    pub fn is_share(self) -> bool {
        !matches!(self, Self::DeskProductivity | Self::WaitMinutes)
    }
}

/// Which units a target is for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TargetScope {
    /// The province as a whole.
    Province,
    /// One agency (and what is under it).
    Agency(AgencyCode),
    /// Each agency of a kind (e.g. every land-registration branch).
    Kind(String),
}

/// One target: a figure's value due by a date.
#[derive(Debug, Clone, PartialEq)]
pub struct Target {
    /// The figure.
    pub figure: PlanFigure,
    /// For whom.
    pub scope: TargetScope,
    /// Due by (included).
    pub by: NaiveDate,
    /// The value: a fraction 0–1 for a share, a count or minutes otherwise.
    pub value: f64,
}

/// A plan file.
#[derive(Debug, Clone, PartialEq)]
pub struct Plan {
    /// The plan's name (kế hoạch số …), which a later import of the same plan replaces.
    pub name: String,
    /// The province it is for (statistics code).
    pub province: String,
    /// Its targets.
    pub targets: Vec<Target>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawPlan {
    plan: String,
    province: String,
    target: Vec<toml::Spanned<RawTarget>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawTarget {
    figure: String,
    #[serde(default)]
    agency: Option<String>,
    #[serde(default)]
    kind: Option<String>,
    by: String,
    #[serde(default)]
    percent: Option<f64>,
    #[serde(default)]
    count: Option<f64>,
}

/// Reads a plan file (TOML); errors name the file and line, in Vietnamese.
pub fn parse_plan(file: &str, text: &str) -> Result<Plan, String> {
    let line = |offset: usize| {
        text.get(..offset)
            .map_or(1, |t| t.matches('\n').count() + 1)
    };
    let raw: RawPlan = toml::from_str(text).map_err(|e| {
        format!(
            "{file}:{}: {}",
            line(e.span().map_or(0, |s| s.start)),
            e.message()
        )
    })?;
    if raw.plan.trim().is_empty() || raw.plan.chars().count() > 300 {
        return Err(format!(
            "{file}: tên kế hoạch (plan) phải có, tối đa 300 ký tự"
        ));
    }
    if raw.province.len() != 2 || !raw.province.bytes().all(|b| b.is_ascii_digit()) {
        return Err(format!(
            "{file}: mã tỉnh \"{}\" phải gồm 2 chữ số",
            raw.province
        ));
    }
    let mut targets: Vec<Target> = Vec::new();
    for t in raw.target {
        let at = line(t.span().start);
        let t = t.into_inner();
        let err = |m: String| format!("{file}:{at}: {m}");
        let figure = PlanFigure::parse(&t.figure).ok_or_else(|| {
            let known: Vec<&str> = PlanFigure::ALL.iter().map(|f| f.as_str()).collect();
            err(format!(
                "chỉ tiêu \"{}\" không có; dùng một trong: {}",
                t.figure,
                known.join(", ")
            ))
        })?;
        let scope = match (t.agency, t.kind) {
            (Some(_), Some(_)) => {
                return Err(err("chỉ ghi agency hoặc kind, không ghi cả hai".into()));
            }
            (Some(a), None) => {
                TargetScope::Agency(AgencyCode::parse(&a).map_err(|e| err(e.to_string()))?)
            }
            (None, Some(k)) if AGENCY_KINDS.contains(&k.as_str()) => TargetScope::Kind(k),
            (None, Some(k)) => {
                return Err(err(format!("loại cơ quan \"{k}\" không có trong danh mục")));
            }
            (None, None) => TargetScope::Province,
        };
        let by = NaiveDate::parse_from_str(&t.by, "%Y-%m-%d").map_err(|_| {
            err(format!(
                "ngày \"{}\" không hợp lệ (cần năm-tháng-ngày)",
                t.by
            ))
        })?;
        let value = match (figure.is_share(), t.percent, t.count) {
            (true, Some(p), None) if (0.0..=100.0).contains(&p) => p / 100.0,
            (true, Some(p), None) => return Err(err(format!("tỉ lệ {p} % phải từ 0 đến 100"))),
            (true, _, _) => {
                return Err(err(format!(
                    "chỉ tiêu {} cần percent (0–100)",
                    figure.as_str()
                )));
            }
            (false, None, Some(c)) if c >= 0.0 && c.is_finite() => c,
            (false, _, _) => {
                return Err(err(format!(
                    "chỉ tiêu {} cần count (số không âm)",
                    figure.as_str()
                )));
            }
        };
        if targets
            .iter()
            .any(|x| x.figure == figure && x.scope == scope && x.by == by)
        {
            return Err(err(format!(
                "chỉ tiêu {} trùng đơn vị và ngày {by}",
                figure.as_str()
            )));
        }
        targets.push(Target {
            figure,
            scope,
            by,
            value,
        });
    }
    if targets.is_empty() {
        return Err(format!(
            "{file}: kế hoạch không có chỉ tiêu nào ([[target]])"
        ));
    }
    Ok(Plan {
        name: raw.plan.trim().to_owned(),
        province: raw.province,
        targets,
    })
}

/// What a unit's figures are made of besides its tally: the full-online procedures' dossiers
/// (online, all), its desk officers, and the period's length in days.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct PlanInputs {
    /// Full-online procedures' dossiers received online, and all of them.
    pub full_online: (u64, u64),
    /// Desk officers of the unit (active accounts), if it has a desk.
    pub desk_officers: u64,
    /// Days in the period.
    pub days: u64,
    /// Average wait at the desk in the period, minutes, from its queue tickets.
    pub wait_minutes: Option<f64>,
}

/// A figure's value for a unit: a fraction for a share, a count otherwise; `None` when the
/// system holds no data for it or it has no denominator.
#[expect(clippy::cast_precision_loss, reason = "counts far below 2^52")]
pub fn plan_value(figure: PlanFigure, tally: &Tally, inputs: &PlanInputs) -> Option<f64> {
    let code = match figure {
        PlanFigure::Online => "3.3",
        PlanFigure::PaidOnline => "3.6",
        PlanFigure::Digitised => "4.2",
        PlanFigure::Reused => "4.3",
        PlanFigure::ElectronicResult => "4.1",
        PlanFigure::OnTime => "2.1",
        PlanFigure::Satisfaction => "5.4",
        PlanFigure::PopulationData => "4.5",
        PlanFigure::FullOnline => {
            let (n, d) = inputs.full_online;
            return (d > 0).then(|| n as f64 / d as f64);
        }
        PlanFigure::DeskProductivity => {
            if inputs.desk_officers == 0 || inputs.days == 0 {
                return None;
            }
            let received = tally.outcomes(None).iter().find_map(|(i, o)| match o {
                Outcome::Scored { denominator, .. } if i.code == "3.3" => Some(*denominator),
                _ => None,
            });
            let per_day = received.unwrap_or(0) as f64 / inputs.days as f64;
            return Some(per_day * 365.0 / inputs.desk_officers as f64);
        }
        PlanFigure::WaitMinutes => return inputs.wait_minutes,
        PlanFigure::ElectronicTransfer => return None,
    };
    tally
        .outcomes(None)
        .iter()
        .find(|(i, _)| i.code == code)
        .and_then(|(_, o)| match o {
            Outcome::Scored {
                numerator,
                denominator,
                ..
            } => Some(*numerator as f64 / *denominator as f64),
            _ => None,
        })
}

/// The target in force at `day` among a unit's targets for a figure: the last due by then, or
/// else the first still to come.
pub fn target_at<'a>(
    targets: impl IntoIterator<Item = &'a Target>,
    day: NaiveDate,
) -> Option<&'a Target> {
    let mut past: Option<&Target> = None;
    let mut next: Option<&Target> = None;
    for t in targets {
        if t.by <= day {
            if past.is_none_or(|p| t.by > p.by) {
                past = Some(t);
            }
        } else if next.is_none_or(|n| t.by < n.by) {
            next = Some(t);
        }
    }
    past.or(next)
}

/// Where a figure stands against its target.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Standing {
    /// At or beyond the target; by how much.
    Met(f64),
    /// Short of it; by how much.
    Behind(f64),
    /// The figure has no data.
    NoData,
}

/// Compares a value with a target.
pub fn standing(figure: PlanFigure, value: Option<f64>, target: f64) -> Standing {
    let Some(v) = value else {
        return Standing::NoData;
    };
    let gap = if figure.lower_is_better() {
        target - v
    } else {
        v - target
    };
    // A rounding hair's breadth is met: 69.99999 % of 70 % is 70 %.
    if gap >= -1e-9 {
        Standing::Met(gap.max(0.0))
    } else {
        Standing::Behind(-gap)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const HA_TINH: &str = r#"
plan = "Kế hoạch 2023 (Hà Tĩnh)"
province = "42"

[[target]]
figure = "online"
kind = "department"
by = "2023-04-30"
percent = 70

[[target]]
figure = "online"
kind = "department"
by = "2023-05-30"
percent = 80

[[target]]
figure = "online"
kind = "land_registration_branch"
by = "2023-04-30"
percent = 30

[[target]]
figure = "desk_productivity"
by = "2023-12-31"
count = 1600
"#;

    #[test]
    fn a_plan_reads_and_the_target_in_force_is_the_last_due() {
        let plan = parse_plan("ha-tinh.toml", HA_TINH).unwrap();
        assert_eq!(plan.targets.len(), 4);
        let dept: Vec<&Target> = plan
            .targets
            .iter()
            .filter(|t| t.scope == TargetScope::Kind("department".into()))
            .collect();
        let day = |s: &str| NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap();
        assert_eq!(
            target_at(dept.iter().copied(), day("2023-05-15"))
                .unwrap()
                .value,
            0.7
        );
        assert_eq!(
            target_at(dept.iter().copied(), day("2023-06-01"))
                .unwrap()
                .value,
            0.8
        );
        assert_eq!(
            target_at(dept.iter().copied(), day("2023-01-01"))
                .unwrap()
                .value,
            0.7,
            "before the first: the first to come"
        );
        assert!(
            matches!(standing(PlanFigure::Online, Some(0.75), 0.7), Standing::Met(m) if (m - 0.05).abs() < 1e-9)
        );
        assert!(
            matches!(standing(PlanFigure::Online, Some(0.6), 0.7), Standing::Behind(b) if (b - 0.1).abs() < 1e-9)
        );
        assert_eq!(
            standing(PlanFigure::WaitMinutes, None, 15.0),
            Standing::NoData
        );
    }

    #[test]
    fn bad_plans_are_refused_with_the_line() {
        let bad = HA_TINH.replace("percent = 80", "percent = 180");
        let e = parse_plan("p.toml", &bad).unwrap_err();
        assert!(e.starts_with("p.toml:11:"), "{e}");
        let bad = HA_TINH.replace("figure = \"desk_productivity\"", "figure = \"speed\"");
        assert!(parse_plan("p.toml", &bad).unwrap_err().contains("không có"));
        let bad = HA_TINH.replace("count = 1600", "percent = 16");
        assert!(
            parse_plan("p.toml", &bad)
                .unwrap_err()
                .contains("cần count")
        );
        let bad = HA_TINH.replace("kind = \"land_registration_branch\"", "kind = \"bakery\"");
        assert!(parse_plan("p.toml", &bad).unwrap_err().contains("bakery"));
        let bad = HA_TINH.replace("2023-05-30", "2023-04-30");
        assert!(parse_plan("p.toml", &bad).unwrap_err().contains("trùng"));
    }
}
