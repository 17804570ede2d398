//! Demo dossiers, made the honest way: every one is received and moved through its procedure
//! by real commands, each at a working instant in the past, so histories, due dates, pauses
//! and the audit chain are exactly what the service itself would have produced.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use anyhow::{Result, anyhow};
use chrono::{DateTime, NaiveDate, SubsecRound, TimeDelta, Utc};
use motcua_app::{App, AppError, Intake};
use motcua_core::calendar::deadline::{advance, local};
use motcua_core::calendar::{CalendarData, WorkCalendar, WorkDuration};
use motcua_core::catalog::{Channel, Procedure, Role, StepKind};
use motcua_core::clock::FixedClock;
use motcua_core::dossier::{
    Actor, Applicant, Charge, Command, Dossier, DossierDocument, DossierId, ExternalSystem,
    NewDossier, Officer, PaymentPurpose, ResultRecord, Satisfaction, Status,
};
use motcua_core::ids::{AgencyCode, CitizenId, DossierCode};
use motcua_store::{Db, LoadedDossier, RecordedEvent};

/// A small deterministic generator (the demo is the same on every machine).
pub(super) struct Rng(pub(super) u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        self.0 >> 33
    }
    pub(super) fn below(&mut self, n: u64) -> u64 {
        self.next() % n.max(1)
    }
    fn chance(&mut self, percent: u64) -> bool {
        self.below(100) < percent
    }
    fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        let i = usize::try_from(self.below(items.len() as u64)).unwrap_or(0);
        items.get(i).copied().unwrap_or("")
    }
}

const FAMILY: [&str; 14] = [
    "Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Huỳnh", "Phan", "Vũ", "Võ", "Đặng", "Bùi", "Đỗ",
    "Ngô", "Dương",
];
const MIDDLE: [&str; 10] = [
    "Văn", "Thị", "Minh", "Đức", "Thanh", "Ngọc", "Quốc", "Hữu", "Thu", "Kim",
];
const GIVEN: [&str; 20] = [
    "An", "Bình", "Châu", "Dũng", "Giang", "Hà", "Hải", "Hạnh", "Hòa", "Hùng", "Khánh", "Lan",
    "Linh", "Long", "Mai", "Nam", "Phúc", "Quân", "Thảo", "Trang",
];
const WARDS: [&str; 5] = [
    "Phường Hải Châu",
    "Phường Thanh Khê",
    "Phường An Khê",
    "Phường Hòa Cường",
    "Phường An Hải",
];

/// Where a kind of dossier goes: procedure, resolving agency, receiving desk, desk officer,
/// specialist, leader.
const ROUTES: [(&str, &str, &str, &str, &str, &str); 5] = [
    (
        "1.013833",
        "000.11.12.H48",
        "000.00.20.H48",
        "mc1",
        "cv1",
        "ld1",
    ),
    (
        "1.013833",
        "000.12.12.H48",
        "000.00.20.H48",
        "mc1",
        "cv2",
        "ld2",
    ),
    (
        "1.013831",
        "000.11.12.H48",
        "000.00.20.H48",
        "mc1",
        "cv1",
        "ld1",
    ),
    (
        "1.013978",
        "H48.20242",
        "H48.20242.01",
        "mc.haichau",
        "cv.xa",
        "ld1",
    ),
    (
        "MT-THAM-DINH-DTM",
        "000.00.12.H48",
        "000.00.20.H48",
        "mc1",
        "cv.mt",
        "ld.mt",
    ),
];

struct Staff {
    actor: Actor,
    officer: Officer,
}

/// Where generated histories go: through the use-case layer one command at a time (the demo),
/// or decided in memory by the same layer and loaded in large batches (benchmark data: the
/// same histories, much faster).
pub enum Sink<'a> {
    /// One transaction per command, as the service does.
    Direct(&'a App),
    /// Decided in memory, loaded in batches.
    Bulk(&'a App, Mutex<Loader>),
}

/// Histories decided in memory, waiting to be loaded.
#[derive(Default)]
pub struct Loader {
    codes: HashMap<(String, NaiveDate), u32>,
    open: HashMap<DossierId, LoadedDossier>,
    ready: Vec<LoadedDossier>,
    loaded: usize,
}

/// Dossiers per load transaction.
const LOAD_BATCH: usize = 2000;

impl<'a> Sink<'a> {
    /// Bulk loading through `app`.
    pub fn bulk(app: &'a App) -> Self {
        Self::Bulk(app, Mutex::new(Loader::default()))
    }

    fn app(&self) -> &'a App {
        match self {
            Self::Direct(app) | Self::Bulk(app, _) => app,
        }
    }

    /// A dossier is complete: load what is ready when a batch is full (`all`: load the rest,
    /// and set the code series).
    async fn flush(&self, all: bool) -> Result<usize> {
        let Self::Bulk(app, loader) = self else {
            return Ok(0);
        };
        let db = app.db();
        let (batch, codes) = {
            let mut l = loader.lock().map_err(|_| anyhow!("loader poisoned"))?;
            let open: Vec<LoadedDossier> = l.open.drain().map(|(_, v)| v).collect();
            l.ready.extend(open);
            if l.ready.len() < LOAD_BATCH && !all {
                return Ok(l.loaded);
            }
            l.loaded += l.ready.len();
            let codes = if all { l.codes.clone() } else { HashMap::new() };
            (std::mem::take(&mut l.ready), codes)
        };
        db.load_dossiers(&batch).await?;
        for ((agency, day), n) in codes {
            db.set_code_sequence(&agency, day, i64::from(n)).await?;
        }
        Ok(loader.lock().map(|l| l.loaded).unwrap_or(0))
    }
}

/// Makes `count` dossiers received over the `days` before `now`; returns how many exist.
/// `scan` is the digest of a stored sample scan: the documents and results the demo
/// digitises carry it (without one, nothing is digitised).
pub async fn generate_dossiers(
    db: &Db,
    calendar: Arc<CalendarData>,
    now: DateTime<Utc>,
    count: usize,
    days: i64,
    scan: Option<&str>,
) -> Result<usize> {
    let app = App::new(db.clone(), calendar, Arc::new(FixedClock(now)));
    generate(&Sink::Direct(&app), now, count, days, scan).await
}

/// Makes `count` dossiers like the demo's, decided in memory and loaded in batches.
pub async fn generate_bulk(
    db: &Db,
    calendar: Arc<CalendarData>,
    now: DateTime<Utc>,
    count: usize,
    days: i64,
) -> Result<usize> {
    let app = App::new(db.clone(), calendar, Arc::new(FixedClock(now)));
    let sink = Sink::bulk(&app);
    // The bulk rows name the sample scan by its digest (the benchmark stores no files), so
    // components that must be digitised at the desk are, as the rules require.
    let scan = motcua_web::files::digest(&super::sample_pdf());
    generate(&sink, now, count, days, Some(&scan)).await?;
    sink.flush(true).await
}

async fn generate(
    sink: &Sink<'_>,
    now: DateTime<Utc>,
    count: usize,
    days: i64,
    scan: Option<&str>,
) -> Result<usize> {
    let app = sink.app();
    let db = app.db();
    let mut staff: HashMap<&str, Staff> = HashMap::new();
    for (username, _, role, agency) in super::STAFF {
        let account = db
            .account_by_username(username)
            .await?
            .ok_or_else(|| anyhow!("thiếu tài khoản {username}"))?;
        let role = Role::parse(role).ok_or_else(|| anyhow!("vai trò {role}"))?;
        staff.insert(
            username,
            Staff {
                actor: Actor::staff(account.id.to_string(), account.full_name.clone(), role),
                officer: Officer {
                    id: account.id.to_string(),
                    name: account.full_name,
                    role,
                    agency: AgencyCode::parse(agency)?,
                },
            },
        );
    }
    let mut procedures: HashMap<String, Arc<Procedure>> = HashMap::new();
    for p in app.current_procedures().await? {
        procedures.insert(p.code.to_string(), p);
    }
    let mut rng = Rng(2026);
    let mut pool = land_pool(db).await?;
    for i in 0..count {
        let route = ROUTES.get(i % ROUTES.len()).copied().unwrap_or(ROUTES[0]);
        let (code, resolving, receiving, desk, specialist, leader) = route;
        let p = procedures
            .get(code)
            .ok_or_else(|| anyhow!("thiếu thủ tục {code}"))?;
        let cal = app.calendar(&AgencyCode::parse(resolving)?).await;
        let get = |name: &str| {
            staff
                .get(name)
                .ok_or_else(|| anyhow!("thiếu cán bộ {name}"))
        };
        let sim = Sim {
            sink,
            p,
            cal: &cal,
            now,
        };
        // Receipts spread over the period, most recent ones still in progress. A draw that
        // lands outside working time, or after now, is drawn again: the count asked for is
        // the count made, whatever the hour the demo runs at.
        // Every twentieth dossier (at the city's desk), received in the older half of the
        // period, is refused after examination: the demo shows a refusal (Mẫu 03) whatever
        // the hour it runs at. The draws are the same as for the others.
        let refusal = i % 20 == 1;
        // Every twentieth (i % 20 == 6, at the city's desk), also from the older half, asks
        // for a supplement and is still waiting for it: the demo shows Mẫu 02 on any day.
        let asks = i % 20 == 6;
        // Every tenth (at the city's desk) is an online filing of the last two days still
        // waiting for acceptance: the desk's queue of them is never empty, whatever the day
        // (after a long holiday, from the whole period).
        let waiting = i % 10 == 7;
        let mut t = None;
        for attempt in 0..1000 {
            let window = if waiting && attempt < 500 {
                days.min(2)
            } else {
                days
            };
            let start = now - TimeDelta::days(window)
                + TimeDelta::minutes(
                    i64::try_from(
                        rng.below(u64::try_from(window * 24 * 60).unwrap_or(1))
                            / if refusal || asks { 2 } else { 1 },
                    )
                    .unwrap_or(0),
                );
            if let Some(w) = sim.working(start, 0).filter(|w| *w < now) {
                t = Some(w);
                break;
            }
        }
        let Some(mut t) = t else {
            continue;
        };
        let online = rng.chance(35) || waiting;
        let mut new = new_dossier(&mut rng, p, (receiving, resolving), online, scan)?;
        // A land procedure that changes a certificate is filed by one of its holders, on it.
        if p.land_change
            .is_some_and(|k| k != motcua_core::land::ChangeKind::FirstRegistration)
            && let Some((land, applicant)) = pool.pop()
        {
            new.land = Some(land);
            new.applicant = applicant;
        }
        let opener = if online {
            citizen(&new)
        } else {
            get(desk)?.actor.clone()
        };
        let command = if online {
            Command::SubmitOnline(new)
        } else {
            Command::ReceiveAtCounter(new)
        };
        let mut d = sim.run(None, t, &opener, command).await?;
        let mut budget = rng.below(14).max(if refusal || asks { 10 } else { 0 });
        // Left untouched: these become the overdue ones.
        let stuck = rng.chance(12) && !refusal && !asks || waiting;
        while budget > 0 && !stuck && !d.status.is_terminal() {
            budget -= 1;
            let Some(next) = sim.working(t, rng.below(14) + 1) else {
                break;
            };
            if next >= now {
                break;
            }
            t = next;
            let step = d.current_step().map(|s| (s.kind, s.assignee.is_some()));
            let (who, command) = match (d.status, step) {
                (Status::Submitted, _) if rng.chance(8) && !asks => (
                    get(desk)?.actor.clone(),
                    Command::Refuse { reason: "Hồ sơ không thuộc thẩm quyền giải quyết của đơn vị".into() },
                ),
                (Status::Submitted, _) => (get(desk)?.actor.clone(), Command::Acknowledge),
                (Status::SupplementRequested, _) => {
                    if asks || rng.chance(30) {
                        break; // still waiting for the applicant: a paused dossier
                    }
                    (citizen_of(&d), Command::SubmitSupplement { documents: vec![] })
                }
                (Status::InProcess, Some((StepKind::Process, false))) => {
                    (get(leader)?.actor.clone(), Command::Assign { officer: get(specialist)?.officer.clone() })
                }
                (Status::InProcess, Some((StepKind::Process | StepKind::InterAgency, _))) if d.supplements.is_empty() && (asks || rng.chance(10)) && !refusal => (
                    get(specialist)?.actor.clone(),
                    Command::RequestSupplement {
                        missing: vec!["Bản sao giấy tờ chứng minh quyền sử dụng đất".into()],
                        reason: "Thành phần hồ sơ chưa đầy đủ theo quy định".into(),
                    },
                ),
                (Status::InProcess, Some((StepKind::Process, true))) if (rng.chance(4) && !asks) || refusal => (
                    get(specialist)?.actor.clone(),
                    Command::Refuse { reason: "Thửa đất đang có tranh chấp, chưa đủ điều kiện đăng ký (Điều 45 Luật Đất đai 2024)".into() },
                ),
                (Status::InProcess, Some((StepKind::Process, true))) => (get(specialist)?.actor.clone(), Command::CompleteStep { note: Some("Hồ sơ đủ điều kiện".into()) }),
                (Status::InProcess, Some((StepKind::InterAgency, _))) if p.steps.iter().any(|s| s.kind == StepKind::AwaitPayment) => (
                    Actor::system(ExternalSystem::TaxAuthority),
                    Command::RecordTaxNotice {
                        notice: format!("TB-{:06}", rng.below(1_000_000)),
                        obligations: vec![
                            Charge { code: "le-phi-truoc-ba".into(), name: "Lệ phí trước bạ".into(), amount: 500_000 * i64::try_from(rng.below(20) + 1).unwrap_or(1) },
                            Charge { code: "thue-tncn".into(), name: "Thuế thu nhập cá nhân".into(), amount: 2_000_000 * i64::try_from(rng.below(20) + 1).unwrap_or(1) },
                        ],
                    },
                ),
                (Status::InProcess, Some((StepKind::InterAgency, _))) => (get(specialist)?.actor.clone(), Command::CompleteStep { note: None }),
                (Status::AwaitingObligation, _) => {
                    if rng.chance(25) {
                        break; // not paid yet: the clock stays stopped
                    }
                    let due: i64 = d.obligations.iter().map(|c| c.amount).sum();
                    // Paid online, the treasury confirms it; paid at a bank counter, the applicant
                    // brings the receipt to the desk.
                    if rng.chance(60) {
                        (Actor::system(ExternalSystem::Treasury), Command::RecordPayment { reference: format!("NT-{}-{i}", rng.below(1_000_000)), purpose: PaymentPurpose::Obligation, amount: due })
                    } else {
                        (get(desk)?.actor.clone(), Command::RecordPayment { reference: format!("BL-NV-{i}"), purpose: PaymentPurpose::Obligation, amount: due })
                    }
                }
                (Status::InProcess, Some((StepKind::Approve, _))) => (get(leader)?.actor.clone(), Command::Approve { note: None }),
                (Status::InProcess, Some((StepKind::Sign, _))) => (get(leader)?.actor.clone(), Command::Sign { note: None }),
                (Status::InProcess, Some((StepKind::Return, _))) => (
                    get(desk)?.actor.clone(),
                    // Electronic results carry their file; none is signed (no signature was verified).
                    Command::RecordResult { result: ResultRecord { name: p.result.name.clone(), file: scan.filter(|_| p.result.electronic).map(str::to_owned), electronic: p.result.electronic && scan.is_some(), signed: false } },
                ),
                (Status::ResultReady, _) => {
                    let due: i64 = d.fees.iter().map(|c| c.amount).sum();
                    if d.paid(PaymentPurpose::Fees) < due && d.channel == Channel::Online {
                        // Online filers pay through the gateway, whose callback records it.
                        (Actor::system(ExternalSystem::PaymentGateway), Command::RecordPayment { reference: format!("GD-{i}"), purpose: PaymentPurpose::Fees, amount: due })
                    } else if d.paid(PaymentPurpose::Fees) < due {
                        (get(desk)?.actor.clone(), Command::RecordPayment { reference: format!("BL-{i}"), purpose: PaymentPurpose::Fees, amount: due })
                    } else {
                        (
                            get(desk)?.actor.clone(),
                            Command::ReturnResult {
                                collector: motcua_core::dossier::Collector::Applicant,
                            },
                        )
                    }
                }
                _ => break,
            };
            d = sim.run(Some(&d), t, &who, command).await?;
            if d.status == Status::InProcess && rng.chance(2) && !refusal && !asks {
                t = sim.working(t, 1).unwrap_or(t);
                if t < now {
                    d = sim
                        .run(
                            Some(&d),
                            t,
                            &citizen_of(&d),
                            Command::Withdraw {
                                reason: "Người nộp hồ sơ xin rút để bổ sung giấy tờ".into(),
                            },
                        )
                        .await?;
                }
            }
        }
        if d.status == Status::Returned && rng.chance(70) {
            let rating = match rng.below(10) {
                0 => Satisfaction::Unsatisfied,
                1..=4 => Satisfaction::Satisfied,
                _ => Satisfaction::VerySatisfied,
            };
            if let Some(at) = sim.working(t, 2).filter(|at| *at < now) {
                sim.run(
                    Some(&d),
                    at,
                    &citizen_of(&d),
                    Command::Rate {
                        satisfaction: rating,
                    },
                )
                .await?;
            }
        }
        sink.flush(false).await?;
    }
    Ok(count)
}

struct Sim<'a> {
    sink: &'a Sink<'a>,
    p: &'a Procedure,
    cal: &'a WorkCalendar,
    now: DateTime<Utc>,
}

impl Sim<'_> {
    /// The working instant `hours` of working time after `from`.
    fn working(&self, from: DateTime<Utc>, hours: u64) -> Option<DateTime<Utc>> {
        advance(
            self.cal,
            from,
            WorkDuration::hours(i64::try_from(hours).unwrap_or(0)),
        )
        .ok()
        .filter(|t| *t <= self.now + TimeDelta::days(30))
    }

    /// Runs `command` on `d` (none: the command opens a dossier) at the instant `at`.
    async fn run(
        &self,
        d: Option<&Dossier>,
        at: DateTime<Utc>,
        who: &Actor,
        mut command: Command,
    ) -> Result<Dossier> {
        let name = command.name();
        let refused = |e: AppError| anyhow!("lệnh {name} bị từ chối: {e}");
        let (app, loader) = match self.sink {
            Sink::Direct(app) => {
                let done = match (d, command.clone()) {
                    (Some(d), command) => app.run_at(at, who, d, None, command).await,
                    (None, Command::ReceiveAtCounter(new) | Command::SubmitOnline(new)) => {
                        let intake = Intake {
                            procedure: self.p.code.to_string(),
                            province: "48".into(),
                            new,
                        };
                        app.open_at(at, who, intake).await
                    }
                    (None, _) => return Err(anyhow!("no such dossier")),
                };
                return done.map_err(refused);
            }
            Sink::Bulk(app, loader) => (app, loader),
        };
        // In memory, exactly as the store would: a code from the agency's series for the day,
        // the decision, the events applied at the same (microsecond) instant.
        let at = at.trunc_subsecs(6);
        let mut l = loader.lock().map_err(|_| anyhow!("loader poisoned"))?;
        let state = match (d, &mut command) {
            (Some(d), _) => Some(
                l.open
                    .get(&d.id)
                    .map(|o| o.dossier.clone())
                    .ok_or_else(|| anyhow!("no such dossier"))?,
            ),
            (None, Command::ReceiveAtCounter(new) | Command::SubmitOnline(new)) => {
                let day = local(at).date();
                let n = l
                    .codes
                    .entry((new.resolving_agency.to_string(), day))
                    .or_insert(0);
                *n += 1;
                new.code = DossierCode::new(&new.resolving_agency, day, *n);
                new.id = motcua_app::minted_at(at);
                None
            }
            (None, _) => return Err(anyhow!("no such dossier")),
        };
        let change = app
            .decide_in_memory(self.p, self.cal, at, who, state.as_ref(), &command)
            .map_err(refused)?;
        let recorded = change.events.into_iter().map(|event| RecordedEvent {
            event,
            actor_id: who.id.clone(),
            at,
        });
        let d = change.dossier;
        let entry = l.open.entry(d.id).or_insert_with(|| LoadedDossier {
            dossier: d.clone(),
            province: "48".into(),
            events: Vec::new(),
        });
        entry.dossier = d.clone();
        entry.events.extend(recorded);
        Ok(d)
    }
}

/// Certificates of the demo register held by one person each, with that person as an
/// applicant (the first sample citizens' land is left for people to try).
async fn land_pool(db: &Db) -> Result<Vec<(motcua_core::land::LandRef, Applicant)>> {
    use motcua_core::land::{LandObject, LandRef, ObjectKind};
    let certificates = db.land_of_kind(ObjectKind::Certificate, 400).await?;
    let holders: Vec<uuid::Uuid> = certificates
        .iter()
        .filter_map(|v| match &v.value {
            LandObject::Certificate(c) if c.holders.len() == 1 => {
                c.holders.first().map(|h| h.party)
            }
            _ => None,
        })
        .collect();
    let parties = db.land_objects(&holders, None).await?;
    let mut out = Vec::new();
    for v in &certificates {
        let LandObject::Certificate(c) = &v.value else {
            continue;
        };
        let [h] = c.holders.as_slice() else { continue };
        let Some(LandObject::Party(p)) = parties
            .iter()
            .find(|x| x.object.id == h.party)
            .map(|x| &x.value)
        else {
            continue;
        };
        let Ok(id) = CitizenId::parse(&p.number) else {
            continue;
        };
        out.push((
            LandRef {
                certificate: v.object.id,
                serial: c.serial.clone(),
            },
            Applicant::Person {
                id,
                name: p.name.clone(),
                born: None,
                address: p.address.clone(),
                phone: Some("0905000000".into()),
                email: None,
                from_population_data: false,
            },
        ));
    }
    // Keep the sample citizens' certificates (DA 000001–DA 000010) out of the demo's dossiers.
    out.retain(|(r, _)| r.serial.as_str() > "DA 000010");
    Ok(out)
}

fn citizen(new: &NewDossier) -> Actor {
    Actor::applicant(new.applicant.number(), new.applicant.name())
}

fn citizen_of(d: &Dossier) -> Actor {
    Actor::applicant(d.applicant.number(), d.applicant.name())
}

fn new_dossier(
    rng: &mut Rng,
    p: &Procedure,
    (receiving, resolving): (&str, &str),
    online: bool,
    scan: Option<&str>,
) -> Result<NewDossier> {
    let female = rng.chance(50);
    let born_year = 1950 + i32::try_from(rng.below(55)).unwrap_or(0);
    let century = if born_year >= 2000 { 2 } else { 0 } + u32::from(female);
    let id = format!(
        "048{century}{:02}{:06}",
        born_year % 100,
        rng.below(1_000_000)
    );
    let middle = if female { "Thị" } else { rng.pick(&MIDDLE) };
    let name = format!("{} {middle} {}", rng.pick(&FAMILY), rng.pick(&GIVEN));
    let applicant = Applicant::Person {
        id: CitizenId::parse(&id)?,
        name,
        born: None,
        address: format!("{}, Thành phố Đà Nẵng", rng.pick(&WARDS)),
        phone: Some(format!("09{:08}", rng.below(100_000_000))),
        email: None,
        // The demo's online filers signed in with VNeID and were found in the registry.
        from_population_data: online,
    };
    let mut documents = Vec::new();
    for d in p.documents.iter() {
        if !d.mandatory && !rng.chance(40) {
            continue;
        }
        // Components the catalogue marks "must be digitised" are scanned at the desk; the
        // others are, most of the time.
        let digitised = scan.is_some() && (online || d.digitise || rng.chance(85));
        // The demo's applicants have no earlier dossiers to reuse from, and the citizens'
        // personal data store is not connected: neither flag is claimed.
        let reused: Option<String> = None;
        let personal = false;
        documents.push(DossierDocument {
            code: d.code.clone(),
            name: d.name.clone(),
            originals: d.originals,
            copies: d.copies,
            file: scan.filter(|_| digitised).map(str::to_owned),
            digitised,
            reused_from: reused,
            from_personal_store: personal,
            signed: false,
            digitised_by: None,
            digitised_at: None,
            replaced_by: None,
        });
    }
    let resolving = AgencyCode::parse(resolving)?;
    Ok(NewDossier {
        id: DossierId(uuid::Uuid::now_v7()),
        code: motcua_core::ids::DossierCode::new(&resolving, chrono::NaiveDate::default(), 0),
        external_code: None,
        channel: if online {
            Channel::Online
        } else {
            Channel::Counter
        },
        receiving_agency: AgencyCode::parse(receiving)?,
        resolving_agency: resolving,
        applicant,
        documents,
        area_m2: 50 + i64::try_from(rng.below(400)).unwrap_or(0),
        declared_value: 500_000_000 + 10_000_000 * i64::try_from(rng.below(300)).unwrap_or(0),
        remote_commune: false,
        land: None,
    })
}
