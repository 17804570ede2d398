//! Queue tickets as use cases: a number taken at the kiosk, called to a counter, served and
//! finished (or marked absent), the dossier received in the visit linked to it, and the desk's
//! wait and handling figures. The pages decide who may act at which desk; this decides what
//! may happen to a ticket, when, and stores it.

use chrono::NaiveDate;
use motcua_core::calendar::deadline::local;
use motcua_core::dossier::Actor;
use motcua_core::ids::CitizenId;
use motcua_core::text::slug;
use motcua_core::tickets::{Ticket, TicketStatus};
use motcua_store::StoreError;
use uuid::Uuid;

use crate::{App, AppError};

/// The longest counter name ("Quầy 12 — Đất đai").
const COUNTER_LIMIT: usize = 40;

/// A counter group people choose at the kiosk: the catalogue field's key and its name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TicketGroup {
    /// Key (`dat-dai`).
    pub key: String,
    /// Name (Đất đai).
    pub name: String,
}

impl App {
    /// The groups of the kiosk: the fields of the procedures in force.
    pub async fn ticket_groups(&self) -> Result<Vec<TicketGroup>, AppError> {
        let mut out: Vec<TicketGroup> = Vec::new();
        for stored in self.db().current_procedures().await? {
            let field = stored.procedure()?.field;
            let key = slug(&field);
            if !out.iter().any(|g| g.key == key) {
                out.push(TicketGroup { key, name: field });
            }
        }
        out.sort_by(|a, b| a.name.cmp(&b.name));
        Ok(out)
    }

    /// Takes a number at a desk of the province for a group, with a CCCD if the visitor gave
    /// one (typed or read from the VNeID QR).
    pub async fn issue_ticket(
        &self,
        agency: &str,
        group: &str,
        id_number: Option<&str>,
    ) -> Result<Ticket, AppError> {
        let province = self.province().await?.map(|p| p.code).unwrap_or_default();
        match self.db().agency(agency).await? {
            Some(a) if a.province_code == province && a.code == agency && a.active => {}
            _ => {
                return Err(AppError::NotFound(format!(
                    "không có bộ phận một cửa {agency}"
                )));
            }
        }
        let groups = self.ticket_groups().await?;
        let Some(g) = groups.iter().find(|g| g.key == group) else {
            return Err(AppError::Invalid(
                "Hãy chọn lĩnh vực cần giải quyết.".into(),
            ));
        };
        let id_number = match id_number.map(|s| s.split_whitespace().collect::<String>()) {
            None => None,
            Some(s) if s.is_empty() => None,
            Some(s) => Some(
                CitizenId::parse(&s)
                    .map_err(|_| {
                        AppError::Invalid("Số định danh cá nhân (CCCD) gồm 12 chữ số.".into())
                    })?
                    .to_string(),
            ),
        };
        let now = self.now();
        let ticket = Ticket::issue(
            Uuid::now_v7(),
            agency,
            &g.key,
            &g.name,
            0,
            local(now).date(),
            id_number,
            now,
        );
        Ok(self.db().issue_ticket(ticket).await?)
    }

    /// The ticket an officer has at the counter now, if any.
    pub async fn counter_ticket(&self, by: &Actor) -> Result<Option<Ticket>, AppError> {
        Ok(self.db().officer_ticket(&by.id).await?)
    }

    /// Calls the longest-waiting ticket of the desk today (of the groups given, or any) to the
    /// officer's counter. `None` when nobody waits. An officer finishes a visit before calling.
    pub async fn call_next(
        &self,
        by: &Actor,
        agency: &str,
        counter: &str,
        groups: &[String],
    ) -> Result<Option<Ticket>, AppError> {
        let counter = counter.trim();
        if counter.is_empty() || counter.chars().count() > COUNTER_LIMIT {
            return Err(AppError::Invalid(format!(
                "Tên quầy từ 1 đến {COUNTER_LIMIT} ký tự."
            )));
        }
        if let Some(t) = self.counter_ticket(by).await? {
            return Err(AppError::Invalid(format!(
                "Quầy đang có số {} ({}): hãy hoàn thành hoặc đánh dấu vắng mặt trước.",
                t.label(),
                t.status.label_vi()
            )));
        }
        let today = local(self.now()).date();
        // Another officer may take the same number between the read and the write: the save
        // is conditional, and the next one is tried.
        for _ in 0..5 {
            let waiting = self
                .db()
                .tickets(&[agency.to_owned()], today, today, &[TicketStatus::Waiting])
                .await?;
            let Some(mut t) = waiting
                .into_iter()
                .find(|t| groups.is_empty() || groups.contains(&t.group))
            else {
                return Ok(None);
            };
            t.call(counter, &by.id, &by.name, self.now())
                .map_err(|e| AppError::Invalid(e.0))?;
            match self.db().save_ticket(&t, TicketStatus::Waiting).await {
                Ok(()) => return Ok(Some(t)),
                Err(StoreError::Conflict(_)) => {}
                Err(e) => return Err(e.into()),
            }
        }
        Ok(None)
    }

    /// A step on the officer's own ticket: `serve`, `finish` or `absent`.
    pub async fn ticket_step(&self, by: &Actor, id: Uuid, step: &str) -> Result<Ticket, AppError> {
        let mut t = self
            .db()
            .ticket(id)
            .await?
            .ok_or_else(|| AppError::NotFound("không có số thứ tự này".into()))?;
        if t.officer.as_deref() != Some(by.id.as_str()) {
            return Err(AppError::Forbidden(format!(
                "số {} do quầy khác gọi",
                t.label()
            )));
        }
        let before = t.status;
        let now = self.now();
        match step {
            "serve" => t.serve(now),
            "finish" => t.finish(now, None),
            "absent" => t.absent(now),
            _ => return Err(AppError::NotFound(format!("không có thao tác {step}"))),
        }
        .map_err(|e| AppError::Invalid(e.0))?;
        self.db().save_ticket(&t, before).await?;
        Ok(t)
    }

    /// Links a dossier the officer just received to the visit at their counter, if one is
    /// being served. A failure here never undoes the receipt: it is logged and left.
    pub(crate) async fn link_visit(&self, by: &Actor, dossier: Uuid) {
        let Ok(Some(mut t)) = self.db().officer_ticket(&by.id).await else {
            return;
        };
        if t.status != TicketStatus::Serving {
            return;
        }
        t.link_dossier(dossier);
        if let Err(e) = self.db().save_ticket(&t, TicketStatus::Serving).await {
            tracing::warn!(ticket = %t.id, error = %e, "the visit could not be linked to its dossier");
        }
    }

    /// The tickets of some desks over some days, for the board and the figures.
    pub async fn tickets(
        &self,
        agencies: &[String],
        from: NaiveDate,
        to: NaiveDate,
    ) -> Result<Vec<Ticket>, AppError> {
        Ok(self.db().tickets(agencies, from, to, &[]).await?)
    }
}
