//! Deadline tables (worked examples a desk officer can check by hand) and properties.

use std::sync::{Arc, OnceLock};

use chrono::{DateTime, Datelike, NaiveDate, TimeDelta, Utc};
use proptest::prelude::*;

use super::deadline::{self, DeadlineError, local};
use super::*;

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

/// A Vietnam local time, "YYYY-MM-DD HH:MM", as a UTC instant.
fn vn(text: &str) -> DateTime<Utc> {
    deadline::utc(chrono::NaiveDateTime::parse_from_str(text, "%Y-%m-%d %H:%M").unwrap())
}

fn due(received: &str, days: u32) -> Due {
    due_with(received, days, vec![])
}

fn due_with(received: &str, days: u32, pauses: Vec<Pause>) -> Due {
    deadline::due_date(
        calendar(),
        &DeadlineRequest {
            received_at: vn(received),
            time: StatutoryTime::WorkingDays(days),
            apply_cutoff: true,
            pauses,
        },
    )
    .unwrap()
}

fn kinds(d: &Due) -> Vec<(String, SkipKind)> {
    d.explanation
        .iter()
        .map(|s| (s.date.to_string(), s.kind))
        .collect()
}

#[test]
fn three_days_from_ten_o_clock_is_ten_o_clock_three_working_days_later() {
    let d = due("2025-01-06 10:00", 3);
    assert_eq!(d.due, vn("2025-01-09 10:00"));
    assert_eq!(d.clock_start, vn("2025-01-06 10:00"));
    assert!(d.explanation.is_empty());
}

#[test]
fn a_count_that_ends_with_the_day_is_due_at_closing_time() {
    assert_eq!(due("2025-01-06 07:00", 1).due, vn("2025-01-06 17:00"));
}

#[test]
fn a_paper_receipt_after_the_cutoff_counts_from_the_next_working_day() {
    let d = due("2025-01-06 16:00", 1);
    assert_eq!(d.clock_start, vn("2025-01-07 07:00"));
    assert_eq!(d.due, vn("2025-01-07 17:00"));
    assert_eq!(
        kinds(&d),
        vec![("2025-01-06".into(), SkipKind::AfterCutoff)]
    );
    // At the cut-off itself the same day still counts.
    assert_eq!(due("2025-01-06 15:00", 1).due, vn("2025-01-07 15:00"));
}

#[test]
fn the_cutoff_does_not_apply_to_online_acceptance() {
    let d = deadline::due_date(
        calendar(),
        &DeadlineRequest {
            received_at: vn("2025-01-06 16:00"),
            time: StatutoryTime::WorkingDays(1),
            apply_cutoff: false,
            pauses: vec![],
        },
    )
    .unwrap();
    assert_eq!(d.due, vn("2025-01-07 16:00"));
}

#[test]
fn a_receipt_before_opening_starts_at_opening() {
    let d = due("2025-01-06 06:15", 1);
    assert_eq!(d.clock_start, vn("2025-01-06 07:00"));
    assert_eq!(
        kinds(&d),
        vec![("2025-01-06".into(), SkipKind::OutsideHours)]
    );
    // Lunch break too.
    assert_eq!(due("2025-01-06 12:00", 0).due, vn("2025-01-06 13:30"));
}

#[test]
fn tet_2025_is_skipped_and_explained() {
    let d = due("2025-01-24 10:00", 2);
    assert_eq!(d.due, vn("2025-02-04 10:00"));
    let dates: Vec<String> = d.explanation.iter().map(|s| s.date.to_string()).collect();
    assert_eq!(
        dates,
        [
            "2025-01-25",
            "2025-01-26",
            "2025-01-27",
            "2025-01-28",
            "2025-01-29",
            "2025-01-30",
            "2025-01-31",
            "2025-02-01",
            "2025-02-02"
        ]
    );
    assert_eq!(
        d.explanation[0].reason.vi,
        "Ngày nghỉ hằng tuần — Tết Nguyên đán"
    );
    assert_eq!(d.explanation[2].kind, SkipKind::DayOff);
    assert_eq!(d.explanation[2].reason.vi, "Tết Nguyên đán");
}

#[test]
fn a_swapped_working_saturday_counts() {
    let d = due("2025-04-25 10:00", 1);
    assert_eq!(d.due, vn("2025-04-26 10:00"));
    assert_eq!(
        kinds(&d),
        vec![("2025-04-26".into(), SkipKind::SwappedWorking)]
    );
}

#[test]
fn hung_kings_on_a_sunday_2026_gives_monday_off() {
    let d = due("2026-04-24 09:00", 1);
    assert_eq!(d.due, vn("2026-04-28 09:00"));
    let reasons: Vec<&str> = d.explanation.iter().map(|s| s.reason.vi.as_str()).collect();
    assert_eq!(
        reasons,
        [
            "Ngày nghỉ hằng tuần",
            "Ngày nghỉ hằng tuần — Giỗ Tổ Hùng Vương",
            "Nghỉ bù Giỗ Tổ Hùng Vương (26/4 là Chủ Nhật)"
        ]
    );
}

#[test]
fn vietnamese_culture_day_2026_is_skipped() {
    // Received on a Saturday: the weekend, then Monday, then 24/11 is off.
    let d = due("2026-11-21 09:00", 2);
    assert_eq!(d.clock_start, vn("2026-11-23 07:00"));
    assert_eq!(d.due, vn("2026-11-25 17:00"));
    assert!(
        d.explanation
            .iter()
            .any(|s| s.reason.vi == "Ngày Văn hóa Việt Nam")
    );
}

#[test]
fn a_pause_pushes_the_due_instant_by_the_working_time_paused() {
    let pause = Pause {
        from: vn("2025-01-07 13:30"),
        to: vn("2025-01-08 11:30"),
        reason: Some("chờ bổ sung hồ sơ".into()),
    };
    let d = due_with("2025-01-06 10:00", 3, vec![pause]);
    // 3.5 h on Tuesday afternoon + 4.5 h on Wednesday morning = one working day.
    assert_eq!(d.due, vn("2025-01-10 10:00"));
    assert_eq!(
        kinds(&d),
        vec![
            ("2025-01-07".into(), SkipKind::Pause),
            ("2025-01-08".into(), SkipKind::Pause)
        ]
    );
    assert_eq!(
        d.explanation[0].reason.vi,
        "Tạm dừng tính thời gian (chờ bổ sung hồ sơ): 3 giờ 30 phút làm việc"
    );
}

#[test]
fn overlapping_pauses_count_once() {
    let p = |a: &str, b: &str| Pause {
        from: vn(a),
        to: vn(b),
        reason: None,
    };
    let d = due_with(
        "2025-01-06 10:00",
        3,
        vec![
            p("2025-01-07 07:00", "2025-01-07 17:00"),
            p("2025-01-07 09:00", "2025-01-07 12:00"),
        ],
    );
    assert_eq!(d.due, vn("2025-01-10 10:00"));
}

#[test]
fn a_pause_that_ends_before_it_starts_is_refused() {
    let err = deadline::due_date(
        calendar(),
        &DeadlineRequest {
            received_at: vn("2025-01-06 10:00"),
            time: StatutoryTime::WorkingDays(1),
            apply_cutoff: true,
            pauses: vec![Pause {
                from: vn("2025-01-08 10:00"),
                to: vn("2025-01-07 10:00"),
                reason: None,
            }],
        },
    )
    .unwrap_err();
    assert!(matches!(err, DeadlineError::PauseEndsBeforeStart { .. }));
}

#[test]
fn an_online_dossier_must_be_acknowledged_within_eight_working_hours() {
    let by = deadline::acknowledgement_due(calendar(), vn("2026-11-20 14:00")).unwrap();
    assert_eq!(by, vn("2026-11-23 14:00"));
}

#[test]
fn working_hours_count_like_days() {
    let d = deadline::due_date(
        calendar(),
        &DeadlineRequest {
            received_at: vn("2025-01-06 10:00"),
            time: StatutoryTime::WorkingHours(4),
            apply_cutoff: true,
            pauses: vec![],
        },
    )
    .unwrap();
    // 1.5 h before lunch, 2.5 h after.
    assert_eq!(d.due, vn("2025-01-06 16:00"));
}

#[test]
fn completion_is_early_on_time_or_late() {
    let due = vn("2025-01-09 10:00");
    assert_eq!(
        deadline::classify(vn("2025-01-08 16:00"), due),
        Completion::Early
    );
    assert_eq!(
        deadline::classify(vn("2025-01-09 09:00"), due),
        Completion::OnTime
    );
    assert_eq!(deadline::classify(due, due), Completion::OnTime);
    assert_eq!(
        deadline::classify(vn("2025-01-09 10:01"), due),
        Completion::Late
    );
    assert_eq!(Completion::Late.label_vi(), "quá hạn");
}

#[test]
fn a_due_date_can_be_extended_once_and_the_dossier_still_counts_late() {
    let mut a = Appointment::new(vn("2025-01-09 10:00"));
    let too_early = a.extend(vn("2025-01-09 09:00"), "x".into());
    assert!(matches!(
        too_early,
        Err(DeadlineError::ExtensionNotLater { .. })
    ));
    a.extend(vn("2025-01-14 10:00"), "chờ kết quả xác minh".into())
        .unwrap();
    assert_eq!(a.current_due, vn("2025-01-14 10:00"));
    assert_eq!(
        a.extend(vn("2025-01-20 10:00"), "lần hai".into()),
        Err(DeadlineError::AlreadyExtended)
    );
    assert_eq!(a.classify(vn("2025-01-13 10:00")), Completion::Late);
    assert_eq!(a.classify(vn("2025-01-08 10:00")), Completion::Early);
}

#[test]
fn the_running_count_reads_each_day_as_the_named_calendar_does() {
    let cal = calendar();
    let first = NaiveDate::from_ymd_opt(2024, 1, 1).unwrap();
    let mut counted = 0;
    for date in first.iter_days().take_while(|d| d.year() <= 2027) {
        let working = cal.day(date).unwrap().is_working();
        assert_eq!(cal.is_working(date), Ok(working), "{date}");
        counted += i64::from(working);
        assert_eq!(
            cal.working_days(first, date.succ_opt().unwrap()),
            Ok(counted),
            "{date}"
        );
    }
}

#[test]
fn working_time_between_is_signed() {
    let cal = calendar();
    let w = deadline::working_time_between(cal, vn("2025-01-06 10:00"), vn("2025-01-07 10:00"));
    assert_eq!(w, Ok(WorkDuration::hours(8)));
    let back = deadline::working_time_between(cal, vn("2025-01-07 10:00"), vn("2025-01-06 10:00"));
    assert_eq!(back, Ok(WorkDuration::hours(-8)));
}

#[test]
fn a_count_past_2199_is_refused() {
    let err = deadline::due_date(
        calendar(),
        &DeadlineRequest {
            received_at: vn("2199-12-20 10:00"),
            time: StatutoryTime::WorkingDays(30),
            apply_cutoff: true,
            pauses: vec![],
        },
    )
    .unwrap_err();
    assert_eq!(err, DeadlineError::PastCalendarEnd);
}

fn instant() -> impl Strategy<Value = DateTime<Utc>> {
    // 2023-01-01 .. 2028-12-31: official schedules and rule years, every kind of day.
    (1_672_506_000i64..1_861_894_800).prop_map(|s| DateTime::from_timestamp(s, 0).unwrap())
}

fn request(received_at: DateTime<Utc>, days: u32, apply_cutoff: bool) -> DeadlineRequest {
    DeadlineRequest {
        received_at,
        time: StatutoryTime::WorkingDays(days),
        apply_cutoff,
        pauses: vec![],
    }
}

fn is_working_instant(instant: DateTime<Utc>) -> bool {
    let t = local(instant);
    let cal = calendar();
    cal.day(t.date()).unwrap().is_working()
        && cal
            .office()
            .periods()
            .iter()
            .any(|(a, b)| t.time() >= *a && t.time() <= *b)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(400))]

    #[test]
    fn a_due_instant_is_always_inside_office_hours_on_a_working_day(
        at in instant(), days in 0u32..60, cutoff: bool,
    ) {
        let d = deadline::due_date(calendar(), &request(at, days, cutoff)).unwrap();
        prop_assert!(is_working_instant(d.due), "due {} not working time", local(d.due));
        prop_assert!(is_working_instant(d.clock_start));
        prop_assert!(d.due >= d.clock_start && d.clock_start >= at);
        let dates: Vec<NaiveDate> = d.explanation.iter().map(|s| s.date).collect();
        prop_assert!(dates.windows(2).all(|w| w[0] <= w[1]));
    }

    #[test]
    fn due_instants_grow_with_the_number_of_days(at in instant(), days in 0u32..60, cutoff: bool) {
        let a = deadline::due_date(calendar(), &request(at, days, cutoff)).unwrap();
        let b = deadline::due_date(calendar(), &request(at, days + 1, cutoff)).unwrap();
        prop_assert!(b.due > a.due);
        let gained = deadline::working_time_between(calendar(), a.due, b.due).unwrap();
        prop_assert_eq!(gained, WorkDuration::hours(8));
    }

    #[test]
    fn a_pause_moves_the_due_instant_by_exactly_the_working_time_it_covers(
        at in instant(), days in 1u32..30, where_ in 0.0f64..1.0, minutes in 0i64..30_000,
    ) {
        let cal = calendar();
        let plain = deadline::due_date(cal, &request(at, days, true)).unwrap();
        let span = (plain.due - plain.clock_start).num_seconds();
        let from = plain.clock_start + TimeDelta::seconds((span as f64 * where_) as i64);
        prop_assume!(from < plain.due);
        let to = from + TimeDelta::minutes(minutes);
        let pause = Pause { from, to, reason: None };
        let mut req = request(at, days, true);
        req.pauses = vec![pause];
        let paused = deadline::due_date(cal, &req).unwrap();
        let covered = deadline::working_time_between(cal, from, to).unwrap();
        prop_assert!(paused.due >= plain.due, "a pause never shortens the time");
        prop_assert_eq!(deadline::working_time_between(cal, plain.due, paused.due).unwrap(), covered);
        prop_assert!(is_working_instant(paused.due));
    }

    #[test]
    fn working_time_over_long_spans_is_the_sum_of_each_days_office_hours(
        at in instant(), minutes in 0i64..1_200_000,
    ) {
        // The reference: walk the days one by one and add each working day's office hours
        // that fall in the span (what the year's running counts must agree with).
        let cal = calendar();
        let to = at + TimeDelta::minutes(minutes);
        let (f, t) = (local(at), local(to));
        let mut expected = 0;
        for date in f.date().iter_days().take_while(|d| *d <= t.date()) {
            if !cal.day(date).unwrap().is_working() {
                continue;
            }
            for (a, b) in cal.office().periods() {
                expected += (date.and_time(*b).min(t) - date.and_time(*a).max(f)).num_seconds().max(0);
            }
        }
        prop_assert_eq!(deadline::working_time_between(cal, at, to).unwrap(), WorkDuration::seconds(expected));
        prop_assert_eq!(deadline::working_time_between(cal, to, at).unwrap(), WorkDuration::seconds(-expected));
    }

    #[test]
    fn advancing_by_the_working_time_between_two_instants_reaches_the_later_one(
        at in instant(), hours in 1i64..200,
    ) {
        let cal = calendar();
        let later = deadline::advance(cal, at, WorkDuration::hours(hours)).unwrap();
        prop_assert_eq!(deadline::working_time_between(cal, at, later).unwrap(), WorkDuration::hours(hours));
        prop_assert!(later.year() <= 2029);
    }
}
