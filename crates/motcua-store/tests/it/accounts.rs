//! Staff accounts, sign-in failures and lockout, sessions, API tokens and idempotency keys on
//! both databases.

use chrono::{DateTime, TimeDelta, TimeZone, Utc};
use motcua_store::{Db, NewAccount};

use crate::support;

fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 23, 2, 0, 0).unwrap()
}

async fn officer(db: &Db) -> uuid::Uuid {
    db.create_account(
        &NewAccount {
            username: "mc1".into(),
            full_name: "Lê Thị Hoa".into(),
            password_hash: "$argon2id$not-checked-here".into(),
            role: "desk_officer".into(),
            province_code: "48".into(),
            units: vec!["000.00.20.H48".into()],
        },
        now(),
    )
    .await
    .unwrap()
}

#[tokio::test]
async fn failures_count_up_a_lock_resets_the_count_and_a_success_clears_both() {
    for t in support::all().await {
        let db = &t.db;
        let id = officer(db).await;
        for _ in 0..4 {
            db.record_login_failure(id, None).await.unwrap();
        }
        let a = db.account_by_username("mc1").await.unwrap().unwrap();
        assert_eq!((a.failed_attempts, a.locked_until), (4, None), "{}", t.name);
        let until = now() + TimeDelta::minutes(15);
        // The fifth failure locks: one statement sets the lock and resets the count.
        db.record_login_failure(id, Some(until)).await.unwrap();
        let a = db.account(id).await.unwrap().unwrap();
        assert_eq!(
            (a.failed_attempts, a.locked_until),
            (0, Some(until)),
            "{}",
            t.name
        );
        db.record_login_success(id).await.unwrap();
        let a = db.account(id).await.unwrap().unwrap();
        assert_eq!((a.failed_attempts, a.locked_until), (0, None), "{}", t.name);
        assert!(
            db.create_account(
                &NewAccount {
                    username: "mc1".into(),
                    full_name: "x".into(),
                    password_hash: "x".into(),
                    role: "leader".into(),
                    province_code: "48".into(),
                    units: vec![],
                },
                now(),
            )
            .await
            .is_err(),
            "{}: usernames are unique",
            t.name
        );
        t.finish().await;
    }
}

#[tokio::test]
async fn a_session_is_found_by_its_digest_touched_and_ended_and_a_new_password_ends_it() {
    for t in support::all().await {
        let db = &t.db;
        let id = officer(db).await;
        db.create_session("digest-1", id, "csrf-1", true, now())
            .await
            .unwrap();
        let s = db.session("digest-1").await.unwrap().unwrap();
        assert_eq!((s.account_id, s.csrf_token.as_str()), (id, "csrf-1"));
        let later = now() + TimeDelta::minutes(5);
        db.touch_session("digest-1", later).await.unwrap();
        assert_eq!(
            db.session("digest-1").await.unwrap().unwrap().last_seen_at,
            later,
            "{}",
            t.name
        );
        db.delete_session("digest-1").await.unwrap();
        assert!(db.session("digest-1").await.unwrap().is_none());
        db.create_session("digest-2", id, "csrf-2", true, now())
            .await
            .unwrap();
        db.set_password(id, "$argon2id$new", later).await.unwrap();
        assert!(
            db.session("digest-2").await.unwrap().is_none(),
            "{}: a new password signs every session out",
            t.name
        );
        t.finish().await;
    }
}

#[tokio::test]
async fn an_api_token_is_found_by_its_digest_with_its_role_and_units() {
    for t in support::all().await {
        let db = &t.db;
        let units = vec!["000.11.12.H48".to_owned()];
        let id = db
            .create_api_token(
                "tok-digest",
                "Cổng DVCQG",
                "desk_officer",
                "48",
                &units,
                now(),
            )
            .await
            .unwrap();
        let token = db.api_token("tok-digest").await.unwrap().unwrap();
        assert_eq!(token.id, id);
        assert_eq!(
            (
                token.name.as_str(),
                token.role.as_str(),
                token.units.0.clone()
            ),
            ("Cổng DVCQG", "desk_officer", units),
            "{}",
            t.name
        );
        assert!(token.revoked_at.is_none());
        assert!(db.api_token("other").await.unwrap().is_none());
        t.finish().await;
    }
}

#[tokio::test]
async fn an_idempotency_key_is_reserved_once_answered_and_freed_when_the_request_failed() {
    for t in support::all().await {
        let db = &t.db;
        assert!(
            db.reserve_idempotency_key("mc1", "k1", "h1", now(), HOLD)
                .await
                .unwrap()
        );
        assert!(
            !db.reserve_idempotency_key("mc1", "k1", "h1", now(), HOLD)
                .await
                .unwrap(),
            "{}: a key is reserved once",
            t.name
        );
        assert!(
            db.reserve_idempotency_key("other", "k1", "h1", now(), HOLD)
                .await
                .unwrap(),
            "{}: keys are per principal",
            t.name
        );
        db.finish_idempotency_key("mc1", "k1", 201, "{\"ok\":true}")
            .await
            .unwrap();
        let stored = db.idempotent_response("mc1", "k1").await.unwrap().unwrap();
        assert_eq!(
            (
                stored.request_hash.as_str(),
                stored.status,
                stored.response.as_str()
            ),
            ("h1", 201, "{\"ok\":true}"),
            "{}",
            t.name
        );
        db.release_idempotency_key("other", "k1").await.unwrap();
        assert!(
            db.idempotent_response("other", "k1")
                .await
                .unwrap()
                .is_none()
        );
        assert!(
            db.reserve_idempotency_key("other", "k1", "h2", now(), HOLD)
                .await
                .unwrap(),
            "{}: a freed key can be used again",
            t.name
        );
        let later = now() + TimeDelta::seconds(61);
        assert!(
            !db.reserve_idempotency_key("other", "k1", "h9", later, HOLD)
                .await
                .unwrap(),
            "{}: an expired reservation is taken over only by the same request",
            t.name
        );
        assert!(
            db.reserve_idempotency_key("other", "k1", "h2", later, HOLD)
                .await
                .unwrap(),
            "{}: a reservation that never got its answer expires (its request died)",
            t.name
        );
        assert!(
            !db.reserve_idempotency_key("mc1", "k1", "h1", later, HOLD)
                .await
                .unwrap(),
            "{}: an answered key never expires",
            t.name
        );
        t.finish().await;
    }
}

const HOLD: TimeDelta = TimeDelta::seconds(60);

#[tokio::test]
async fn sign_in_attempts_count_per_key_in_one_statement_and_start_again_after_the_window() {
    for t in support::all().await {
        let db = &t.db;
        let keys = vec!["pair:1.2.3.4|mc1".to_owned(), "user:mc1".to_owned()];
        let at = now().timestamp();
        let counts = futures_util::future::join_all(
            (0..12).map(|_| db.count_sign_in_attempt(&keys, at, 900)),
        )
        .await;
        let mut seen: Vec<i64> = counts
            .into_iter()
            .map(|c| {
                c.unwrap()
                    .into_iter()
                    .find(|c| c.key == "user:mc1")
                    .unwrap()
                    .failures
            })
            .collect();
        seen.sort_unstable();
        assert_eq!(
            seen,
            (1..=12).collect::<Vec<_>>(),
            "{}: each attempt saw its own count",
            t.name
        );
        db.give_back_sign_in_attempt(&keys).await.unwrap();
        let next = db.count_sign_in_attempt(&keys, at + 10, 900).await.unwrap();
        assert!(
            next.iter()
                .all(|c| c.failures == 12 && c.window_start == at),
            "{}: {next:?}",
            t.name
        );
        let fresh = db
            .count_sign_in_attempt(&keys, at + 901, 900)
            .await
            .unwrap();
        assert!(
            fresh
                .iter()
                .all(|c| c.failures == 1 && c.window_start == at + 901),
            "{}: {fresh:?}",
            t.name
        );
        db.clear_sign_in_attempts("MC1").await.unwrap();
        let cleared = db
            .count_sign_in_attempt(&keys, at + 902, 900)
            .await
            .unwrap();
        assert!(
            cleared
                .iter()
                .all(|c| c.failures == 1 && c.window_start == at + 902),
            "{}: {cleared:?}",
            t.name
        );
        t.finish().await;
    }
}
