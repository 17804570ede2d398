//! The feedback decider: deadlines on the working calendar, and properties over any sequence
//! of commands — one answer, one rating, one request for more, refusal and requests only in
//! time, lateness exactly when past the deadline, nothing after a refusal.

use std::sync::{Arc, OnceLock};

use chrono::{NaiveDate, TimeDelta};
use proptest::prelude::*;

use super::*;
use crate::calendar::{OfficeHours, builtin_data, deadline};

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

fn vn(y: i32, m: u32, d: u32, h: u32) -> DateTime<Utc> {
    deadline::utc(
        NaiveDate::from_ymd_opt(y, m, d)
            .unwrap()
            .and_hms_opt(h, 0, 0)
            .unwrap(),
    )
}

fn received(at: DateTime<Utc>, publishable: bool) -> Feedback {
    Feedback::receive(
        Uuid::nil(),
        "PA-261204-0001".into(),
        Subject::Procedure,
        "1.013833".into(),
        "Thành phần hồ sơ yêu cầu bản sao chứng thực không cần thiết".into(),
        "Trần Văn Nam".into(),
        "0905000111".into(),
        None,
        publishable,
        None,
        at,
        deadlines(calendar(), at).unwrap(),
    )
}

#[test]
fn deadlines_count_working_days_over_a_weekend_and_a_holiday() {
    // Friday 4 December 2026, 10:00: 2 working days is Tuesday 10:00.
    let d = deadlines(calendar(), vn(2026, 12, 4, 10)).unwrap();
    assert_eq!(d.refuse_by, vn(2026, 12, 8, 10));
    assert_eq!(d.ask_by, vn(2026, 12, 11, 10));
    assert_eq!(d.answer_by, vn(2026, 12, 25, 10));
    // Received on 30 December: New Year's Day is not a working day.
    let d = deadlines(calendar(), vn(2026, 12, 30, 10)).unwrap();
    assert_eq!(d.refuse_by, vn(2027, 1, 4, 10));
}

#[test]
fn a_feedback_is_routed_answered_published_and_rated_once() {
    let at = vn(2026, 12, 4, 10);
    let officer = Who::Staff {
        id: "u1".into(),
        name: "Lê Thị Hoa".into(),
    };
    let mut f = received(at, true);
    let step = |f: &mut Feedback, cmd: FeedbackCommand, who: &Who, hours: i64| {
        let e = f.decide(&cmd, who, at + TimeDelta::hours(hours))?;
        f.apply(e);
        Ok::<(), FeedbackError>(())
    };
    assert!(
        step(
            &mut f,
            FeedbackCommand::Answer { text: "x".into() },
            &officer,
            1
        )
        .is_err(),
        "route first"
    );
    step(
        &mut f,
        FeedbackCommand::Route {
            kind: Kind::Report,
            agency: "000.00.12.H48".into(),
        },
        &officer,
        1,
    )
    .unwrap();
    step(
        &mut f,
        FeedbackCommand::Answer {
            text: "Đã bỏ yêu cầu bản sao chứng thực.".into(),
        },
        &officer,
        24,
    )
    .unwrap();
    assert_eq!(f.on_time(at), Some(true));
    assert!(
        step(
            &mut f,
            FeedbackCommand::Answer {
                text: "again".into()
            },
            &officer,
            25
        )
        .is_err()
    );
    let publish_by = publish_by(calendar(), at + TimeDelta::hours(24)).unwrap();
    step(
        &mut f,
        FeedbackCommand::Publish { publish_by },
        &officer,
        26,
    )
    .unwrap();
    assert!(
        step(
            &mut f,
            FeedbackCommand::Rate {
                rating: Rating::Satisfied
            },
            &officer,
            27
        )
        .is_err(),
        "the sender rates"
    );
    step(
        &mut f,
        FeedbackCommand::Rate {
            rating: Rating::Satisfied,
        },
        &Who::Sender,
        27,
    )
    .unwrap();
    assert!(
        step(
            &mut f,
            FeedbackCommand::Rate {
                rating: Rating::Dissatisfied
            },
            &Who::Sender,
            28
        )
        .is_err()
    );
    assert_eq!(indicators(&[f], at), (1, 1, 1));
}

#[test]
fn a_repeat_is_not_a_first_receipt_and_spoils_the_one_it_repeats() {
    let at = vn(2026, 12, 4, 10);
    let officer = Who::Staff {
        id: "u1".into(),
        name: "Lê Thị Hoa".into(),
    };
    let mut first = received(at, false);
    for (cmd, h) in [
        (
            FeedbackCommand::Route {
                kind: Kind::Report,
                agency: "000.11.12.H48".into(),
            },
            1,
        ),
        (
            FeedbackCommand::Answer {
                text: "Đã xử lý".into(),
            },
            2,
        ),
    ] {
        let e = first
            .decide(&cmd, &officer, at + TimeDelta::hours(h))
            .unwrap();
        first.apply(e);
    }
    assert_eq!(indicators(std::slice::from_ref(&first), at), (1, 1, 1));
    // The same sender, the same procedure, in other spacing and case: a repeat.
    let mut again = received(at + TimeDelta::days(3), false);
    again.id = Uuid::from_u128(2);
    again.code = "PA-261207-0001".into();
    again.about = " 1.013833 ".into();
    assert!(repeats(&again, &first));
    again.repeat_of = Some(first.code.clone());
    assert_eq!(indicators(&[first.clone(), again.clone()], at), (1, 0, 1));
    // Another sender, or another procedure, is not.
    let mut other = again.clone();
    other.contact = "0912000222".into();
    assert!(!repeats(&other, &first));
    other.contact = again.contact.clone();
    other.about = "1.013831".into();
    assert!(!repeats(&other, &first));
}

#[test]
fn the_duty_follows_the_status() {
    let at = vn(2026, 12, 4, 10);
    let mut f = received(at, true);
    assert_eq!(f.duty(None), Some((Duty::Classify, f.deadlines.refuse_by)));
    let officer = Who::Staff {
        id: "u1".into(),
        name: "Lê Thị Hoa".into(),
    };
    let e = f
        .decide(
            &FeedbackCommand::Route {
                kind: Kind::Proposal,
                agency: "000.11.12.H48".into(),
            },
            &officer,
            at,
        )
        .unwrap();
    f.apply(e);
    assert_eq!(f.duty(None), Some((Duty::Answer, f.deadlines.answer_by)));
    let e = f
        .decide(&FeedbackCommand::Answer { text: "x".into() }, &officer, at)
        .unwrap();
    f.apply(e);
    let by = publish_by(calendar(), at).unwrap();
    assert_eq!(f.duty(Some(by)), Some((Duty::Publish, by)));
    f.publishable = false;
    assert_eq!(f.duty(Some(by)), None);
}

fn command() -> impl Strategy<Value = (u8, bool, i64)> {
    // (which command, by the sender, hours later)
    (0u8..7, any::<bool>(), 0i64..200)
}

proptest! {
    #[test]
    fn any_sequence_keeps_the_rules(steps in proptest::collection::vec(command(), 1..30), publishable in any::<bool>()) {
        let start = vn(2026, 12, 4, 9);
        let mut f = received(start, publishable);
        let refuse_by = f.deadlines.refuse_by;
        let ask_by = f.deadlines.ask_by;
        let mut now = start;
        for (n, sender, hours) in steps {
            now += TimeDelta::hours(hours);
            let who = if sender { Who::Sender } else { Who::Staff { id: "u".into(), name: "Cán bộ".into() } };
            let cmd = match n {
                0 => FeedbackCommand::Route { kind: Kind::Proposal, agency: "A".into() },
                1 => FeedbackCommand::Refuse { reason: "Không thuộc phạm vi".into() },
                2 => FeedbackCommand::AskMore { what: "Số hồ sơ".into() },
                3 => FeedbackCommand::Supply { text: "Số hồ sơ là …".into(), answer_by: deadlines(calendar(), now).unwrap().answer_by },
                4 => FeedbackCommand::Answer { text: "Trả lời".into() },
                5 => FeedbackCommand::Publish { publish_by: publish_by(calendar(), now).unwrap() },
                _ => FeedbackCommand::Rate { rating: Rating::Acceptable },
            };
            let before = f.clone();
            match f.decide(&cmd, &who, now) {
                Ok(e) => {
                    prop_assert!(before.status != FeedbackStatus::Refused, "nothing after a refusal");
                    match &e.what {
                        Happened::Refused { .. } => prop_assert!(now <= refuse_by),
                        Happened::AskedMore { .. } => prop_assert!(now <= ask_by),
                        Happened::Answered { late, .. } => prop_assert_eq!(*late, now > before.deadlines.answer_by),
                        Happened::Published { .. } => prop_assert!(before.publishable),
                        Happened::Rated { .. } => prop_assert!(before.answer.is_some()),
                        _ => {}
                    }
                    let staff_only = !matches!(e.what, Happened::Supplied { .. } | Happened::Rated { .. });
                    prop_assert_eq!(staff_only, !sender, "who may do what");
                    f.apply(e);
                }
                Err(_) => prop_assert_eq!(&f, &before, "a refused command changes nothing"),
            }
        }
        let count = |p: fn(&Happened) -> bool| f.history.iter().filter(|e| p(&e.what)).count();
        prop_assert!(count(|h| matches!(h, Happened::Answered { .. })) <= 1, "one answer");
        prop_assert!(count(|h| matches!(h, Happened::Rated { .. })) <= 1, "one rating");
        prop_assert!(count(|h| matches!(h, Happened::AskedMore { .. })) <= 1, "one request for more");
        prop_assert!(count(|h| matches!(h, Happened::Published { .. })) <= 1, "published once");
    }
}
