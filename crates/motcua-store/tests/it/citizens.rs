//! Citizens, drafts, payment orders, notification texts and the outbox, on both databases.

use chrono::TimeDelta;
use motcua_store::{Citizen, NOTIFY_TOPIC, PaymentOrder, StoredTemplate};
use uuid::Uuid;

use crate::dossiers::{now, prepare, receive};
use crate::support;

fn citizen() -> Citizen {
    Citizen {
        id_number: "048190000001".into(),
        full_name: "Nguyễn Thị Minh Khai".into(),
        birth_date: chrono::NaiveDate::from_ymd_opt(1990, 5, 17),
        gender: "Nữ".into(),
        address: "Phường Hải Châu, Thành phố Đà Nẵng".into(),
        phone: Some("0905123456".into()),
        email: None,
        notify_channel: "zalo".into(),
        identity_level: 2,
        in_registry: true,
    }
}

#[tokio::test]
async fn a_citizen_account_keeps_its_contacts_when_the_registry_refreshes_it() {
    for t in support::all().await {
        let db = &t.db;
        db.upsert_citizen(&citizen(), now()).await.unwrap();
        let mut moved = citizen();
        moved.address = "Phường An Hải, Thành phố Đà Nẵng".into();
        moved.phone = None;
        moved.notify_channel = "sms".into();
        db.upsert_citizen(&moved, now()).await.unwrap();
        let stored = db.citizen("048190000001").await.unwrap().unwrap();
        assert_eq!(stored.address, moved.address, "{}", t.name);
        assert_eq!(
            stored.phone.as_deref(),
            Some("0905123456"),
            "{}: contacts kept",
            t.name
        );
        assert_eq!(stored.notify_channel, "zalo", "{}", t.name);
        assert_eq!(stored.birth_date, citizen().birth_date, "{}", t.name);
        db.set_citizen_contact(
            "048190000001",
            None,
            Some("khai@example.vn"),
            "email",
            now(),
        )
        .await
        .unwrap();
        let stored = db.citizen("048190000001").await.unwrap().unwrap();
        assert_eq!(
            (
                stored.phone,
                stored.email.as_deref(),
                stored.notify_channel.as_str()
            ),
            (None, Some("khai@example.vn"), "email")
        );

        db.create_citizen_session("h1", "048190000001", "csrf", now())
            .await
            .unwrap();
        assert_eq!(
            db.citizen_session("h1").await.unwrap().unwrap().csrf_token,
            "csrf"
        );
        db.delete_citizen_session("h1").await.unwrap();
        assert!(db.citizen_session("h1").await.unwrap().is_none());

        db.begin_oidc_login("state-1", "nonce-1", "/cong-dan", now())
            .await
            .unwrap();
        assert_eq!(
            db.take_oidc_login("state-1").await.unwrap().unwrap().nonce,
            "nonce-1"
        );
        assert!(
            db.take_oidc_login("state-1").await.unwrap().is_none(),
            "{}: used once",
            t.name
        );

        let draft = Uuid::now_v7();
        db.save_draft(
            draft,
            "048190000001",
            "1.013833",
            &serde_json::json!({"values": {"a": "1"}}),
            now(),
        )
        .await
        .unwrap();
        db.save_draft(
            draft,
            "048190000001",
            "1.013833",
            &serde_json::json!({"values": {"a": "2"}}),
            now(),
        )
        .await
        .unwrap();
        assert!(
            db.draft(draft, "079190000002").await.unwrap().is_none(),
            "{}: not another's",
            t.name
        );
        assert_eq!(db.drafts("048190000001").await.unwrap().len(), 1);
        assert_eq!(
            db.draft(draft, "048190000001")
                .await
                .unwrap()
                .unwrap()
                .data
                .0["values"]["a"],
            "2"
        );
        db.delete_draft(draft, "048190000001").await.unwrap();
        assert!(db.drafts("048190000001").await.unwrap().is_empty());

        db.save_notification_template(&StoredTemplate {
            kind: "received".into(),
            subject: "s".into(),
            body: "b {ma_ho_so}".into(),
            updated_by: "qt".into(),
            updated_at: now(),
        })
        .await
        .unwrap();
        assert_eq!(
            db.notification_templates().await.unwrap()[0].body,
            "b {ma_ho_so}"
        );
        db.reset_notification_template("received").await.unwrap();
        assert!(db.notification_templates().await.unwrap().is_empty());
        t.finish().await;
    }
}

#[tokio::test]
async fn notices_are_written_with_the_change_and_claimed_with_a_lease() {
    for t in support::all().await {
        let db = &t.db;
        prepare(db).await;
        let d = receive(db, now()).await.unwrap();
        let counts = db.outbox_counts(NOTIFY_TOPIC).await.unwrap();
        assert_eq!(counts.pending, 1, "{}: the receipt notice", t.name);
        assert_eq!(
            db.dossiers_of_applicant("048190000001")
                .await
                .unwrap()
                .len(),
            1
        );

        let claimed = db
            .claim_outbox(NOTIFY_TOPIC, now(), TimeDelta::seconds(60), 10)
            .await
            .unwrap();
        assert_eq!(claimed.len(), 1, "{}", t.name);
        assert_eq!(claimed[0].payload.0["kind"], "received");
        assert!(
            db.claim_outbox(NOTIFY_TOPIC, now(), TimeDelta::seconds(60), 10)
                .await
                .unwrap()
                .is_empty(),
            "{}: leased to the first claimer",
            t.name
        );
        db.outbox_failed(claimed[0].id, now() + TimeDelta::seconds(5), "503")
            .await
            .unwrap();
        assert!(
            db.claim_outbox(NOTIFY_TOPIC, now(), TimeDelta::seconds(60), 10)
                .await
                .unwrap()
                .is_empty()
        );
        let again = db
            .claim_outbox(
                NOTIFY_TOPIC,
                now() + TimeDelta::seconds(6),
                TimeDelta::seconds(60),
                10,
            )
            .await
            .unwrap();
        assert_eq!(again.len(), 1);
        assert_eq!(again[0].attempts, 1, "{}", t.name);
        db.outbox_delivered(again[0].id, now()).await.unwrap();
        let counts = db.outbox_counts(NOTIFY_TOPIC).await.unwrap();
        assert_eq!((counts.delivered, counts.pending), (1, 0), "{}", t.name);

        let order = PaymentOrder {
            transaction_id: "GD1".into(),
            dossier_id: d.id.0,
            purpose: "fees".into(),
            amount: 14_000,
            created_at: now(),
            paid_at: None,
            callbacks: 0,
        };
        db.create_payment_order(&order).await.unwrap();
        db.payment_callback("GD1", now()).await.unwrap();
        db.payment_callback("GD1", now() + TimeDelta::minutes(1))
            .await
            .unwrap();
        let stored = db.payment_order("GD1").await.unwrap().unwrap();
        assert_eq!(stored.callbacks, 2);
        assert_eq!(
            stored.paid_at,
            Some(now()),
            "{}: the first callback's time",
            t.name
        );
        assert_eq!(db.payment_orders(d.id.0).await.unwrap().len(), 1);
        t.finish().await;
    }
}

#[tokio::test]
async fn a_dossiers_messages_go_out_in_order_and_dead_letters_wait_for_a_replay() {
    for t in support::all().await {
        let db = &t.db;
        prepare(db).await;
        let d = receive(db, now()).await.unwrap();
        // A second change to the same dossier: its notice must wait for the first.
        let later = now() + TimeDelta::minutes(1);
        db.run_command(
            &motcua_store::Target::Existing(d.id),
            None,
            later,
            "mc1",
            |state, _| {
                let events = vec![motcua_core::dossier::Event::Extended {
                    appointment: d.appointment.clone().unwrap(),
                }];
                motcua_core::dossier::Change::new(state, events, later)
            },
        )
        .await
        .unwrap();
        let lease = TimeDelta::seconds(60);
        let first = db
            .claim_outbox(NOTIFY_TOPIC, later, lease, 10)
            .await
            .unwrap();
        assert_eq!(
            first.len(),
            1,
            "{}: only the dossier's oldest message",
            t.name
        );
        assert_eq!(first[0].payload.0["kind"], "received");
        db.outbox_failed(first[0].id, later + TimeDelta::seconds(5), "503")
            .await
            .unwrap();
        assert!(
            db.claim_outbox(NOTIFY_TOPIC, later + TimeDelta::seconds(1), lease, 10)
                .await
                .unwrap()
                .is_empty(),
            "{}: the later message waits while the earlier one waits for its retry",
            t.name
        );
        db.outbox_dead(first[0].id, later, "400 Bad Request")
            .await
            .unwrap();
        let counts = db.outbox_counts(NOTIFY_TOPIC).await.unwrap();
        assert_eq!((counts.pending, counts.dead), (1, 1), "{}", t.name);
        let second = db
            .claim_outbox(NOTIFY_TOPIC, later, lease, 10)
            .await
            .unwrap();
        assert_eq!(
            second.len(),
            1,
            "{}: a dead letter does not hold the line",
            t.name
        );
        assert_eq!(second[0].payload.0["kind"], "extended");
        db.outbox_delivered(second[0].id, later).await.unwrap();
        let dead = db.dead_letters(10).await.unwrap();
        assert_eq!(dead.len(), 1);
        assert_eq!(dead[0].attempts, 2);
        assert_eq!(dead[0].last_error.as_deref(), Some("400 Bad Request"));
        assert!(db.replay_dead_letter(dead[0].id, later).await.unwrap());
        assert!(
            !db.replay_dead_letter(dead[0].id, later).await.unwrap(),
            "{}: only a dead one",
            t.name
        );
        let again = db
            .claim_outbox(NOTIFY_TOPIC, later, lease, 10)
            .await
            .unwrap();
        assert_eq!(again.len(), 1);
        assert_eq!(again[0].attempts, 0, "{}: replayed as new", t.name);
        t.finish().await;
    }
}
