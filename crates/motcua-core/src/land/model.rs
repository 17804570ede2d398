//! What the register holds: the objects themselves, without their lifespans.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

crate::wire_enum! {
    /// The kinds of register objects (LADM classes).
    pub enum ObjectKind {
        /// LA_Party.
        Party = "party",
        /// LA_SpatialUnit: a parcel.
        Parcel = "parcel",
        /// A building or house attached to the land.
        Asset = "asset",
        /// A certificate (GCN) as issued.
        Certificate = "certificate",
        /// LA_RRR: a right, restriction or responsibility.
        Rrr = "rrr",
    }
}

/// The certificate a land dossier concerns (chosen from the register when it is filed).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LandRef {
    /// The certificate's object id.
    pub certificate: Uuid,
    /// Its serial, as it read when the dossier was filed.
    pub serial: String,
}

/// An object's identity, stable across its versions.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct ObjectId {
    /// What it is.
    pub kind: ObjectKind,
    /// Which one.
    pub id: Uuid,
}

crate::wire_enum! {
    /// Who a party is.
    pub enum PartyKind {
        /// A person, by their personal identification number (CCCD).
        Person = "person",
        /// An organisation, by its tax code.
        Organisation = "organisation",
        /// A household or a group of co-users (hộ gia đình, nhóm người sử dụng đất).
        Group = "group",
    }
}

/// A party (người sử dụng đất, chủ sở hữu).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Party {
    /// Person, organisation or group.
    pub kind: PartyKind,
    /// CCCD number or tax code; empty for a group.
    pub number: String,
    /// Full name or organisation name.
    pub name: String,
    /// Address.
    pub address: String,
    /// A group's members (parties) and their shares in basis points (summing to 10,000).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub members: Vec<Holder>,
}

/// A holder and its share, in basis points of the whole (10,000 = all).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Holder {
    /// The party.
    pub party: Uuid,
    /// Its share.
    pub share_bp: u32,
}

/// A parcel's number in the cadastral map: commune, map sheet, parcel.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct ParcelNumber {
    /// The commune's code (2025 units).
    pub commune: String,
    /// Map sheet number (số tờ bản đồ).
    pub sheet: u32,
    /// Parcel number on the sheet (số thửa).
    pub number: u32,
}

crate::wire_enum! {
    /// The coordinate reference system a shape is recorded in.
    pub enum Crs {
        /// VN-2000 (the national system; a provincial central meridian applies).
        Vn2000 = "VN-2000",
        /// WGS 84 longitude/latitude.
        Wgs84 = "WGS84",
    }
}

/// A parcel (thửa đất).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Parcel {
    /// Its number.
    pub number: ParcelNumber,
    /// Area in tenths of a square metre (the register writes one decimal).
    pub area_dm2: u64,
    /// Land-use purpose code (mục đích sử dụng: ONT, ODT, LUC, CLN, …).
    pub purpose: String,
    /// Use term: until a date, or long-term (lâu dài) when `None`.
    pub term_until: Option<NaiveDate>,
    /// Origin (nguồn gốc sử dụng), as the register words it.
    pub origin: String,
    /// Address.
    pub address: String,
    /// The shape: a GeoJSON Polygon or MultiPolygon geometry.
    pub geometry: Option<serde_json::Value>,
    /// The system the shape's coordinates are in.
    pub crs: Crs,
}

/// A building or house attached to a parcel.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Asset {
    /// The parcel it stands on.
    pub parcel: Uuid,
    /// What it is (nhà ở riêng lẻ, công trình xây dựng…).
    pub description: String,
    /// Floor area in tenths of a square metre.
    pub floor_area_dm2: u64,
}

/// A certificate (Giấy chứng nhận quyền sử dụng đất, quyền sở hữu tài sản gắn liền với đất).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Certificate {
    /// The form's serial (số phát hành, e.g. "DA 123456").
    pub serial: String,
    /// The issuance register entry (số vào sổ cấp GCN).
    pub entry: String,
    /// Issued on.
    pub issued_on: NaiveDate,
    /// By (the agency's name).
    pub issuer: String,
    /// The parcels it covers.
    pub parcels: Vec<Uuid>,
    /// Who it names, with their shares.
    pub holders: Vec<Holder>,
}

crate::wire_enum! {
    /// A right, restriction or responsibility.
    pub enum RrrKind {
        /// Land-use right (quyền sử dụng đất).
        UseRight = "use_right",
        /// Ownership of an attached asset.
        AssetOwnership = "asset_ownership",
        /// A mortgage (thế chấp).
        Mortgage = "mortgage",
        /// Land-use fee recorded as debt (ghi nợ tiền sử dụng đất).
        LandUseFeeDebt = "land_use_fee_debt",
        /// Registration fee recorded as debt (ghi nợ lệ phí trước bạ).
        RegistrationFeeDebt = "registration_fee_debt",
        /// A dispute, or a court or authority's order suspending changes.
        Suspension = "suspension",
    }
}

/// The document a register entry rests on.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Source {
    /// What it is (quyết định, hợp đồng, GCN…).
    pub kind: String,
    /// Its number or reference.
    pub reference: String,
    /// Its date.
    pub date: Option<NaiveDate>,
}

/// A right, restriction or responsibility on a parcel (or an asset on it).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Rrr {
    /// Which.
    pub kind: RrrKind,
    /// The parcel.
    pub parcel: Uuid,
    /// The asset, for ownership of one.
    pub asset: Option<Uuid>,
    /// Whose (the right holder, the mortgagee, the debtor), with shares.
    pub holders: Vec<Holder>,
    /// The amount, for a recorded debt, in đồng.
    pub amount: Option<i64>,
    /// What it rests on.
    pub source: Source,
}

/// One register object, of any kind.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "class", rename_all = "snake_case")]
pub enum LandObject {
    /// A party.
    Party(Party),
    /// A parcel.
    Parcel(Parcel),
    /// An asset.
    Asset(Asset),
    /// A certificate.
    Certificate(Certificate),
    /// A right, restriction or responsibility.
    Rrr(Rrr),
}

impl LandObject {
    /// Its kind.
    pub fn kind(&self) -> ObjectKind {
        match self {
            Self::Party(_) => ObjectKind::Party,
            Self::Parcel(_) => ObjectKind::Parcel,
            Self::Asset(_) => ObjectKind::Asset,
            Self::Certificate(_) => ObjectKind::Certificate,
            Self::Rrr(_) => ObjectKind::Rrr,
        }
    }

    /// The parcels it bears on (for conflicts: two dossiers changing one parcel).
    pub fn parcels(&self, id: Uuid) -> Vec<Uuid> {
        match self {
            Self::Party(_) => Vec::new(),
            Self::Parcel(_) => vec![id],
            Self::Asset(a) => vec![a.parcel],
            Self::Certificate(c) => c.parcels.clone(),
            Self::Rrr(r) => vec![r.parcel],
        }
    }

    /// Why it cannot be recorded, if it cannot (Vietnamese, for the specialist).
    pub fn check(&self) -> Result<(), String> {
        let shares = |holders: &[Holder], what: &str| {
            let total: u64 = holders.iter().map(|h| u64::from(h.share_bp)).sum();
            if holders.is_empty() || total == 10_000 {
                Ok(())
            } else {
                Err(format!(
                    "{what}: tổng phần của các chủ là {},{:02}% (phải là 100%)",
                    total / 100,
                    total % 100
                ))
            }
        };
        match self {
            Self::Party(p) => {
                if p.name.trim().is_empty() {
                    return Err("người sử dụng đất phải có tên".into());
                }
                match p.kind {
                    PartyKind::Group => shares(&p.members, "nhóm người sử dụng đất"),
                    _ if p.number.trim().is_empty() => {
                        Err("cá nhân, tổ chức phải có số định danh hoặc mã số thuế".into())
                    }
                    _ => Ok(()),
                }
            }
            Self::Parcel(p) => {
                if p.area_dm2 == 0 {
                    return Err("diện tích thửa đất phải lớn hơn 0".into());
                }
                if p.purpose.trim().is_empty() {
                    return Err("cần ghi mục đích sử dụng đất".into());
                }
                Ok(())
            }
            Self::Asset(a) if a.description.trim().is_empty() => {
                Err("cần mô tả tài sản gắn liền với đất".into())
            }
            Self::Asset(_) => Ok(()),
            Self::Certificate(c) => {
                if c.serial.trim().is_empty() || c.parcels.is_empty() {
                    return Err("Giấy chứng nhận phải có số phát hành và thửa đất".into());
                }
                shares(&c.holders, "Giấy chứng nhận")
            }
            Self::Rrr(r) => {
                let debt = matches!(
                    r.kind,
                    RrrKind::LandUseFeeDebt | RrrKind::RegistrationFeeDebt
                );
                if debt && r.amount.is_none_or(|a| a <= 0) {
                    return Err("khoản ghi nợ phải có số tiền".into());
                }
                shares(&r.holders, "quyền")
            }
        }
    }
}
