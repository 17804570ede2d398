//! What each land procedure does to the register, as a change set built from the register's
//! current state (never re-typed): the specialist states the intent — new holder details, the
//! new holders and their shares, which recorded debts are paid, the new parcel — and the
//! builder turns it into operations against the versions it read.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::change::Op;
use super::history::Version;
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

impl Intent {
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
/// created with `new_id`; answered as the holders list and the create operations.
fn holders(
    holding: &Holding,
    wanted: &[NewHolder],
    new_id: &mut impl FnMut() -> Uuid,
) -> Result<(Vec<Holder>, Vec<Op>), String> {
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
                let pid = new_id();
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
/// certificate (`holding`); new objects take ids from `new_id`. Answers why not, in
/// Vietnamese, when the intent does not fit the register.
pub fn build(
    holding: &Holding,
    intent: &Intent,
    mut new_id: impl FnMut() -> Uuid,
) -> Result<Vec<Op>, String> {
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
            let (new_holders, mut ops) = holders(holding, to, &mut new_id)?;
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
                        object: id(ObjectKind::Certificate, new_id()),
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
            let (new_holders, mut ops) = holders(holding, wanted, &mut new_id)?;
            let pid = new_id();
            ops.push(Op::Create {
                object: id(ObjectKind::Parcel, pid),
                value: LandObject::Parcel(parcel.clone()),
            });
            ops.push(Op::Create {
                object: id(ObjectKind::Rrr, new_id()),
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
                object: id(ObjectKind::Certificate, new_id()),
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
