//! The lifecycle walked end to end, and the decider's properties.

use std::sync::{Arc, OnceLock};

use chrono::{DateTime, TimeDelta, Utc};
use proptest::prelude::*;

use super::*;
use crate::calendar::{OfficeHours, WorkCalendar, builtin_data, deadline};
use crate::catalog::{Channel, Procedure, Role, StepKind, parse_procedure};
use crate::ids::{AgencyCode, CitizenId, DossierCode};

fn calendar() -> &'static WorkCalendar {
    static CAL: OnceLock<WorkCalendar> = OnceLock::new();
    CAL.get_or_init(|| {
        WorkCalendar::new(
            Arc::new(builtin_data().unwrap()),
            None,
            OfficeHours::civil_service(),
        )
    })
}

fn transfer() -> &'static Procedure {
    static P: OnceLock<Procedure> = OnceLock::new();
    P.get_or_init(|| backdated(include_str!("../../../../catalog/procedures/1.013831.toml")))
}

/// Seed procedure 1.013833 as it stood before its 2025 re-publication (five working days,
/// 24 hours to examine): the hand-checked January 2025 dates below were worked out for it.
fn simple() -> &'static Procedure {
    static P: OnceLock<Procedure> = OnceLock::new();
    P.get_or_init(|| {
        let text = include_str!("../../../../catalog/procedures/1.013833.toml")
            .replacen("statutory_days = 4", "statutory_days = 5", 1)
            .replacen(
                "unit = \"resolving\"\nbudget_hours = 16",
                "unit = \"resolving\"\nbudget_hours = 24",
                1,
            );
        backdated(&text)
    })
}

/// A seed procedure in force from 2024, so the hand-checked January 2025 dates apply.
fn backdated(text: &str) -> Procedure {
    let mut p = parse_procedure("seed", text).unwrap();
    p.effective_from = chrono::NaiveDate::from_ymd_opt(2024, 1, 1).unwrap();
    p
}

fn vn(text: &str) -> DateTime<Utc> {
    deadline::utc(chrono::NaiveDateTime::parse_from_str(text, "%Y-%m-%d %H:%M").unwrap())
}

fn agency() -> AgencyCode {
    AgencyCode::parse("000.00.31.H41").unwrap()
}

fn actor(role: Role, id: &str) -> Actor {
    Actor::staff(id, format!("Cán bộ {id}"), role)
}

fn new_dossier(p: &Procedure, channel: Channel) -> NewDossier {
    NewDossier {
        id: DossierId(uuid::Uuid::nil()),
        code: DossierCode::parse("000.00.31.H41-250106-0001").unwrap(),
        external_code: None,
        channel,
        receiving_agency: agency(),
        resolving_agency: agency(),
        applicant: Applicant::Person {
            id: CitizenId::parse("048085000123").unwrap(),
            name: "Nguyễn Thị Lan".into(),
            born: None,
            address: "Phường Hải Châu, Thành phố Đà Nẵng".into(),
            phone: Some("0905123456".into()),
            email: None,
            from_population_data: false,
        },
        documents: p
            .documents
            .iter()
            .filter(|d| d.mandatory)
            .map(|d| DossierDocument {
                code: d.code.clone(),
                name: d.name.clone(),
                originals: d.originals,
                copies: d.copies,
                file: Some(format!("scan-{}", d.code)),
                digitised: true,
                reused_from: None,
                from_personal_store: false,
                signed: false,
                digitised_by: None,
                digitised_at: None,
                replaced_by: None,
            })
            .collect(),
        area_m2: 120,
        declared_value: 2_000_000_000,
        remote_commune: false,
        land: None,
    }
}

/// A dossier and its history, driven command by command.
struct Case {
    p: &'static Procedure,
    state: Option<Dossier>,
    history: Vec<(Event, DateTime<Utc>)>,
    /// The KPI rollup as the store keeps it: every change's counts added up.
    kept: std::collections::BTreeMap<crate::kpi::RollupKey, crate::kpi::Counts>,
}

impl Case {
    fn new(p: &'static Procedure) -> Self {
        Self {
            p,
            state: None,
            history: Vec::new(),
            kept: std::collections::BTreeMap::new(),
        }
    }

    fn run(
        &mut self,
        at: DateTime<Utc>,
        who: &Actor,
        command: Command,
    ) -> Result<(), DossierError> {
        let ctx = Context {
            now: at,
            actor: who,
            procedure: self.p,
            calendar: calendar(),
        };
        let events = decide(self.state.as_ref(), &command, &ctx)?;
        let change = super::Change::new(self.state.as_ref(), events.clone(), at).unwrap();
        for (k, c) in change.counts {
            *self.kept.entry(k).or_default() += c;
        }
        self.kept.retain(|_, c| *c != crate::kpi::Counts::default());
        for e in events {
            self.state = Some(apply(self.state.take(), &e, at).unwrap());
            self.history.push((e, at));
        }
        assert_same_state(self.state.as_ref(), &change.dossier);
        Ok(())
    }

    fn d(&self) -> &Dossier {
        self.state.as_ref().unwrap()
    }

    fn available(&self, at: DateTime<Utc>, who: &Actor) -> Vec<Action> {
        let ctx = Context {
            now: at,
            actor: who,
            procedure: self.p,
            calendar: calendar(),
        };
        available_actions(self.d(), &ctx)
    }
}

fn desk() -> Actor {
    actor(Role::DeskOfficer, "mc1")
}
fn specialist() -> Actor {
    actor(Role::Specialist, "cv1")
}
fn leader() -> Actor {
    actor(Role::Leader, "ld1")
}
fn citizen() -> Actor {
    Actor::applicant("048085000123", "Nguyễn Thị Lan")
}
fn tax_system() -> Actor {
    Actor::system(ExternalSystem::TaxAuthority)
}
fn gateway() -> Actor {
    Actor::system(ExternalSystem::PaymentGateway)
}

#[test]
fn a_transfer_goes_through_land_office_tax_payment_and_signature() {
    let p = transfer();
    let mut c = Case::new(p);
    c.run(
        vn("2025-01-06 10:00"),
        &desk(),
        Command::ReceiveAtCounter(new_dossier(p, Channel::Counter)),
    )
    .unwrap();
    assert_eq!(c.d().status, Status::InProcess);
    assert_eq!(c.d().statutory_days, 8);
    let due = c.d().appointment.clone().unwrap().statutory_due;
    assert_eq!(due, vn("2025-01-16 10:00"));
    assert_eq!(c.d().current_step().unwrap().code, "tham-tra");
    assert_eq!(
        c.d().fees.iter().map(|f| f.amount).sum::<i64>(),
        28_000 + 200_000
    );

    c.run(
        vn("2025-01-06 11:00"),
        &leader(),
        Command::Assign {
            officer: Officer {
                id: "cv1".into(),
                name: "Trần Văn Minh".into(),
                role: Role::Specialist,
                agency: agency(),
            },
        },
    )
    .unwrap();
    let other = actor(Role::Specialist, "cv2");
    let err = c.run(
        vn("2025-01-07 09:00"),
        &other,
        Command::CompleteStep { note: None },
    );
    assert!(
        matches!(err, Err(DossierError::Forbidden(_))),
        "only the assignee completes"
    );
    c.run(
        vn("2025-01-07 09:00"),
        &specialist(),
        Command::CompleteStep {
            note: Some("Đủ điều kiện".into()),
        },
    )
    .unwrap();
    assert_eq!(c.d().current_step().unwrap().kind, StepKind::InterAgency);
    assert!(
        c.d().open_pause().is_some(),
        "the clock stops while the tax office works"
    );

    c.run(
        vn("2025-01-08 09:00"),
        &tax_system(),
        Command::RecordTaxNotice {
            notice: "TB-123".into(),
            obligations: vec![
                Charge {
                    code: "le-phi-truoc-ba".into(),
                    name: "Lệ phí trước bạ".into(),
                    amount: 10_000_000,
                },
                Charge {
                    code: "thue-tncn".into(),
                    name: "Thuế thu nhập cá nhân".into(),
                    amount: 40_000_000,
                },
            ],
        },
    )
    .unwrap();
    assert_eq!(c.d().status, Status::AwaitingObligation);
    assert_eq!(c.d().current_step().unwrap().kind, StepKind::AwaitPayment);

    let pay = |reference: &str, amount| Command::RecordPayment {
        reference: reference.into(),
        purpose: PaymentPurpose::Obligation,
        amount,
    };
    c.run(vn("2025-01-09 09:00"), &gateway(), pay("GD-1", 10_000_000))
        .unwrap();
    assert_eq!(c.d().status, Status::AwaitingObligation, "partly paid");
    assert!(matches!(
        c.run(vn("2025-01-09 09:05"), &gateway(), pay("GD-1", 10_000_000)),
        Err(DossierError::DuplicatePayment(_))
    ));
    c.run(vn("2025-01-10 09:00"), &gateway(), pay("GD-2", 40_000_000))
        .unwrap();
    assert_eq!(c.d().status, Status::InProcess);
    assert_eq!(c.d().current_step().unwrap().code, "cap-nhat");
    // The clock stood still from Tuesday 09:00 to Friday 09:00: 3 working days.
    let moved = c.d().appointment.clone().unwrap().statutory_due;
    assert_eq!(moved, vn("2025-01-21 10:00"));
    assert_eq!(c.d().pauses.len(), 2);

    c.run(
        vn("2025-01-13 10:00"),
        &specialist(),
        Command::CompleteStep { note: None },
    )
    .unwrap();
    assert!(matches!(
        c.run(
            vn("2025-01-13 11:00"),
            &specialist(),
            Command::Sign { note: None }
        ),
        Err(DossierError::Forbidden(_))
    ));
    c.run(
        vn("2025-01-14 10:00"),
        &leader(),
        Command::Sign { note: None },
    )
    .unwrap();
    c.run(
        vn("2025-01-14 11:00"),
        &desk(),
        Command::RecordResult {
            result: ResultRecord {
                name: "GCN CS 123456".into(),
                file: Some("gcn-scan".into()),
                electronic: true,
                signed: false,
            },
        },
    )
    .unwrap();
    assert_eq!(c.d().completion, Some(crate::calendar::Completion::Early));
    assert!(matches!(
        c.run(
            vn("2025-01-14 14:00"),
            &desk(),
            Command::ReturnResult {
                collector: Collector::Applicant
            }
        ),
        Err(DossierError::FeesUnpaid { .. })
    ));
    c.run(
        vn("2025-01-14 14:00"),
        &desk(),
        Command::RecordPayment {
            reference: "BL-9".into(),
            purpose: PaymentPurpose::Fees,
            amount: 228_000,
        },
    )
    .unwrap();
    // Someone collecting on the applicant's behalf is named with the paper they showed.
    let nameless = Collector::Representative {
        name: " ".into(),
        id_number: "048190000009".into(),
    };
    assert!(matches!(
        c.run(
            vn("2025-01-14 14:05"),
            &desk(),
            Command::ReturnResult {
                collector: nameless
            }
        ),
        Err(DossierError::Invalid(_))
    ));
    let brother = Collector::Representative {
        name: "Trần Văn Bình".into(),
        id_number: "048190000009".into(),
    };
    c.run(
        vn("2025-01-14 14:05"),
        &desk(),
        Command::ReturnResult {
            collector: brother.clone(),
        },
    )
    .unwrap();
    assert_eq!(c.d().returned_to, Some(brother));
    assert_eq!(c.d().status, Status::Returned);
    assert!(c.d().current_step().is_none());
    // What the periodic report reads of it: received at the counter, finished early.
    let facts = crate::kpi::Facts::of(c.d());
    assert_eq!(facts.received, c.d().received_at);
    assert!(matches!(
        facts.ending,
        Some((
            crate::kpi::Ending::Finished(crate::calendar::Completion::Early),
            _
        ))
    ));
    c.run(
        vn("2025-01-14 14:06"),
        &citizen(),
        Command::Rate {
            satisfaction: Satisfaction::VerySatisfied,
        },
    )
    .unwrap();
    assert!(
        c.run(
            vn("2025-01-14 14:07"),
            &citizen(),
            Command::Rate {
                satisfaction: Satisfaction::Satisfied
            }
        )
        .is_err()
    );

    let replayed = replay(c.history.iter().map(|(e, at)| (e, *at)))
        .unwrap()
        .unwrap();
    assert_eq!(&replayed, c.d());
    // Every step has its officer, start, budget and finish (the control sheet).
    assert!(
        c.d()
            .steps
            .iter()
            .all(|s| s.finished_at.is_some() && s.finished_by.is_some())
    );
}

#[test]
fn an_online_dossier_waits_for_acceptance_and_starts_its_clock_then() {
    let p = simple();
    let mut c = Case::new(p);
    c.run(
        vn("2025-01-06 16:30"),
        &citizen(),
        Command::SubmitOnline(new_dossier(p, Channel::Online)),
    )
    .unwrap();
    assert_eq!(c.d().status, Status::Submitted);
    assert_eq!(c.d().acknowledge_by, Some(vn("2025-01-07 16:30")));
    assert!(c.d().appointment.is_none());
    assert!(matches!(
        c.run(vn("2025-01-07 08:00"), &citizen(), Command::Acknowledge),
        Err(DossierError::Forbidden(_))
    ));
    c.run(vn("2025-01-07 08:00"), &desk(), Command::Acknowledge)
        .unwrap();
    assert_eq!(c.d().received_at, Some(vn("2025-01-07 08:00")));
    assert_eq!(
        c.d().appointment.clone().unwrap().statutory_due,
        vn("2025-01-14 08:00")
    );
    assert_eq!(c.d().fees[0].amount, 14_000, "online filing halves the fee");
}

#[test]
fn a_supplement_restarts_the_processing_time_from_zero() {
    let p = simple();
    let mut c = Case::new(p);
    c.run(
        vn("2025-01-06 10:00"),
        &desk(),
        Command::ReceiveAtCounter(new_dossier(p, Channel::Counter)),
    )
    .unwrap();
    assert!(matches!(
        c.run(
            vn("2025-01-07 10:00"),
            &specialist(),
            Command::RequestSupplement {
                missing: vec![" ".into()],
                reason: "x".into()
            }
        ),
        Err(DossierError::Invalid(_))
    ));
    c.run(
        vn("2025-01-07 10:00"),
        &specialist(),
        Command::RequestSupplement {
            missing: vec!["Bản sao quyết định đổi tên".into()],
            reason: "Chưa có giấy tờ chứng minh việc thay đổi".into(),
        },
    )
    .unwrap();
    assert_eq!(c.d().status, Status::SupplementRequested);
    c.run(
        vn("2025-01-10 14:00"),
        &citizen(),
        Command::SubmitSupplement { documents: vec![] },
    )
    .unwrap();
    assert_eq!(c.d().status, Status::InProcess);
    assert_eq!(
        c.d().appointment.clone().unwrap().statutory_due,
        vn("2025-01-17 14:00")
    );
    assert_eq!(
        c.d().supplements[0].due_before,
        Some(vn("2025-01-13 10:00"))
    );
    assert_eq!(c.d().pauses[0].to, Some(vn("2025-01-10 14:00")));
}

#[test]
fn refusal_closes_the_dossier_and_an_online_one_is_not_accepted() {
    let p = simple();
    let mut c = Case::new(p);
    c.run(
        vn("2025-01-06 10:00"),
        &desk(),
        Command::ReceiveAtCounter(new_dossier(p, Channel::Counter)),
    )
    .unwrap();
    assert!(matches!(
        c.run(
            vn("2025-01-07 10:00"),
            &specialist(),
            Command::Refuse { reason: " ".into() }
        ),
        Err(DossierError::Invalid(_))
    ));
    c.run(
        vn("2025-01-07 10:00"),
        &specialist(),
        Command::Refuse {
            reason: "Đất đang có tranh chấp (Điều 151 Luật Đất đai)".into(),
        },
    )
    .unwrap();
    assert_eq!(c.d().status, Status::Refused);
    assert_eq!(c.d().completion, Some(crate::calendar::Completion::Early));
    assert!(matches!(
        c.run(
            vn("2025-01-07 11:00"),
            &desk(),
            Command::ReturnResult {
                collector: Collector::Applicant
            }
        ),
        Err(DossierError::Terminal(_))
    ));

    let mut online = Case::new(p);
    online
        .run(
            vn("2025-01-06 10:00"),
            &citizen(),
            Command::SubmitOnline(new_dossier(p, Channel::Online)),
        )
        .unwrap();
    online
        .run(
            vn("2025-01-06 11:00"),
            &desk(),
            Command::Refuse {
                reason: "Không thuộc thẩm quyền".into(),
            },
        )
        .unwrap();
    assert_eq!(online.d().status, Status::NotAccepted);
    assert_eq!(online.d().completion, None);
}

#[test]
fn an_incomplete_paper_dossier_is_not_received() {
    let p = simple();
    let mut new = new_dossier(p, Channel::Counter);
    new.documents.clear();
    let mut c = Case::new(p);
    let err = c
        .run(
            vn("2025-01-06 10:00"),
            &desk(),
            Command::ReceiveAtCounter(new),
        )
        .unwrap_err();
    assert!(err.to_string().contains("thiếu thành phần"), "{err}");
}

#[test]
fn an_extension_is_allowed_once_before_the_due_date_and_the_dossier_counts_late() {
    let p = simple();
    let mut c = Case::new(p);
    c.run(
        vn("2025-01-06 10:00"),
        &desk(),
        Command::ReceiveAtCounter(new_dossier(p, Channel::Counter)),
    )
    .unwrap();
    let extend = |due: &str| Command::ExtendWithApology {
        new_due: vn(due),
        reason: "Chờ kết quả xác minh".into(),
    };
    c.run(
        vn("2025-01-10 10:00"),
        &leader(),
        extend("2025-01-20 10:00"),
    )
    .unwrap();
    assert!(matches!(
        c.run(
            vn("2025-01-10 11:00"),
            &leader(),
            extend("2025-01-22 10:00")
        ),
        Err(DossierError::Invalid(_))
    ));
    let a = c.d().appointment.clone().unwrap();
    assert_eq!(a.current_due, vn("2025-01-20 10:00"));
    assert_eq!(
        a.classify(vn("2025-01-15 10:00")),
        crate::calendar::Completion::Late
    );
}

#[test]
fn a_sub_dossier_carries_its_origin_code() {
    let p = transfer();
    let mut c = Case::new(p);
    let mut new = new_dossier(p, Channel::Counter);
    new.code = DossierCode::parse("T48.01-250106-0001").unwrap();
    let origin = DossierCode::parse("000.00.31.H41-250106-0001").unwrap();
    c.run(
        vn("2025-01-06 10:00"),
        &tax_system(),
        Command::OpenSubDossier {
            new,
            origin: origin.clone(),
            budget_hours: 24,
        },
    )
    .unwrap();
    assert_eq!(c.d().origin_code, Some(origin));
    assert!(c.d().is_sub_dossier());
    assert_eq!(
        c.d().appointment.clone().unwrap().statutory_due,
        vn("2025-01-09 10:00")
    );
    c.run(
        vn("2025-01-07 10:00"),
        &specialist(),
        Command::RecordResult {
            result: ResultRecord {
                name: "Thông báo nộp tiền".into(),
                file: Some("tb-scan".into()),
                electronic: true,
                signed: false,
            },
        },
    )
    .unwrap();
    assert_eq!(c.d().status, Status::ResultReady);
}

// ---- properties -------------------------------------------------------------------------

/// Commands weighted so that runs go deep (closing commands are rare), each with a flag
/// saying whether the natural actor (the role the step needs) or a random one acts.
fn any_command() -> impl Strategy<Value = (Command, bool, u8)> {
    let officer = Officer {
        id: "cv1".into(),
        name: "x".into(),
        role: Role::Specialist,
        agency: agency(),
    };
    let command = prop_oneof![
        3 => Just(Command::Acknowledge),
        1 => Just(Command::RequestSupplement { missing: vec!["x".into()], reason: "r".into() }),
        2 => Just(Command::SubmitSupplement { documents: vec![] }),
        1 => Just(Command::Refuse { reason: "r".into() }),
        1 => Just(Command::Withdraw { reason: "r".into() }),
        1 => Just(Command::Assign { officer }),
        8 => Just(Command::CompleteStep { note: None }),
        1 => (0usize..8).prop_map(|i| Command::ReturnToStep { index: i, reason: "r".into() }),
        3 => Just(Command::RecordTaxNotice {
            notice: "TB".into(),
            obligations: vec![Charge { code: "x".into(), name: "x".into(), amount: 1_000 }],
        }),
        4 => (0u32..6).prop_map(|n| Command::RecordPayment {
            reference: format!("R{n}"),
            purpose: if n % 2 == 0 { PaymentPurpose::Obligation } else { PaymentPurpose::Fees },
            amount: 500_000,
        }),
        3 => Just(Command::Approve { note: None }),
        3 => Just(Command::Sign { note: None }),
        3 => Just(Command::RecordResult { result: ResultRecord { name: "r".into(), file: Some("f".into()), electronic: true, signed: false } }),
        3 => Just(Command::ReturnResult { collector: Collector::Applicant }),
        1 => (1i64..400).prop_map(|h| Command::ExtendWithApology { new_due: vn("2025-01-06 10:00") + TimeDelta::hours(h), reason: "r".into() }),
        2 => Just(Command::Rate { satisfaction: Satisfaction::Satisfied }),
    ];
    (command, prop::bool::weighted(0.8), 0u8..6)
}

fn natural_actor(command: &Command) -> Actor {
    match command {
        Command::CompleteStep { .. }
        | Command::RequestSupplement { .. }
        | Command::Refuse { .. } => specialist(),
        Command::Approve { .. }
        | Command::Sign { .. }
        | Command::Assign { .. }
        | Command::ReturnToStep { .. }
        | Command::ExtendWithApology { .. } => leader(),
        Command::RecordTaxNotice { .. } => tax_system(),
        Command::RecordPayment { .. } => gateway(),
        Command::SubmitSupplement { .. } | Command::Rate { .. } | Command::Withdraw { .. } => {
            citizen()
        }
        _ => desk(),
    }
}

fn random_actor(n: u8) -> Actor {
    match n {
        0 => desk(),
        1 => specialist(),
        2 => leader(),
        3 => citizen(),
        4 => gateway(),
        _ => tax_system(),
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    #[test]
    fn the_decider_keeps_its_invariants(
        online: bool,
        transfer_procedure: bool,
        commands in prop::collection::vec((any_command(), 1i64..30), 1..60),
    ) {
        let p = if transfer_procedure { transfer() } else { simple() };
        let mut c = Case::new(p);
        let start = vn("2025-01-06 10:00");
        let (first, who) = if online {
            (Command::SubmitOnline(new_dossier(p, Channel::Online)), citizen())
        } else {
            (Command::ReceiveAtCounter(new_dossier(p, Channel::Counter)), desk())
        };
        c.run(start, &who, first).unwrap();
        let mut now = start;
        for ((command, natural, n), hours) in commands {
            now += TimeDelta::hours(hours);
            let before = c.d().clone();
            let events_before = c.history.len();
            let who = if natural { natural_actor(&command) } else { random_actor(n) };
            // A command's and an event's wire names are their serde tags: the names the
            // store, the API and the logs use must be those.
            prop_assert_eq!(&serde_json::to_value(&command).unwrap()["command"], command.name());
            let offered = c.available(now, &who);
            let outcome = c.run(now, &who, command.clone());
            // What the pages offer is never less than what the decider accepts.
            prop_assert!(outcome.is_err() || offered.contains(&command.action()),
                "{:?} accepted but not offered to {:?} in {:?}", command.action(), who.kind, before.status);
            if before.status.is_terminal() {
                // No command from a terminal state, but one rating of a returned dossier.
                let rating = matches!(command, Command::Rate { .. }) && before.status == Status::Returned && before.rating.is_none();
                prop_assert!(outcome.is_err() || rating, "{:?} accepted from {:?}", command, before.status);
            }
            let Ok(()) = outcome else {
                prop_assert_eq!(c.d(), &before, "a refused command changes nothing");
                continue;
            };
            for (e, _) in &c.history[events_before..] {
                prop_assert_eq!(&serde_json::to_value(e).unwrap()["event"], e.kind());
            }
            // Replaying the history gives exactly the state.
            let replayed = replay(c.history.iter().map(|(e, at)| (e, *at))).unwrap().unwrap();
            prop_assert_eq!(&replayed, c.d());
            // A pause never shortens the remaining time: the statutory due never moves earlier.
            if let (Some(a), Some(b)) = (&before.appointment, &c.d().appointment) {
                prop_assert!(b.statutory_due >= a.statutory_due, "due moved earlier after {:?}", command);
            }
            // Every step started is the procedure's step at that position, reached by going
            // forward one step or back to an earlier one.
            let mut last = before.current_step().map(|s| s.index);
            for (e, _) in &c.history[events_before..] {
                if let Event::StepStarted { step } = e {
                    if !c.d().is_sub_dossier() {
                        let def = p.step(step.index).unwrap();
                        prop_assert_eq!(&def.code, &step.code);
                        prop_assert_eq!(def.kind, step.kind);
                    }
                    if let Some(prev) = last {
                        prop_assert!(step.index == prev + 1 || step.index < prev, "{} after {}", step.index, prev);
                    }
                    last = Some(step.index);
                }
                if let Event::StepCompleted { .. } = e {
                    last = last.or(before.current_step().map(|s| s.index));
                }
            }
            prop_assert_eq!(c.d().version as usize, c.history.len());
            // The counts kept change by change are the counts of the state: what
            // `motcua report --verify` recomputes from the history.
            let recomputed: std::collections::BTreeMap<_, _> =
                crate::kpi::rollup::contributions(&replayed).into_iter().collect();
            prop_assert_eq!(&c.kept, &recomputed);
            // Any month's row of this dossier balances.
            let period = crate::kpi::Period {
                from: crate::kpi::rollup::vn_day(now) - TimeDelta::days(20),
                to: crate::kpi::rollup::vn_day(now),
            };
            let days = crate::kpi::rollup::days(&crate::kpi::Facts::of(c.d()));
            let sums = crate::kpi::Sums::of_days(&days, period.from, period.to);
            prop_assert!(crate::kpi::ReportRow::of(c.d().channel, false, &sums).balances());
        }
    }
}

/// The state the events built is the one the change carries.
fn assert_same_state(state: Option<&Dossier>, carried: &Dossier) {
    assert_eq!(state, Some(carried), "Change::new built another state");
}

#[test]
fn each_actor_is_offered_what_the_current_step_asks_of_them() {
    let p = transfer();
    let mut c = Case::new(p);
    let at = vn("2025-01-06 10:00");
    c.run(
        at,
        &citizen(),
        Command::SubmitOnline(new_dossier(p, Channel::Online)),
    )
    .unwrap();
    assert_eq!(
        c.available(at, &desk()),
        [
            Action::Acknowledge,
            Action::RequestSupplement,
            Action::Refuse,
            Action::Withdraw,
            Action::RecordPayment,
            Action::DigitiseDocument
        ]
    );
    assert_eq!(c.available(at, &citizen()), [Action::Withdraw]);
    assert!(c.available(at, &tax_system()).is_empty());
    c.run(at, &desk(), Command::Acknowledge).unwrap();
    let specialist_may = c.available(at, &specialist());
    assert!(
        specialist_may.contains(&Action::CompleteStep),
        "{specialist_may:?}"
    );
    assert!(!specialist_may.contains(&Action::Approve));
    assert!(!c.available(at, &leader()).contains(&Action::CompleteStep));
    // The apology opens in the last working day before the due instant and stays open once
    // it has passed: a late dossier still owes it.
    let due = c.d().appointment.as_ref().unwrap().current_due;
    let offered = |c: &Case, when| {
        c.available(when, &leader())
            .contains(&Action::ExtendWithApology)
    };
    assert!(!offered(&c, at), "not days ahead");
    assert!(
        offered(&c, due - TimeDelta::hours(2)),
        "in the last working day"
    );
    assert!(
        offered(&c, due + TimeDelta::days(3)),
        "after the due instant"
    );
}

#[test]
fn the_apology_opens_one_working_day_before_the_due_date_and_moves_it_to_a_working_day() {
    let p = simple();
    let mut c = Case::new(p);
    c.run(
        vn("2025-01-06 10:00"),
        &desk(),
        Command::ReceiveAtCounter(new_dossier(p, Channel::Counter)),
    )
    .unwrap();
    let due = c.d().appointment.clone().unwrap().current_due;
    assert_eq!(
        due,
        vn("2025-01-13 10:00"),
        "five working days from Monday 10:00"
    );
    let extend = |due: &str| Command::ExtendWithApology {
        new_due: vn(due),
        reason: "Chờ kết quả xác minh".into(),
    };
    // Thursday 10:00 leaves more than a working day: too early, and the refusal says until
    // when in Vietnam time.
    match c.run(
        vn("2025-01-09 10:00"),
        &leader(),
        extend("2025-01-20 10:00"),
    ) {
        Err(DossierError::Invalid(m)) => assert!(m.contains("10:00 13/01/2025"), "{m}"),
        other => panic!("{other:?}"),
    }
    // Saturday is not a working day.
    match c.run(
        vn("2025-01-10 10:00"),
        &leader(),
        extend("2025-01-18 10:00"),
    ) {
        Err(DossierError::Invalid(m)) => assert!(m.contains("18/01/2025"), "{m}"),
        other => panic!("{other:?}"),
    }
    // A date before the current one names both in Vietnam time.
    let earlier = c
        .run(
            vn("2025-01-10 10:00"),
            &leader(),
            extend("2025-01-13 09:00"),
        )
        .unwrap_err()
        .to_string();
    assert!(
        earlier.contains("09:00 13/01/2025") && earlier.contains("10:00 13/01/2025"),
        "{earlier}"
    );
    // Overdue (Tuesday after the due Monday): the apology still goes out.
    c.run(
        vn("2025-01-14 09:00"),
        &leader(),
        extend("2025-01-20 10:00"),
    )
    .unwrap();
    assert_eq!(
        c.d().appointment.as_ref().unwrap().current_due,
        vn("2025-01-20 10:00")
    );
}

#[test]
fn wire_names_round_trip_through_serde_and_parse() {
    for a in Action::ALL {
        let json = serde_json::to_value(a).unwrap();
        assert_eq!(json, serde_json::Value::String(a.as_str().into()));
        assert_eq!(serde_json::from_value::<Action>(json).unwrap(), a);
    }
    for s in Status::ALL {
        assert_eq!(Status::parse(s.as_str()), Some(s));
    }
    assert!(serde_json::from_str::<Status>("\"closed\"").is_err());
}

#[test]
fn only_the_signature_service_records_a_signature_and_only_a_valid_one_signs() {
    use crate::dossier::{ExternalSystem, SignatureCheck, SignedTarget};
    let p = simple();
    let mut c = Case::new(p);
    c.run(
        vn("2025-01-06 10:00"),
        &desk(),
        Command::ReceiveAtCounter(new_dossier(p, Channel::Counter)),
    )
    .unwrap();
    let check = |target, valid: bool| SignatureCheck {
        target,
        file: "a".repeat(64),
        valid,
        signer: "CN=Trần Văn Nam".into(),
        issuer: "CN=Root CA".into(),
        serial: "03E8".into(),
        signed_at: Some(vn("2025-01-05 09:00")),
        reason: (!valid).then(|| "chữ ký không hợp lệ với khóa công khai của người ký".into()),
    };
    let doc = SignedTarget::Document { index: 0 };
    let record = |c: &SignatureCheck| Command::RecordSignatureCheck { check: c.clone() };
    // Nobody else can say a document is signed: not the desk, not the leader.
    for who in [desk(), leader(), citizen()] {
        assert!(matches!(
            c.run(vn("2025-01-06 11:00"), &who, record(&check(doc, true))),
            Err(DossierError::Forbidden(_))
        ));
    }
    let service = Actor::system(ExternalSystem::SignatureService);
    // A refused signature is kept with its reason and signs nothing.
    c.run(vn("2025-01-06 11:00"), &service, record(&check(doc, false)))
        .unwrap();
    assert!(!c.d().documents[0].signed);
    assert_eq!(c.d().signatures.len(), 1);
    // A verdict that contradicts itself is refused.
    let mut odd = check(doc, true);
    odd.reason = Some("x".into());
    assert!(matches!(
        c.run(vn("2025-01-06 11:00"), &service, record(&odd)),
        Err(DossierError::Invalid(_))
    ));
    // A valid one signs the document and makes the signed file its file.
    c.run(vn("2025-01-06 11:05"), &service, record(&check(doc, true)))
        .unwrap();
    let d = c.d();
    assert!(d.documents[0].signed && d.documents[0].digitised);
    assert_eq!(
        d.documents[0].file.as_deref(),
        Some("a".repeat(64).as_str())
    );
    // No result yet, no document 99.
    for target in [SignedTarget::Result, SignedTarget::Document { index: 99 }] {
        assert!(matches!(
            c.run(
                vn("2025-01-06 11:10"),
                &service,
                record(&check(target, true))
            ),
            Err(DossierError::Invalid(_))
        ));
    }
}

#[test]
fn a_signed_draft_becomes_the_signed_result() {
    use crate::dossier::{ExternalSystem, SignatureCheck, SignedTarget};
    let p = simple();
    let mut c = Case::new(p);
    c.run(
        vn("2025-01-06 10:00"),
        &desk(),
        Command::ReceiveAtCounter(new_dossier(p, Channel::Counter)),
    )
    .unwrap();
    let draft = |file: Option<&str>, signed| Command::DraftResult {
        result: ResultRecord {
            name: "Giấy chứng nhận (dự thảo)".into(),
            electronic: file.is_some(),
            file: file.map(Into::into),
            signed,
        },
    };
    let at = vn("2025-01-06 14:00");
    assert!(matches!(
        c.run(at, &leader(), draft(Some("d1"), false)),
        Err(DossierError::Forbidden(_))
    ));
    for refused in [draft(None, false), draft(Some("d1"), true)] {
        assert!(matches!(
            c.run(at, &specialist(), refused),
            Err(DossierError::Invalid(_))
        ));
    }
    c.run(at, &specialist(), draft(Some("d0"), false)).unwrap();
    c.run(at, &specialist(), draft(Some("d1"), false)).unwrap();
    assert_eq!(
        c.d().draft_result.as_ref().and_then(|r| r.file.as_deref()),
        Some("d1"),
        "a later draft replaces the earlier one"
    );
    c.run(at, &specialist(), Command::CompleteStep { note: None })
        .unwrap();
    assert_eq!(c.d().current_step().unwrap().code, "ky");
    let service = Actor::system(ExternalSystem::SignatureService);
    let signed = SignatureCheck {
        target: SignedTarget::Draft,
        file: "s1".repeat(32),
        valid: true,
        signer: "CN=Phạm Thị Thu".into(),
        issuer: "CN=Root CA".into(),
        serial: "01".into(),
        signed_at: Some(vn("2025-01-07 09:00")),
        reason: None,
    };
    c.run(
        vn("2025-01-07 09:00"),
        &service,
        Command::RecordSignatureCheck {
            check: signed.clone(),
        },
    )
    .unwrap();
    let d = c.d().draft_result.clone().unwrap();
    assert!(d.signed);
    assert_eq!(d.file.as_deref(), Some(signed.file.as_str()));
    c.run(
        vn("2025-01-07 09:01"),
        &leader(),
        Command::Sign { note: None },
    )
    .unwrap();
    // The desk records the signed draft as the result: the verdict carries over, and only
    // for that file.
    c.run(
        vn("2025-01-07 10:00"),
        &desk(),
        Command::RecordResult {
            result: ResultRecord {
                name: "Giấy chứng nhận".into(),
                electronic: true,
                file: Some(signed.file.clone()),
                signed: false,
            },
        },
    )
    .unwrap();
    let r = c.d().result.clone().unwrap();
    assert!(r.signed, "{r:?}");
    assert_eq!(
        c.d().signatures.last().map(|s| s.target),
        Some(SignedTarget::Result)
    );
}

#[test]
fn a_result_that_is_not_the_signed_draft_is_not_signed() {
    use crate::dossier::{ExternalSystem, SignatureCheck, SignedTarget};
    let p = simple();
    let mut c = Case::new(p);
    c.run(
        vn("2025-01-06 10:00"),
        &desk(),
        Command::ReceiveAtCounter(new_dossier(p, Channel::Counter)),
    )
    .unwrap();
    let draft = Command::DraftResult {
        result: ResultRecord {
            name: "Dự thảo".into(),
            electronic: true,
            file: Some("d1".into()),
            signed: false,
        },
    };
    c.run(vn("2025-01-06 14:00"), &specialist(), draft).unwrap();
    c.run(
        vn("2025-01-06 14:00"),
        &Actor::system(ExternalSystem::SignatureService),
        Command::RecordSignatureCheck {
            check: SignatureCheck {
                target: SignedTarget::Draft,
                file: "s1".into(),
                valid: true,
                signer: "CN=A".into(),
                issuer: "CN=B".into(),
                serial: "01".into(),
                signed_at: None,
                reason: None,
            },
        },
    )
    .unwrap();
    c.run(
        vn("2025-01-06 15:00"),
        &specialist(),
        Command::CompleteStep { note: None },
    )
    .unwrap();
    c.run(
        vn("2025-01-07 09:00"),
        &leader(),
        Command::Sign { note: None },
    )
    .unwrap();
    c.run(
        vn("2025-01-07 10:00"),
        &desk(),
        Command::RecordResult {
            result: ResultRecord {
                name: "Kết quả khác".into(),
                electronic: true,
                file: Some("other".into()),
                signed: false,
            },
        },
    )
    .unwrap();
    assert!(!c.d().result.as_ref().unwrap().signed);
}

#[test]
fn a_desk_receives_must_digitise_components_only_with_their_scan_and_records_who_scanned() {
    let p = simple();
    let mut c = Case::new(p);
    let at = vn("2025-01-06 10:00");
    let mut new = new_dossier(p, Channel::Counter);
    new.documents[0].file = None;
    new.documents[0].digitised = false;
    assert!(matches!(
        c.run(at, &desk(), Command::ReceiveAtCounter(new.clone())),
        Err(DossierError::Invalid(m)) if m.contains("phải số hóa")
    ));
    // A paper the catalogue does not ask to digitise ("khác": another paper the applicant
    // brought) can come on paper alone, and be scanned later by an officer.
    let mut new = new_dossier(p, Channel::Counter);
    new.documents.push(DossierDocument {
        code: "khac".into(),
        name: "Giấy ủy quyền".into(),
        originals: 1,
        copies: 0,
        file: None,
        digitised: false,
        reused_from: None,
        from_personal_store: false,
        signed: false,
        digitised_by: None,
        digitised_at: None,
        replaced_by: None,
    });
    c.run(at, &desk(), Command::ReceiveAtCounter(new)).unwrap();
    let d = c.d();
    assert!(d.documents[0].digitised);
    assert_eq!(d.documents[0].digitised_by.as_deref(), Some("mc1"));
    assert_eq!(d.documents[0].digitised_at, Some(at));
    let last = d.documents.len() - 1;
    assert!(!d.documents[last].digitised && d.documents[last].digitised_by.is_none());
    let later = vn("2025-01-06 15:00");
    assert!(matches!(
        c.run(
            later,
            &leader(),
            Command::DigitiseDocument {
                index: last,
                file: "f".repeat(64)
            }
        ),
        Err(DossierError::Forbidden(_))
    ));
    assert!(
        matches!(
            c.run(
                later,
                &specialist(),
                Command::DigitiseDocument {
                    index: 0,
                    file: "f".repeat(64)
                }
            ),
            Err(DossierError::Invalid(_))
        ),
        "a component with a scan keeps it"
    );
    c.run(
        later,
        &specialist(),
        Command::DigitiseDocument {
            index: last,
            file: "f".repeat(64),
        },
    )
    .unwrap();
    let doc = &c.d().documents[last];
    assert!(doc.digitised);
    assert_eq!(doc.digitised_by.as_deref(), Some("cv1"));
    assert_eq!(doc.digitised_at, Some(later));
}

#[test]
fn a_supplied_component_replaces_its_earlier_version_which_is_kept() {
    let p = simple();
    let mut c = Case::new(p);
    c.run(
        vn("2025-01-06 10:00"),
        &desk(),
        Command::ReceiveAtCounter(new_dossier(p, Channel::Counter)),
    )
    .unwrap();
    c.run(
        vn("2025-01-07 10:00"),
        &specialist(),
        Command::RequestSupplement {
            missing: vec!["Đơn đăng ký ghi đúng số thửa".into()],
            reason: "Đơn ghi sai số thửa".into(),
        },
    )
    .unwrap();
    let mut corrected = c.d().documents[0].clone();
    corrected.file = None;
    corrected.digitised = false;
    let mut other = corrected.clone();
    other.code = "khac".into();
    other.name = "Giấy ủy quyền".into();
    c.run(
        vn("2025-01-08 09:00"),
        &desk(),
        Command::SubmitSupplement {
            documents: vec![corrected, other],
        },
    )
    .unwrap();
    let d = c.d();
    let n = new_dossier(p, Channel::Counter).documents.len();
    assert_eq!(d.documents.len(), n + 2, "the old version is kept");
    assert_eq!(
        d.documents[0].replaced_by,
        Some(n),
        "replaced by the supplied one"
    );
    assert!(d.documents[1..n].iter().all(|x| x.replaced_by.is_none()));
    assert_eq!(d.documents[n + 1].replaced_by, None);
    // The current versions count: the corrected form came on paper without a scan.
    let facts = crate::kpi::Facts::of(d);
    assert!(!facts.inputs_digitised);
    let replayed = replay(c.history.iter().map(|(e, at)| (e, *at)))
        .unwrap()
        .unwrap();
    assert_eq!(&replayed, c.d());
}

#[test]
fn a_dossier_moves_to_a_merged_units_successor_and_its_figures_stay_where_it_was_received() {
    let p = simple();
    let mut c = Case::new(p);
    c.run(
        vn("2025-01-06 09:00"),
        &desk(),
        Command::ReceiveAtCounter(new_dossier(p, Channel::Counter)),
    )
    .unwrap();
    let (old, successor) = (agency(), AgencyCode::parse("000.00.32.H41").unwrap());
    let kept_before = c.kept.clone();
    let admin = actor(Role::Administrator, "qt");
    let to_successor = Command::MoveToSuccessor {
        from: old.clone(),
        into: successor.clone(),
    };
    // Only the administrator's merger moves a dossier.
    assert!(matches!(
        c.run(vn("2025-01-07 08:00"), &leader(), to_successor.clone()),
        Err(DossierError::Forbidden(_))
    ));
    c.run(vn("2025-01-07 08:00"), &admin, to_successor.clone())
        .unwrap();
    assert_eq!(c.d().resolving_agency, successor);
    assert_eq!(c.d().receiving_agency, successor);
    assert_eq!(c.d().moves.len(), 1);
    assert_eq!(c.d().first_units(), (&old, &old));
    // The rollup keeps its keys: the old unit's day is as it was.
    assert_eq!(c.kept, kept_before);
    // A dossier no longer at the old unit is not moved again.
    assert!(matches!(
        c.run(vn("2025-01-07 09:00"), &admin, to_successor),
        Err(DossierError::Invalid(_))
    ));
    let replayed = super::replay(c.history.iter().map(|(e, at)| (e, *at))).unwrap();
    assert_same_state(replayed.as_ref(), c.d());
}

#[test]
fn a_dossier_handled_on_the_ministrys_system_is_read_only_here() {
    let p = simple();
    let mut c = Case::new(p);
    let at = vn("2025-01-06 10:00");
    c.run(
        at,
        &desk(),
        Command::ReceiveAtCounter(new_dossier(p, Channel::Counter)),
    )
    .unwrap();
    assert!(!c.available(at, &leader()).is_empty());
    if let Some(d) = c.state.as_mut() {
        d.imported = Some(crate::import::Origin {
            source: "Hệ thống thông tin giải quyết TTHC của Bộ".into(),
            imported_at: at,
            local_code: None,
            procedure: p.code.to_string(),
            receiving: agency().to_string(),
            resolving: agency().to_string(),
            claims: crate::import::Claims::default(),
            digest: String::new(),
            version: 1,
            read_only: true,
        });
    }
    for who in [desk(), specialist(), leader(), citizen()] {
        assert_eq!(c.available(at, &who), [], "{who:?}");
    }
    let refused = c.run(
        at,
        &leader(),
        Command::Assign {
            officer: Officer {
                id: "cv1".into(),
                name: "Chuyên viên".into(),
                role: Role::Specialist,
                agency: agency(),
            },
        },
    );
    assert!(
        matches!(&refused, Err(DossierError::HandledElsewhere(s)) if s.contains("của Bộ")),
        "{refused:?}"
    );
}
