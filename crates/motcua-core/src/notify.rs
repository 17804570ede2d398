//! What the applicant is told when their dossier changes (thông báo cho người nộp hồ sơ), and
//! the Vietnamese texts it is told in. Pure: which events a citizen should know of, with the
//! values their message needs; the texts are templates an administrator may rewrite, with
//! `{placeholder}` fields checked against the ones each notice offers.
//!
//! Must not: choose the channel or the recipient (the citizen's choice, known to the
//! dispatcher) or send anything.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::calendar::deadline::local;
use crate::catalog::Channel;
use crate::dossier::{Dossier, Event, PaymentPurpose, Status};

crate::wire_enum! {
    /// A notice the applicant must get.
    pub enum NoticeKind {
        /// Filed online, waiting for the desk.
        Submitted = "submitted",
        /// Accepted (receipt, Mẫu 01): the appointment date.
        Received = "received",
        /// An online dossier was not accepted.
        NotAccepted = "not_accepted",
        /// Supplement request (Phiếu yêu cầu bổ sung, hoàn thiện hồ sơ, Mẫu 02).
        SupplementRequested = "supplement_requested",
        /// The tax notice: the financial obligation to pay.
        ObligationNotice = "obligation_notice",
        /// A payment was recorded.
        PaymentReceived = "payment_received",
        /// Apology and new appointment (Mẫu 04).
        Extended = "extended",
        /// The result is ready to collect or download.
        ResultReady = "result_ready",
        /// The result was returned; rate the service.
        Returned = "returned",
        /// Refused (Phiếu từ chối giải quyết hồ sơ, Mẫu 03).
        Refused = "refused",
        /// Withdrawn or stopped at the applicant's request.
        Withdrawn = "withdrawn",
    }
}

impl NoticeKind {
    /// What the notice is about, for the administrator's list.
    pub fn label_vi(self) -> &'static str {
        match self {
            Self::Submitted => "Đã nộp trực tuyến, chờ tiếp nhận",
            Self::Received => "Đã tiếp nhận, hẹn trả kết quả",
            Self::NotAccepted => "Không tiếp nhận hồ sơ trực tuyến",
            Self::SupplementRequested => "Yêu cầu bổ sung, hoàn thiện hồ sơ",
            Self::ObligationNotice => "Thông báo nghĩa vụ tài chính",
            Self::PaymentReceived => "Đã nhận thanh toán",
            Self::Extended => "Xin lỗi và hẹn lại ngày trả kết quả",
            Self::ResultReady => "Đã có kết quả",
            Self::Returned => "Đã trả kết quả, mời đánh giá",
            Self::Refused => "Từ chối giải quyết",
            Self::Withdrawn => "Dừng giải quyết theo đề nghị",
        }
    }

    /// The placeholders a template for this notice may use.
    pub fn placeholders(self) -> &'static [&'static str] {
        const BASE: [&str; 3] = ["ma_ho_so", "nguoi_nop", "trang_thai"];
        match self {
            Self::Submitted | Self::ResultReady | Self::Returned => &BASE,
            Self::Received => &["ma_ho_so", "nguoi_nop", "trang_thai", "hen_tra"],
            Self::Extended => &["ma_ho_so", "nguoi_nop", "trang_thai", "hen_tra", "ly_do"],
            Self::NotAccepted | Self::Refused | Self::Withdrawn => {
                &["ma_ho_so", "nguoi_nop", "trang_thai", "ly_do"]
            }
            Self::SupplementRequested => {
                &["ma_ho_so", "nguoi_nop", "trang_thai", "noi_dung", "ly_do"]
            }
            Self::ObligationNotice | Self::PaymentReceived => {
                &["ma_ho_so", "nguoi_nop", "trang_thai", "so_tien"]
            }
        }
    }

    /// The shipped text (subject, body), used until an administrator writes another.
    pub fn default_text(self) -> (&'static str, &'static str) {
        match self {
            Self::Submitted => (
                "Hồ sơ {ma_ho_so} đã được gửi",
                "Hồ sơ {ma_ho_so} của {nguoi_nop} đã được gửi trực tuyến và đang chờ Bộ phận Một cửa tiếp nhận.",
            ),
            Self::Received => (
                "Hồ sơ {ma_ho_so} đã được tiếp nhận",
                "Hồ sơ {ma_ho_so} đã được tiếp nhận. Hẹn trả kết quả: {hen_tra}.",
            ),
            Self::NotAccepted => (
                "Hồ sơ {ma_ho_so} không được tiếp nhận",
                "Hồ sơ {ma_ho_so} không được tiếp nhận. Lý do: {ly_do}.",
            ),
            Self::SupplementRequested => (
                "Hồ sơ {ma_ho_so} cần bổ sung",
                "Hồ sơ {ma_ho_so} cần bổ sung, hoàn thiện: {noi_dung}. Lý do: {ly_do}. Vui lòng bổ sung trực tuyến hoặc tại Bộ phận Một cửa.",
            ),
            Self::ObligationNotice => (
                "Hồ sơ {ma_ho_so}: thông báo nghĩa vụ tài chính",
                "Hồ sơ {ma_ho_so} có thông báo nghĩa vụ tài chính {so_tien}. Vui lòng nộp để tiếp tục giải quyết.",
            ),
            Self::PaymentReceived => (
                "Hồ sơ {ma_ho_so}: đã nhận thanh toán",
                "Đã nhận khoản thanh toán {so_tien} cho hồ sơ {ma_ho_so}.",
            ),
            Self::Extended => (
                "Xin lỗi về việc chậm trả kết quả hồ sơ {ma_ho_so}",
                "Cơ quan giải quyết xin lỗi vì hồ sơ {ma_ho_so} chưa có kết quả đúng hẹn ({ly_do}). Hẹn lại: {hen_tra}.",
            ),
            Self::ResultReady => (
                "Hồ sơ {ma_ho_so} đã có kết quả",
                "Hồ sơ {ma_ho_so} đã có kết quả. Mời nhận kết quả tại Bộ phận Một cửa hoặc tải về trên Cổng dịch vụ công.",
            ),
            Self::Returned => (
                "Hồ sơ {ma_ho_so} đã trả kết quả",
                "Đã trả kết quả hồ sơ {ma_ho_so}. Mời đánh giá mức độ hài lòng trên Cổng dịch vụ công.",
            ),
            Self::Refused => (
                "Hồ sơ {ma_ho_so} bị từ chối giải quyết",
                "Hồ sơ {ma_ho_so} bị từ chối giải quyết. Lý do: {ly_do}.",
            ),
            Self::Withdrawn => (
                "Hồ sơ {ma_ho_so} đã dừng giải quyết",
                "Hồ sơ {ma_ho_so} đã dừng giải quyết theo đề nghị. Lý do: {ly_do}.",
            ),
        }
    }
}

/// One message for the applicant: which notice and the values its template fills in.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Notice {
    /// Which notice.
    pub kind: NoticeKind,
    /// Placeholder values.
    pub values: BTreeMap<String, String>,
}

/// The notices a change owes the applicant: `after` is the dossier once `events` applied.
/// Inter-agency sub-dossiers are not the citizen's requests and owe nothing.
pub fn notices(after: &Dossier, events: &[Event]) -> Vec<Notice> {
    if after.is_sub_dossier() {
        return Vec::new();
    }
    let mut out = Vec::new();
    for event in events {
        let (kind, extra): (NoticeKind, Vec<(&str, String)>) = match event {
            // Every dossier opens as submitted; only one filed online waits for the desk.
            Event::Opened {
                status, channel, ..
            } if *status == Status::Submitted
                && matches!(channel, Channel::Online | Channel::NationalPortal) =>
            {
                (NoticeKind::Submitted, vec![])
            }
            Event::Accepted { appointment, .. } => (
                NoticeKind::Received,
                vec![("hen_tra", format_instant(appointment.current_due))],
            ),
            Event::SupplementRequested { round } => (
                NoticeKind::SupplementRequested,
                vec![
                    ("noi_dung", round.missing.join("; ")),
                    ("ly_do", round.reason.clone()),
                ],
            ),
            Event::TaxNoticeRecorded { obligations, .. } => (
                NoticeKind::ObligationNotice,
                vec![("so_tien", money(obligations.iter().map(|c| c.amount).sum()))],
            ),
            Event::PaymentRecorded { payment } => (
                NoticeKind::PaymentReceived,
                vec![("so_tien", money(payment.amount))],
            ),
            Event::Extended { appointment } => (
                NoticeKind::Extended,
                vec![
                    ("hen_tra", format_instant(appointment.current_due)),
                    (
                        "ly_do",
                        appointment
                            .extension
                            .as_ref()
                            .map(|e| e.reason.clone())
                            .unwrap_or_default(),
                    ),
                ],
            ),
            Event::ResultRecorded { .. } => (NoticeKind::ResultReady, vec![]),
            Event::ResultReturned { .. } => (NoticeKind::Returned, vec![]),
            Event::Closed { status, reason, .. } => {
                let kind = match status {
                    Status::NotAccepted => NoticeKind::NotAccepted,
                    Status::Withdrawn => NoticeKind::Withdrawn,
                    _ => NoticeKind::Refused,
                };
                (kind, vec![("ly_do", reason.clone())])
            }
            _ => continue,
        };
        let mut values = BTreeMap::from([
            ("ma_ho_so".to_owned(), after.code.to_string()),
            ("nguoi_nop".to_owned(), after.applicant.name().to_owned()),
            ("trang_thai".to_owned(), after.status.label_vi().to_owned()),
        ]);
        values.extend(extra.into_iter().map(|(k, v)| (k.to_owned(), v)));
        out.push(Notice { kind, values });
    }
    out
}

/// Whether the payments cover what the applicant owes for a purpose.
pub fn outstanding(d: &Dossier, purpose: PaymentPurpose) -> i64 {
    let due: i64 = match purpose {
        PaymentPurpose::Fees => d.fees.iter().map(|c| c.amount).sum(),
        PaymentPurpose::Obligation => d.obligations.iter().map(|c| c.amount).sum(),
    };
    (due - d.paid(purpose)).max(0)
}

/// Why a template was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TemplateError {
    /// A `{` without its `}`.
    #[error("thiếu dấu }} đóng trường dữ liệu")]
    Unclosed,
    /// A placeholder this notice does not offer.
    #[error("trường \"{{{0}}}\" không có trong thông báo này (dùng được: {1})")]
    Unknown(String, String),
    /// Nothing to send.
    #[error("nội dung thông báo không được để trống")]
    Empty,
}

/// Fills `{placeholder}` fields; checks that each one exists for `kind`.
pub fn render(
    kind: NoticeKind,
    template: &str,
    values: &BTreeMap<String, String>,
) -> Result<String, TemplateError> {
    if template.trim().is_empty() {
        return Err(TemplateError::Empty);
    }
    let mut out = String::with_capacity(template.len() + 64);
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        out.push_str(rest.get(..open).unwrap_or_default());
        let after = rest.get(open + 1..).unwrap_or_default();
        let close = after.find('}').ok_or(TemplateError::Unclosed)?;
        let name = after.get(..close).unwrap_or_default().trim();
        if !kind.placeholders().contains(&name) {
            return Err(TemplateError::Unknown(
                name.to_owned(),
                kind.placeholders()
                    .iter()
                    .map(|p| format!("{{{p}}}"))
                    .collect::<Vec<_>>()
                    .join(", "),
            ));
        }
        out.push_str(values.get(name).map_or("", String::as_str));
        rest = after.get(close + 1..).unwrap_or_default();
    }
    out.push_str(rest);
    Ok(out)
}

fn format_instant(t: chrono::DateTime<chrono::Utc>) -> String {
    local(t).format("%H:%M ngày %d/%m/%Y").to_string()
}

/// "1.234.000 đồng".
pub fn money(amount: i64) -> String {
    format!("{} đồng", thousands(amount))
}

/// An amount with Vietnamese thousands dots: "1.234.000".
pub fn thousands(amount: i64) -> String {
    let digits = amount.abs().to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push('.');
        }
        out.push(c);
    }
    format!("{}{out}", if amount < 0 { "-" } else { "" })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_default_text_renders_with_its_own_placeholders() {
        for kind in NoticeKind::ALL {
            let (subject, body) = kind.default_text();
            let values = kind
                .placeholders()
                .iter()
                .map(|p| ((*p).to_owned(), "x".to_owned()))
                .collect();
            assert!(render(kind, subject, &values).is_ok(), "{kind:?}");
            let text = render(kind, body, &values).unwrap();
            assert!(!text.contains('{'), "{kind:?}: {text}");
            assert_eq!(NoticeKind::parse(kind.as_str()), Some(kind));
        }
    }

    #[test]
    fn a_template_with_an_unknown_or_unclosed_field_is_refused() {
        let values = BTreeMap::new();
        assert!(matches!(
            render(NoticeKind::Returned, "Hồ sơ {hen_tra}", &values),
            Err(TemplateError::Unknown(..))
        ));
        assert_eq!(
            render(NoticeKind::Returned, "Hồ sơ {ma_ho_so", &values),
            Err(TemplateError::Unclosed)
        );
        assert_eq!(
            render(NoticeKind::Returned, "  ", &values),
            Err(TemplateError::Empty)
        );
    }

    #[test]
    fn money_uses_vietnamese_thousands_dots() {
        assert_eq!(money(1_234_000), "1.234.000 đồng");
        assert_eq!(money(500), "500 đồng");
    }
}
