//! Units and agencies: loading, and agencies that change without losing their past.

use chrono::{TimeZone, Utc};
use motcua_core::ids::AgencyCode;
use motcua_core::units::{parse_admin_units, parse_agency_file};

use crate::support;

#[tokio::test]
async fn units_and_agencies_load_and_agencies_keep_their_history() {
    let units = parse_admin_units(include_str!(
        "../../../../data/administrative-units-2025.csv"
    ))
    .unwrap();
    let file = parse_agency_file(
        "48.toml",
        include_str!("../../../../catalog/agencies/48.toml"),
    )
    .unwrap();
    let now = Utc.with_ymd_and_hms(2026, 11, 23, 2, 0, 0).unwrap();
    for t in support::all().await {
        let db = &t.db;
        assert_eq!(
            db.import_admin_units(&units).await.unwrap(),
            3355,
            "{}",
            t.name
        );
        assert_eq!(
            db.import_admin_units(&units).await.unwrap(),
            3355,
            "reloading is harmless"
        );
        db.import_agencies(&file, now).await.unwrap();
        let all = db.agencies("48").await.unwrap();
        assert_eq!(all.len(), file.agencies.len(), "{}", t.name);
        let branch = db.agency("000.11.12.H48").await.unwrap().unwrap();
        let office = db.agency("000.01.12.H48").await.unwrap().unwrap();
        assert_eq!(branch.parent_id, Some(office.id));

        // Renamed by a new version of the file: same agency, name history kept.
        let renamed = include_str!("../../../../catalog/agencies/48.toml").replace(
            "Chi nhánh Văn phòng Đăng ký đất đai khu vực Hải Châu",
            "Chi nhánh VPĐKĐĐ khu vực 1",
        );
        db.import_agencies(&parse_agency_file("48.toml", &renamed).unwrap(), now)
            .await
            .unwrap();
        let after = db.agency("000.11.12.H48").await.unwrap().unwrap();
        assert_eq!(
            (after.id, after.name.as_str()),
            (branch.id, "Chi nhánh VPĐKĐĐ khu vực 1")
        );

        // Re-coded: the old identifier still finds it.
        db.recode_agency(
            "000.11.12.H48",
            &AgencyCode::parse("H48.12.11").unwrap(),
            now,
        )
        .await
        .unwrap();
        assert_eq!(
            db.agency("000.11.12.H48").await.unwrap().unwrap().code,
            "H48.12.11",
            "{}",
            t.name
        );

        // Merged: both of its codes lead to the agency it joined.
        db.merge_agency("000.12.12.H48", "H48.12.11", now)
            .await
            .unwrap();
        assert_eq!(
            db.agency("000.12.12.H48").await.unwrap().unwrap().id,
            branch.id,
            "{}",
            t.name
        );
        assert_eq!(
            db.agencies("48").await.unwrap().len(),
            file.agencies.len() - 1
        );
        assert!(
            db.merge_agency("H48.12.11", "H48.12.11", now)
                .await
                .is_err()
        );

        let history: Vec<String> = db
            .agency_history("H48.12.11")
            .await
            .unwrap()
            .into_iter()
            .map(|(c, _)| c)
            .collect();
        assert_eq!(history, ["created", "renamed", "recoded"], "{}", t.name);
        t.finish().await;
    }
}
