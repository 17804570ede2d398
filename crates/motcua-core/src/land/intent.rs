//! What each land procedure does to the register, as a change set built from the register's
//! current state (never re-typed): the specialist states the intent — new holder details, the
//! new holders and their shares, which recorded debts are paid, the new parcel — and the
//! builder turns it into operations against the versions it read.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::change::Op;
use super::history::Version;
use super::import::stable_id;
use super::model::{
    Certificate, Holder, LandObject, ObjectId, ObjectKind, Parcel, Party, PartyKind, Rrr, RrrKind,
    Source,
};

crate::wire_enum! {
    /// The register change a procedure makes (the catalogue's `land_change`).
    pub enum ChangeKind {
        /// Change of the holder's name, identity papers or address (1.013833).
        HolderInfo = "holder_info",
        /// Transfer, inheritance or gift: new holders and shares (1.013831).
        Transfer = "transfer",
        /// Recorded land-use-fee / registration-fee debt paid and cleared (1.013988).
        ClearDebt = "clear_debt",
        /// First registration: a new parcel, its right and a new certificate (1.013978).
        FirstRegistration = "first_registration",
    }
}

/// The register around one certificate, as it stands now (open versions only).
#[derive(Debug, Clone, Default)]
pub struct Holding {
    /// The certificate.
    pub certificate: Option<Version>,
    /// The parcels it covers.
    pub parcels: Vec<Version>,
    /// The parties it names, and any other party the intent names by number.
    pub parties: Vec<Version>,
    /// The rights, restrictions and responsibilities on its parcels.
    pub rrrs: Vec<Version>,
}

impl Holding {
    /// The party with this CCCD or tax code.
    pub fn party_by_number(&self, number: &str) -> Option<&Version> {
        self.parties.iter().find(
            |v| matches!(&v.value, LandObject::Party(p) if !number.is_empty() && p.number == number),
        )
    }

    /// A party's current value.
    pub fn party(&self, id: Uuid) -> Option<&Party> {
        self.parties.iter().find_map(|v| match &v.value {
            LandObject::Party(p) if v.object.id == id => Some(p),
            _ => None,
        })
    }
}

/// A holder as the specialist names them: an existing party (by number) or a new one.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewHolder {
    /// Person or organisation.
    pub kind: PartyKind,
    /// CCCD or tax code.
    pub number: String,
    /// Name.
    pub name: String,
    /// Address.
    pub address: String,
    /// Share in basis points (10,000 = all).
    pub share_bp: u32,
}

/// A new certificate's particulars.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewCertificate {
    /// Serial (số phát hành).
    pub serial: String,
    /// Register entry (số vào sổ).
    pub entry: String,
    /// Issued on.
    pub issued_on: NaiveDate,
    /// Issuing agency.
    pub issuer: String,
}

/// What the specialist asks of the register.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Intent {
    /// New details of one holder.
    HolderInfo {
        /// The party (named on the certificate).
        party: Uuid,
        /// New name.
        name: String,
        /// New CCCD or tax code.
        number: String,
        /// New address.
        address: String,
        /// The paper proving it.
        source: Source,
    },
    /// The certificate's holders replaced (transfer, inheritance, gift).
    Transfer {
        /// The new holders.
        to: Vec<NewHolder>,
        /// A new certificate, when one is issued instead of confirming on the old one.
        new_certificate: Option<NewCertificate>,
        /// The contract, inheritance record or gift deed.
        source: Source,
    },
    /// Recorded debts cleared.
    ClearDebt {
        /// The debts (RRR ids) paid.
        debts: Vec<Uuid>,
        /// The payment proof (the treasury's receipt).
        source: Source,
    },
    /// A new parcel, its use right and a certificate.
    FirstRegistration {
        /// The parcel.
        parcel: Parcel,
        /// Its holders.
        holders: Vec<NewHolder>,
        /// The certificate.
        certificate: NewCertificate,
        /// The decision or papers it rests on.
        source: Source,
    },
}

/// The longest text of each kind a change may carry.
const NAME: usize = 300;
const NUMBER: usize = 20;
const REF: usize = 100;
const SERIAL: usize = 30;

fn within(field: &str, value: &str, max: usize) -> Result<(), String> {
    if value.chars().count() > max {
        Err(format!("{field} dài quá {max} ký tự"))
    } else {
        Ok(())
    }
}

fn source_within(s: &Source) -> Result<(), String> {
    within("loại giấy tờ làm căn cứ", &s.kind, REF)?;
    within("số giấy tờ làm căn cứ", &s.reference, REF)
}

fn holder_within(h: &NewHolder) -> Result<(), String> {
    within("họ tên", &h.name, NAME)?;
    within("số định danh", &h.number, NUMBER)?;
    within("địa chỉ", &h.address, NAME)?;
    if h.share_bp > 10_000 {
        return Err("phần sở hữu quá 100%".into());
    }
    Ok(())
}

fn certificate_within(c: &NewCertificate) -> Result<(), String> {
    within("số phát hành", &c.serial, SERIAL)?;
    within("số vào sổ", &c.entry, SERIAL)?;
    within("cơ quan cấp", &c.issuer, NAME)
}

impl Intent {
    /// Whether every field is within its length limit (and numbers in range); the edges
    /// check this before anything is read.
    pub fn check_limits(&self) -> Result<(), String> {
        match self {
            Self::HolderInfo {
                name,
                number,
                address,
                source,
                ..
            } => {
                within("họ tên", name, NAME)?;
                within("số định danh", number, NUMBER)?;
                within("địa chỉ", address, NAME)?;
                source_within(source)
            }
            Self::Transfer {
                to,
                new_certificate,
                source,
            } => {
                if to.len() > 20 {
                    return Err("tối đa 20 người nhận quyền".into());
                }
                to.iter().try_for_each(holder_within)?;
                new_certificate.iter().try_for_each(certificate_within)?;
                source_within(source)
            }
            Self::ClearDebt { debts, source } => {
                if debts.len() > 50 {
                    return Err("tối đa 50 khoản ghi nợ".into());
                }
                source_within(source)
            }
            Self::FirstRegistration {
                parcel,
                holders,
                certificate,
                source,
            } => {
                let n = &parcel.number;
                if n.commune.is_empty()
                    || n.commune.len() > 10
                    || !n.commune.chars().all(|c| c.is_ascii_digit())
                {
                    return Err("mã xã gồm chữ số (danh mục đơn vị hành chính)".into());
                }
                if n.sheet == 0 || n.number == 0 {
                    return Err("số tờ, số thửa là số nguyên dương".into());
                }
                within("mục đích sử dụng", &parcel.purpose, 10)?;
                within("nguồn gốc sử dụng", &parcel.origin, NAME)?;
                within("địa chỉ thửa đất", &parcel.address, NAME)?;
                if parcel
                    .geometry
                    .as_ref()
                    .is_some_and(|g| g.to_string().len() > 64 * 1024)
                {
                    return Err("hình thể thửa đất quá lớn".into());
                }
                if holders.len() > 20 {
                    return Err("tối đa 20 người sử dụng đất".into());
                }
                holders.iter().try_for_each(holder_within)?;
                certificate_within(certificate)?;
                source_within(source)
            }
        }
    }

    /// Its kind.
    pub fn kind(&self) -> ChangeKind {
        match self {
            Self::HolderInfo { .. } => ChangeKind::HolderInfo,
            Self::Transfer { .. } => ChangeKind::Transfer,
            Self::ClearDebt { .. } => ChangeKind::ClearDebt,
            Self::FirstRegistration { .. } => ChangeKind::FirstRegistration,
        }
    }
}

fn id(kind: ObjectKind, id: Uuid) -> ObjectId {
    ObjectId { kind, id }
}

/// The party for each new holder: an existing one found by number (its id), or a new one
/// created under the id its number keys; answered as the holders list and the create
/// operations.
fn holders(holding: &Holding, wanted: &[NewHolder]) -> Result<(Vec<Holder>, Vec<Op>), String> {
    if wanted.is_empty() {
        return Err("cần ít nhất một người sử dụng đất".into());
    }
    let mut out = Vec::new();
    let mut ops = Vec::new();
    for h in wanted {
        if h.number.trim().is_empty() || h.name.trim().is_empty() {
            return Err("mỗi người sử dụng đất cần tên và số định danh hoặc mã số thuế".into());
        }
        let party = match holding.party_by_number(&h.number) {
            Some(v) => v.object.id,
            None => {
                // Keyed by the number, as the import keys it: two dossiers naming one new
                // person make one party (the second is refused as already there).
                let pid = stable_id(ObjectKind::Party, h.number.trim()).id;
                ops.push(Op::Create {
                    object: id(ObjectKind::Party, pid),
                    value: LandObject::Party(Party {
                        kind: h.kind,
                        number: h.number.trim().to_owned(),
                        name: h.name.trim().to_owned(),
                        address: h.address.trim().to_owned(),
                        members: Vec::new(),
                    }),
                });
                pid
            }
        };
        if out.iter().any(|x: &Holder| x.party == party) {
            return Err(format!("{} được ghi hai lần", h.name));
        }
        out.push(Holder {
            party,
            share_bp: h.share_bp,
        });
    }
    Ok((out, ops))
}

/// The change set's operations for `intent`, from the register around the dossier's
/// certificate (`holding`); new objects take the ids their natural keys give (as the
/// import's do). Answers why not, in
/// Vietnamese, when the intent does not fit the register.
pub fn build(holding: &Holding, intent: &Intent) -> Result<Vec<Op>, String> {
    let certificate = || {
        holding.certificate.as_ref().and_then(|v| match &v.value {
            LandObject::Certificate(c) => Some((v, c)),
            _ => None,
        })
    };
    match intent {
        Intent::HolderInfo {
            party,
            name,
            number,
            address,
            source: _,
        } => {
            let (_, cert) = certificate().ok_or("hồ sơ chưa gắn Giấy chứng nhận")?;
            if !cert.holders.iter().any(|h| h.party == *party) {
                return Err("người này không đứng tên trên Giấy chứng nhận".into());
            }
            let v = holding
                .parties
                .iter()
                .find(|v| v.object.id == *party)
                .ok_or("không tìm thấy người sử dụng đất trong sổ")?;
            let LandObject::Party(old) = &v.value else {
                return Err("đối tượng không phải người sử dụng đất".into());
            };
            let next = Party {
                name: name.trim().to_owned(),
                number: number.trim().to_owned(),
                address: address.trim().to_owned(),
                ..old.clone()
            };
            if &next == old {
                return Err("thông tin mới trùng với thông tin đã ghi".into());
            }
            Ok(vec![Op::Update {
                object: v.object,
                base: v.version,
                value: LandObject::Party(next),
            }])
        }
        Intent::Transfer {
            to,
            new_certificate,
            source,
        } => {
            let (cv, cert) = certificate().ok_or("hồ sơ chưa gắn Giấy chứng nhận")?;
            let (new_holders, mut ops) = holders(holding, to)?;
            if holding
                .rrrs
                .iter()
                .any(|v| matches!(&v.value, LandObject::Rrr(r) if r.kind == RrrKind::Suspension))
            {
                return Err("thửa đất đang bị tạm dừng biến động (tranh chấp, quyết định)".into());
            }
            // The rights move to the new holders; restrictions stay as they are.
            for v in &holding.rrrs {
                if let LandObject::Rrr(r) = &v.value
                    && matches!(r.kind, RrrKind::UseRight | RrrKind::AssetOwnership)
                {
                    ops.push(Op::Update {
                        object: v.object,
                        base: v.version,
                        value: LandObject::Rrr(Rrr {
                            holders: new_holders.clone(),
                            source: source.clone(),
                            ..r.clone()
                        }),
                    });
                }
            }
            match new_certificate {
                None => ops.push(Op::Update {
                    object: cv.object,
                    base: cv.version,
                    value: LandObject::Certificate(Certificate {
                        holders: new_holders,
                        ..cert.clone()
                    }),
                }),
                Some(n) => {
                    ops.push(Op::Retire {
                        object: cv.object,
                        base: cv.version,
                    });
                    ops.push(Op::Create {
                        // By its serial: a serial already issued is refused as there.
                        object: stable_id(ObjectKind::Certificate, n.serial.trim()),
                        value: LandObject::Certificate(Certificate {
                            serial: n.serial.trim().to_owned(),
                            entry: n.entry.trim().to_owned(),
                            issued_on: n.issued_on,
                            issuer: n.issuer.clone(),
                            parcels: cert.parcels.clone(),
                            holders: new_holders,
                        }),
                    });
                }
            }
            Ok(ops)
        }
        Intent::ClearDebt { debts, source: _ } => {
            certificate().ok_or("hồ sơ chưa gắn Giấy chứng nhận")?;
            if debts.is_empty() {
                return Err("chọn ít nhất một khoản ghi nợ đã nộp".into());
            }
            debts
                .iter()
                .map(|d| {
                    let v = holding
                        .rrrs
                        .iter()
                        .find(|v| v.object.id == *d)
                        .ok_or("khoản ghi nợ không có trên thửa đất của Giấy chứng nhận")?;
                    match &v.value {
                        LandObject::Rrr(r)
                            if matches!(
                                r.kind,
                                RrrKind::LandUseFeeDebt | RrrKind::RegistrationFeeDebt
                            ) =>
                        {
                            Ok(Op::Retire {
                                object: v.object,
                                base: v.version,
                            })
                        }
                        _ => Err("chỉ xóa được khoản ghi nợ".to_owned()),
                    }
                })
                .collect()
        }
        Intent::FirstRegistration {
            parcel,
            holders: wanted,
            certificate: n,
            source,
        } => {
            let (new_holders, mut ops) = holders(holding, wanted)?;
            // Keyed by the parcel's number and the serial, as the import keys them: a
            // second registration of the same parcel (or serial) is refused when it is
            // prepared, and again when it is applied.
            let key = format!(
                "{}/{}/{}",
                parcel.number.commune, parcel.number.sheet, parcel.number.number
            );
            let pid = stable_id(ObjectKind::Parcel, &key).id;
            ops.push(Op::Create {
                object: id(ObjectKind::Parcel, pid),
                value: LandObject::Parcel(parcel.clone()),
            });
            ops.push(Op::Create {
                object: stable_id(
                    ObjectKind::Rrr,
                    &format!("use_right:{}:{pid}", n.serial.trim()),
                ),
                value: LandObject::Rrr(Rrr {
                    kind: RrrKind::UseRight,
                    parcel: pid,
                    asset: None,
                    holders: new_holders.clone(),
                    amount: None,
                    source: source.clone(),
                }),
            });
            ops.push(Op::Create {
                object: stable_id(ObjectKind::Certificate, n.serial.trim()),
                value: LandObject::Certificate(Certificate {
                    serial: n.serial.trim().to_owned(),
                    entry: n.entry.trim().to_owned(),
                    issued_on: n.issued_on,
                    issuer: n.issuer.clone(),
                    parcels: vec![pid],
                    holders: new_holders,
                }),
            });
            Ok(ops)
        }
    }
}
