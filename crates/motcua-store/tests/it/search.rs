//! Finding a dossier by its words, on both databases: name without diacritics, CCCD, phone,
//! code; every word must match; only what the caller may see; newest first; the words of the
//! dossiers stored before the table existed are filled in once.

use motcua_core::catalog::Channel;
use motcua_core::dossier::search::query_terms;
use motcua_core::dossier::{Applicant, Command, Context, Dossier};
use motcua_core::ids::CitizenId;
use motcua_store::{Db, DossierFilter, Target};

use crate::dossiers::{agency, calendar, decided, desk, now, prepare, procedure};
use crate::support;

async fn receive_for(db: &Db, name: &str, id: &str, phone: &str, minutes: i64) -> Dossier {
    let actor = desk();
    let at = now() + chrono::TimeDelta::minutes(minutes);
    let target = Target::New {
        agency: agency(),
        province_code: "48".into(),
    };
    db.run_command(&target, None, at, &actor.id, |state, code| {
        let mut new = motcua_testkit::new_dossier(
            procedure(),
            code.cloned().unwrap(),
            &agency(),
            Channel::Counter,
        );
        new.applicant = Applicant::Person {
            id: CitizenId::parse(id).unwrap(),
            name: name.into(),
            born: None,
            address: "Hải Châu".into(),
            phone: Some(phone.into()),
            email: None,
            from_population_data: false,
        };
        let ctx = Context {
            now: at,
            actor: &actor,
            procedure: procedure(),
            calendar: calendar(),
        };
        decided(state, &Command::ReceiveAtCounter(new), &ctx)
    })
    .await
    .unwrap()
}

async fn find(db: &Db, query: &str, units: Option<Vec<String>>) -> Vec<String> {
    db.list_dossiers(&DossierFilter {
        terms: query_terms(query),
        visible_units: units,
        limit: 50,
        ..DossierFilter::default()
    })
    .await
    .unwrap()
    .into_iter()
    .map(|r| r.applicant_name)
    .collect()
}

#[tokio::test]
async fn staff_find_a_dossier_by_name_without_diacritics_id_number_phone_or_code() {
    for t in support::all().await {
        let db = &t.db;
        prepare(db).await;
        let lan = receive_for(db, "Nguyễn Thị Lan", "048185000111", "0905 111 222", 0).await;
        receive_for(db, "Nguyễn Văn Lân", "048085000222", "0905111333", 1).await;
        receive_for(db, "Trần Thị Lan", "048185000333", "+84 913 000 444", 2).await;
        let mine = Some(vec![agency().to_string()]);

        assert_eq!(
            find(db, "nguyen thi lan", mine.clone()).await,
            ["Nguyễn Thị Lan"],
            "{}",
            t.name
        );
        // Every word must match; the newest first.
        assert_eq!(
            find(db, "lan", mine.clone()).await,
            ["Trần Thị Lan", "Nguyễn Văn Lân", "Nguyễn Thị Lan"],
            "{}: folded, 'Lân' is 'lan' too",
            t.name
        );
        assert_eq!(
            find(db, "NGUYỄN lân", mine.clone()).await.len(),
            2,
            "{}",
            t.name
        );
        assert_eq!(
            find(db, "048085000222", mine.clone()).await,
            ["Nguyễn Văn Lân"],
            "{}",
            t.name
        );
        assert_eq!(
            find(db, "0913.000.444", mine.clone()).await,
            ["Trần Thị Lan"],
            "{}",
            t.name
        );
        assert_eq!(
            find(db, "+84905111222", mine.clone()).await,
            ["Nguyễn Thị Lan"],
            "{}",
            t.name
        );
        let code = lan.code.as_str().to_lowercase();
        assert_eq!(
            find(db, &format!("  {code} "), mine.clone()).await,
            ["Nguyễn Thị Lan"],
            "{}",
            t.name
        );
        assert!(
            find(db, "nguyen hoa", mine.clone()).await.is_empty(),
            "{}",
            t.name
        );
        // Another unit's officer finds nothing of ours.
        let elsewhere = Some(vec!["000.00.20.H48".to_owned()]);
        assert!(
            find(db, "lan", elsewhere).await.is_empty(),
            "{}: visibility",
            t.name
        );

        // A database from before the table: the words are filled in once, at migration.
        sqlx_exec(db, "DELETE FROM dossier_terms").await;
        assert!(find(db, "lan", mine.clone()).await.is_empty(), "{}", t.name);
        sqlx_exec(
            db,
            "INSERT INTO settings (key, value, updated_at) VALUES ('search_terms', 'rebuild', '2026-12-03T00:00:00Z')",
        )
        .await;
        assert_eq!(
            db.build_search_terms_if_needed().await.unwrap(),
            Some(3),
            "{}",
            t.name
        );
        assert_eq!(find(db, "lan", mine.clone()).await.len(), 3, "{}", t.name);
        assert_eq!(
            db.build_search_terms_if_needed().await.unwrap(),
            None,
            "{}: once",
            t.name
        );
    }
}

async fn sqlx_exec(db: &Db, sql: &'static str) {
    match db {
        Db::Sqlite(pool, _) => {
            sqlx::query(sql).execute(pool).await.unwrap();
        }
        Db::Postgres(pool) => {
            sqlx::query(sql).execute(pool).await.unwrap();
        }
    }
}

#[tokio::test]
async fn a_search_walks_past_a_thousand_rows_of_a_common_name_to_the_few_the_filter_keeps() {
    for t in support::all().await {
        let db = &t.db;
        prepare(db).await;
        // Three early dossiers, then more than a step's worth of the same name later on.
        for i in 0..3 {
            receive_for(db, "Trần Văn Hòa", "048085000500", "0905000500", i).await;
        }
        for i in 0..1_010 {
            receive_for(db, "Trần Văn Hòa", "048085000500", "0905000500", 60 + i).await;
        }
        let early = db
            .list_dossiers(&DossierFilter {
                terms: query_terms("tran hoa"),
                submitted_to: Some(now() + chrono::TimeDelta::minutes(30)),
                limit: 50,
                ..DossierFilter::default()
            })
            .await
            .unwrap();
        assert_eq!(early.len(), 3, "{}: found past the first step", t.name);
        // Paged by the cursor: two, then the last one.
        let first = db
            .list_dossiers(&DossierFilter {
                terms: query_terms("tran hoa"),
                submitted_to: Some(now() + chrono::TimeDelta::minutes(30)),
                limit: 2,
                ..DossierFilter::default()
            })
            .await
            .unwrap();
        let rest = db
            .list_dossiers(&DossierFilter {
                terms: query_terms("tran hoa"),
                submitted_to: Some(now() + chrono::TimeDelta::minutes(30)),
                before_id: first.last().map(|r| r.id),
                limit: 2,
                ..DossierFilter::default()
            })
            .await
            .unwrap();
        assert_eq!((first.len(), rest.len()), (2, 1), "{}", t.name);
        let all = db
            .list_dossiers(&DossierFilter {
                terms: query_terms("tran hoa"),
                limit: 500,
                ..DossierFilter::default()
            })
            .await
            .unwrap();
        assert_eq!(all.len(), 500, "{}: a full page", t.name);
    }
}
