//! The queues an officer works from (hàng đợi), each its own list with its own count: online
//! filings to acknowledge within 8 working hours, overdue, due within a working day (when the
//! apology, Mẫu 04, must go out), unassigned at my unit, waiting for a leader's approval or
//! signature, results to return, and "mine" (what the role does next).

use motcua_core::catalog::Role;
use motcua_store::DossierFilter;

use super::Ui;
use crate::auth::Principal;

/// A queue, named in the URL (`/work?queue=…`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Queue {
    /// What the role does next (the default).
    Mine,
    /// Online filings waiting for acceptance (8 working hours).
    Acknowledge,
    /// Past their due instant, the clock running.
    Overdue,
    /// Due within one working day.
    DueSoon,
    /// At my units, the current step not assigned to anyone.
    Unassigned,
    /// Waiting for a leader's approval or signature.
    Approve,
    /// A result ready, not yet returned.
    Return,
}

impl Queue {
    /// Every queue, in the order the home page shows them.
    pub const ALL: [Self; 7] = [
        Self::Acknowledge,
        Self::Mine,
        Self::Unassigned,
        Self::Approve,
        Self::DueSoon,
        Self::Overdue,
        Self::Return,
    ];

    /// The URL name.
    pub fn name(self) -> &'static str {
        match self {
            Self::Mine => "mine",
            Self::Acknowledge => "acknowledge",
            Self::Overdue => "overdue",
            Self::DueSoon => "due-soon",
            Self::Unassigned => "unassigned",
            Self::Approve => "approve",
            Self::Return => "return",
        }
    }

    /// From the URL name; anything else is "mine".
    pub fn parse(name: Option<&str>) -> Self {
        Self::ALL
            .into_iter()
            .find(|q| Some(q.name()) == name)
            .unwrap_or(Self::Mine)
    }

    /// The title.
    pub fn label(self, ui: &Ui) -> &'static str {
        match self {
            Self::Mine => ui.t("Chờ tôi xử lý", "Waiting for me"),
            Self::Acknowledge => ui.t(
                "Hồ sơ trực tuyến chờ tiếp nhận (8 giờ làm việc)",
                "Online filings to accept (8 working hours)",
            ),
            Self::Overdue => ui.t("Quá hạn", "Overdue"),
            Self::DueSoon => ui.t(
                "Sắp đến hạn (còn dưới 1 ngày làm việc)",
                "Due within a working day",
            ),
            Self::Unassigned => ui.t("Chưa phân công tại đơn vị", "Unassigned at my unit"),
            Self::Approve => ui.t(
                "Chờ lãnh đạo duyệt, ký",
                "Waiting for approval or signature",
            ),
            Self::Return => ui.t("Có kết quả, chờ trả", "Results to return"),
        }
    }

    /// The queues a role sees on its home page.
    pub fn for_role(role: Role) -> Vec<Self> {
        let wanted: &[Self] = match role {
            Role::DeskOfficer => &[
                Self::Acknowledge,
                Self::Mine,
                Self::Return,
                Self::DueSoon,
                Self::Overdue,
            ],
            Role::Specialist => &[Self::Mine, Self::DueSoon, Self::Overdue],
            Role::Leader => &[
                Self::Mine,
                Self::Unassigned,
                Self::Approve,
                Self::DueSoon,
                Self::Overdue,
            ],
            Role::Supervisor | Role::Administrator => &[
                Self::Acknowledge,
                Self::DueSoon,
                Self::Overdue,
                Self::Return,
            ],
        };
        wanted.to_vec()
    }

    /// The filters whose union is the queue (the desk's own work is three lists), on top of
    /// what the user may see. Due-soon is narrowed by working time afterwards.
    pub fn filters(
        self,
        p: &Principal,
        base: &DossierFilter,
        now: chrono::DateTime<chrono::Utc>,
    ) -> Vec<DossierFilter> {
        let open = DossierFilter {
            open_only: true,
            ..base.clone()
        };
        let status = |s: &str| DossierFilter {
            status: Some(s.into()),
            ..base.clone()
        };
        match self {
            Self::Acknowledge => vec![status("submitted")],
            Self::Return => vec![status("result_ready")],
            Self::Overdue => vec![DossierFilter {
                overdue_at: Some(now),
                ..base.clone()
            }],
            // Three calendar days cover a weekend; the working-time check keeps one day.
            Self::DueSoon => vec![DossierFilter {
                due_before: Some(now + chrono::TimeDelta::days(3)),
                not_overdue_at: Some(now),
                ..open
            }],
            Self::Unassigned => vec![DossierFilter {
                unassigned_only: true,
                ..open
            }],
            Self::Approve => vec![DossierFilter {
                waiting_role: Some(Role::Leader.as_str().into()),
                ..open
            }],
            Self::Mine => match p.role {
                Role::DeskOfficer => vec![
                    status("submitted"),
                    DossierFilter {
                        waiting_role: Some(Role::DeskOfficer.as_str().into()),
                        ..open
                    },
                    status("result_ready"),
                ],
                Role::Specialist | Role::Leader => vec![DossierFilter {
                    waiting_role: Some(p.role.as_str().into()),
                    free_or_assigned_to: Some(p.id.clone()),
                    ..open
                }],
                Role::Supervisor | Role::Administrator => vec![DossierFilter {
                    overdue_at: Some(now),
                    ..base.clone()
                }],
            },
        }
    }
}
