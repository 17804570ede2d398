//! The command path on both databases: codes, optimistic concurrency, the audit chain.

use chrono::{DateTime, TimeZone, Utc};
use motcua_core::calendar::WorkCalendar;
use motcua_core::catalog::{Channel, Procedure, Role, parse_procedure};
use motcua_core::dossier::{
    Actor, Change, Command, Context, Dossier, DossierError, DossierId, PublicView, decide,
};
use motcua_core::ids::AgencyCode;
use motcua_store::{CommandError, Db, Target};
use sqlx::AssertSqlSafe;

use crate::support;

const SEED: &str = motcua_testkit::SEED_1_013833;

pub(crate) fn procedure() -> &'static Procedure {
    motcua_testkit::procedure_1_003877()
}

pub(crate) fn calendar() -> &'static WorkCalendar {
    motcua_testkit::calendar()
}

pub(crate) fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 23, 2, 30, 0).unwrap() // 09:30 in Vietnam
}

pub(crate) fn desk() -> Actor {
    Actor::staff("mc1", "Lê Thị Hoa", Role::DeskOfficer)
}

pub(crate) fn agency() -> AgencyCode {
    AgencyCode::parse("000.00.31.H17").unwrap()
}

/// The decision and the change it makes, as the use-case layer would hand it to the store.
pub(crate) fn decided(
    state: Option<&Dossier>,
    c: &Command,
    ctx: &Context<'_>,
) -> Result<Change, DossierError> {
    Change::new(state, decide(state, c, ctx)?, ctx.now)
}

pub(crate) async fn prepare(db: &Db) {
    db.import_procedure(procedure(), SEED, now()).await.unwrap();
}

pub(crate) async fn receive(
    db: &Db,
    at: DateTime<Utc>,
) -> Result<motcua_core::dossier::Dossier, CommandError> {
    let actor = desk();
    let target = Target::New {
        agency: agency(),
        province_code: "48".into(),
    };
    db.run_command(&target, None, at, &actor.id, |state, code| {
        let p = procedure();
        let new =
            motcua_testkit::new_dossier(p, code.cloned().unwrap(), &agency(), Channel::Counter);
        let ctx = Context {
            now: at,
            actor: &actor,
            procedure: p,
            calendar: calendar(),
        };
        decided(state, &Command::ReceiveAtCounter(new), &ctx)
    })
    .await
}

async fn command(
    db: &Db,
    id: DossierId,
    expected: Option<u64>,
    who: &Actor,
    c: Command,
) -> Result<motcua_core::dossier::Dossier, CommandError> {
    db.run_command(
        &Target::Existing(id),
        expected,
        now(),
        &who.id,
        |state, _| {
            let ctx = Context {
                now: now(),
                actor: who,
                procedure: procedure(),
                calendar: calendar(),
            };
            decided(state, &c, &ctx)
        },
    )
    .await
}

#[tokio::test]
async fn a_received_dossier_is_stored_with_its_history_and_a_receipt_code() {
    for t in support::all().await {
        prepare(&t.db).await;
        let d = receive(&t.db, now()).await.unwrap();
        assert_eq!(d.code.as_str(), "000.00.31.H17-261123-0001", "{}", t.name);
        let stored = t.db.dossier(d.id).await.unwrap().unwrap();
        assert_eq!(stored, d, "{}", t.name);
        assert_eq!(
            t.db.dossier_by_code(d.code.as_str())
                .await
                .unwrap()
                .unwrap()
                .id,
            d.id
        );
        let events = t.db.dossier_events(d.id).await.unwrap();
        assert_eq!(events.len() as u64, d.version, "{}", t.name);
        assert_eq!(events[0].kind, "opened");
        assert_eq!(events[1].prev_hash, events[0].hash);
        let report = t.db.verify_audit().await.unwrap();
        assert!(report.broken.is_empty(), "{}: {:?}", t.name, report.broken);
        assert_eq!(report.dossiers, 1);
        t.finish().await;
    }
}

#[tokio::test]
async fn the_public_view_is_kept_with_each_change_and_computed_for_rows_written_before_it() {
    for t in support::all().await {
        prepare(&t.db).await;
        let d = receive(&t.db, now()).await.unwrap();
        let view = |text: String| serde_json::from_str::<PublicView>(&text).unwrap();
        let stored = t.db.public_view(d.code.as_str()).await.unwrap().unwrap().1;
        assert_eq!(view(stored), PublicView::of(&d), "{}", t.name);
        let leader = Actor::staff("ld1", "x", Role::Leader);
        let d = command(
            &t.db,
            d.id,
            None,
            &leader,
            Command::Refuse {
                reason: "Thửa đất đang có tranh chấp".into(),
            },
        )
        .await
        .unwrap();
        let stored = view(t.db.public_view(d.code.as_str()).await.unwrap().unwrap().1);
        assert_eq!(
            stored.status, "refused",
            "{}: the view follows the change",
            t.name
        );
        assert_eq!(stored.applicant, "P*** V** An", "{}: masked", t.name);
        let clear = AssertSqlSafe("UPDATE dossiers SET public_view = NULL");
        match &t.db {
            Db::Sqlite(pool, _) => {
                sqlx::query(clear).execute(pool).await.unwrap();
            }
            Db::Postgres(pool) => {
                sqlx::query(clear).execute(pool).await.unwrap();
            }
        }
        let computed = view(t.db.public_view(d.code.as_str()).await.unwrap().unwrap().1);
        assert_eq!(
            computed,
            PublicView::of(&d),
            "{}: computed from the state",
            t.name
        );
        assert!(
            t.db.public_view("000.00.31.H17-261123-9999")
                .await
                .unwrap()
                .is_none()
        );
        t.finish().await;
    }
}

#[tokio::test]
async fn thirty_two_concurrent_receipts_get_thirty_two_consecutive_codes() {
    for t in support::all().await {
        prepare(&t.db).await;
        let db = t.db.clone();
        let tasks: Vec<_> = (0..32)
            .map(|_| {
                let db = db.clone();
                tokio::spawn(async move { receive(&db, now()).await.map(|d| d.code.to_string()) })
            })
            .collect();
        let mut codes: Vec<String> = futures_util::future::join_all(tasks)
            .await
            .into_iter()
            .map(|r| r.unwrap().unwrap())
            .collect();
        codes.sort();
        let expected: Vec<String> = (1..=32)
            .map(|n| format!("000.00.31.H17-261123-{n:04}"))
            .collect();
        assert_eq!(codes, expected, "{}", t.name);
        // The next day starts again at 0001.
        let tomorrow = receive(&t.db, now() + chrono::TimeDelta::days(1))
            .await
            .unwrap();
        assert_eq!(
            tomorrow.code.as_str(),
            "000.00.31.H17-261124-0001",
            "{}",
            t.name
        );
        t.finish().await;
    }
}

#[tokio::test]
async fn of_two_concurrent_writers_one_wins_and_the_other_gets_a_conflict() {
    for t in support::all().await {
        prepare(&t.db).await;
        let d = receive(&t.db, now()).await.unwrap();
        let version = d.version;
        let leader = Actor::staff("ld1", "x", Role::Leader);
        let officer = |id: &str| motcua_core::dossier::Officer {
            id: id.into(),
            name: id.into(),
            role: Role::Specialist,
            agency: agency(),
        };
        let (a, b) = tokio::join!(
            command(
                &t.db,
                d.id,
                Some(version),
                &leader,
                Command::Assign {
                    officer: officer("cv1")
                }
            ),
            command(
                &t.db,
                d.id,
                Some(version),
                &leader,
                Command::Assign {
                    officer: officer("cv2")
                }
            ),
        );
        let outcomes = [a.is_ok(), b.is_ok()];
        assert_eq!(
            outcomes.iter().filter(|ok| **ok).count(),
            1,
            "{}: {outcomes:?}",
            t.name
        );
        let loser = if a.is_ok() { b } else { a };
        assert!(
            matches!(loser, Err(CommandError::Conflict { .. })),
            "{}",
            t.name
        );
        let stored = t.db.dossier(d.id).await.unwrap().unwrap();
        assert_eq!(stored.version, version + 1, "{}", t.name);
        assert_eq!(
            t.db.dossier_events(d.id).await.unwrap().len() as u64,
            version + 1
        );
        // A stale version is refused even without a race.
        let stale = command(
            &t.db,
            d.id,
            Some(version),
            &leader,
            Command::Assign {
                officer: officer("cv3"),
            },
        )
        .await;
        assert!(
            matches!(stale, Err(CommandError::Conflict { .. })),
            "{}",
            t.name
        );
        t.finish().await;
    }
}

#[tokio::test]
async fn a_refused_command_writes_nothing() {
    for t in support::all().await {
        prepare(&t.db).await;
        let d = receive(&t.db, now()).await.unwrap();
        let citizen = Actor::applicant("048190000001", "x");
        let err = command(&t.db, d.id, None, &citizen, Command::Approve { note: None }).await;
        assert!(matches!(err, Err(CommandError::Domain(_))), "{}", t.name);
        assert_eq!(
            t.db.dossier(d.id).await.unwrap().unwrap().version,
            d.version
        );
        t.finish().await;
    }
}

#[tokio::test]
async fn editing_a_stored_event_breaks_the_audit_chain_and_names_it() {
    for t in support::all().await {
        prepare(&t.db).await;
        let d = receive(&t.db, now()).await.unwrap();
        receive(&t.db, now()).await.unwrap();
        let sql = match &t.db {
            Db::Sqlite(..) => {
                "UPDATE dossier_events SET payload = replace(payload, 'Phạm Văn An', 'Phạm Văn Ân') WHERE seq = 1 AND dossier_id = ?"
            }
            Db::Postgres(_) => {
                "UPDATE dossier_events SET payload = replace(payload::text, 'Phạm Văn An', 'Phạm Văn Ân')::jsonb WHERE seq = 1 AND dossier_id = $1"
            }
        };
        let changed = match &t.db {
            Db::Sqlite(pool, _) => sqlx::query(AssertSqlSafe(sql))
                .bind(d.id.0)
                .execute(pool)
                .await
                .unwrap()
                .rows_affected(),
            Db::Postgres(pool) => sqlx::query(AssertSqlSafe(sql))
                .bind(d.id.0)
                .execute(pool)
                .await
                .unwrap()
                .rows_affected(),
        };
        assert_eq!(changed, 1);
        let report = t.db.verify_audit().await.unwrap();
        assert_eq!(report.dossiers, 2);
        assert_eq!(report.broken.len(), 1, "{}: {:?}", t.name, report.broken);
        assert_eq!(report.broken[0].dossier_code, d.code.as_str());
        assert_eq!(report.broken[0].seq, 1);
        assert!(
            report.broken[0].reason.contains("hash"),
            "{:?}",
            report.broken[0]
        );
        t.finish().await;
    }
}

#[tokio::test]
async fn a_published_procedure_version_cannot_change_silently() {
    for t in support::all().await {
        prepare(&t.db).await;
        let again =
            t.db.import_procedure(procedure(), SEED, now())
                .await
                .unwrap();
        assert_eq!(again, motcua_store::ImportOutcome::Unchanged);
        let edited = SEED.replace("statutory_days = 4", "statutory_days = 6");
        let p = parse_procedure("x", &edited).unwrap();
        assert!(matches!(
            t.db.import_procedure(&p, &edited, now()).await,
            Err(motcua_store::StoreError::Conflict(_))
        ));
        let bumped = edited.replace("version = 1", "version = 2");
        let p2 = parse_procedure("x", &bumped).unwrap();
        t.db.import_procedure(&p2, &bumped, now()).await.unwrap();
        let current = t.db.current_procedures().await.unwrap();
        assert_eq!(current.len(), 1);
        assert_eq!(current[0].version, 2);
        assert_eq!(current[0].procedure().unwrap().statutory_days, 6);
        t.finish().await;
    }
}

#[cfg(feature = "bench")]
#[tokio::test]
async fn histories_decided_elsewhere_load_in_bulk_and_verify() {
    use motcua_store::{LoadedDossier, RecordedEvent};
    for t in support::all().await {
        let db = &t.db;
        prepare(db).await;
        let actor = desk();
        let mut batch = Vec::new();
        for n in 1..=25u32 {
            let at = now() + chrono::TimeDelta::minutes(i64::from(n));
            let code = motcua_core::ids::DossierCode::new(&agency(), at.date_naive(), n);
            let new = motcua_testkit::new_dossier(procedure(), code, &agency(), Channel::Counter);
            let ctx = Context {
                now: at,
                actor: &actor,
                procedure: procedure(),
                calendar: calendar(),
            };
            let events = decide(None, &Command::ReceiveAtCounter(new), &ctx).unwrap();
            let mut state = None;
            for e in &events {
                state = Some(motcua_core::dossier::apply(state, e, at).unwrap());
            }
            batch.push(LoadedDossier {
                dossier: state.unwrap(),
                province: "48".into(),
                events: events
                    .into_iter()
                    .map(|event| RecordedEvent {
                        event,
                        actor_id: actor.id.clone(),
                        at,
                    })
                    .collect(),
            });
        }
        db.load_dossiers(&batch).await.unwrap();
        assert_eq!(db.dossier_count().await.unwrap(), 25, "{}", t.name);
        let report = db.verify_audit().await.unwrap();
        assert_eq!(
            (report.dossiers, report.broken.len()),
            (25, 0),
            "{}: {:?}",
            t.name,
            report.broken
        );
        assert!(db.event_count().await.unwrap() >= 25);
        t.finish().await;
    }
}

#[tokio::test]
async fn a_work_queue_lists_each_dossier_once_earliest_due_first_undated_last() {
    use motcua_store::{DossierFilter, ListOrder};
    for t in support::all().await {
        let db = &t.db;
        prepare(db).await;
        for n in 0..5 {
            // Received in reverse order of due: the queue must come back in due order anyway.
            receive(db, now() + chrono::TimeDelta::hours(5 - n))
                .await
                .unwrap();
        }
        let online = {
            let actor = Actor::applicant("048190000001", "Phạm Văn An");
            let target = Target::New {
                agency: agency(),
                province_code: "48".into(),
            };
            db.run_command(&target, None, now(), &actor.id, |state, code| {
                let new = motcua_testkit::new_dossier(
                    procedure(),
                    code.cloned().unwrap(),
                    &agency(),
                    Channel::Online,
                );
                let ctx = Context {
                    now: now(),
                    actor: &actor,
                    procedure: procedure(),
                    calendar: calendar(),
                };
                decided(state, &Command::SubmitOnline(new), &ctx)
            })
            .await
            .unwrap()
        };
        let queue = db
            .list_dossiers(&DossierFilter {
                visible_units: Some(vec![agency().to_string()]),
                order: ListOrder::DueFirst,
                limit: 10,
                ..DossierFilter::default()
            })
            .await
            .unwrap();
        assert_eq!(
            queue.len(),
            6,
            "{}: each once, though received and resolved by the unit",
            t.name
        );
        let dues: Vec<_> = queue.iter().map(|r| r.due_at).collect();
        assert!(
            dues.windows(2).all(|w| match (w[0], w[1]) {
                (Some(a), Some(b)) => a <= b,
                (_, None) => true,
                (None, Some(_)) => false,
            }),
            "{}: {dues:?}",
            t.name
        );
        assert_eq!(
            queue.last().unwrap().id,
            online.id.0,
            "{}: undated last",
            t.name
        );
        let page = db
            .list_dossiers(&DossierFilter {
                visible_units: Some(vec![agency().to_string()]),
                order: ListOrder::DueFirst,
                limit: 2,
                ..DossierFilter::default()
            })
            .await
            .unwrap();
        assert_eq!(
            page.iter().map(|r| r.id).collect::<Vec<_>>(),
            queue.iter().take(2).map(|r| r.id).collect::<Vec<_>>()
        );
        // Pages of two, each continuing after the last row of the one before, walk the same
        // queue — through the dated rows into the undated tail — whether visibility is by
        // unit (one scan per side) or province-wide (one query).
        for units in [Some(vec![agency().to_string()]), None] {
            let mut walked = Vec::new();
            let mut after = None;
            loop {
                let page = db
                    .list_dossiers(&DossierFilter {
                        visible_units: units.clone(),
                        order: ListOrder::DueFirst,
                        limit: 2,
                        due_after: after,
                        ..DossierFilter::default()
                    })
                    .await
                    .unwrap();
                let Some(last) = page.last() else { break };
                after = Some(motcua_store::DueCursor {
                    due_at: last.due_at,
                    id: last.id,
                });
                walked.extend(page.iter().map(|r| r.id));
                assert!(walked.len() <= 6, "{}: the cursor moves on", t.name);
            }
            assert_eq!(
                walked,
                queue.iter().map(|r| r.id).collect::<Vec<_>>(),
                "{}: paged by unit: {}",
                t.name,
                units.is_some()
            );
        }
        t.finish().await;
    }
}

#[cfg(feature = "bench")]
#[tokio::test]
async fn copies_of_dossier_rows_get_their_own_ids_and_codes_and_lists_see_them() {
    use motcua_store::DossierFilter;
    for t in support::all().await {
        let db = &t.db;
        prepare(db).await;
        for _ in 0..3 {
            receive(db, now()).await.unwrap();
        }
        let written = db.copy_dossier_rows(2, 2, |_| {}).await.unwrap();
        assert_eq!(
            written, 6,
            "{}: two copies of three, in batches of two",
            t.name
        );
        db.refresh_statistics().await.unwrap();
        let all = db
            .list_dossiers(&DossierFilter {
                limit: 100,
                ..DossierFilter::default()
            })
            .await
            .unwrap();
        assert_eq!(all.len(), 9, "{}", t.name);
        let ids: std::collections::HashSet<_> = all.iter().map(|r| r.id).collect();
        assert_eq!(ids.len(), 9, "{}: every copy has its own id", t.name);
        for k in ["~1", "~2"] {
            assert_eq!(
                all.iter().filter(|r| r.code.ends_with(k)).count(),
                3,
                "{}: copies {k}",
                t.name
            );
        }
        t.finish().await;
    }
}
