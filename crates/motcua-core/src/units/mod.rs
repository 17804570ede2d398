//! Administrative units (đơn vị hành chính) and agencies (cơ quan).
//!
//! Units are reference data from the statistics office. Agencies form a tree and carry an
//! electronic identifier (mã định danh) that starts their dossier codes; they are read from
//! an agency file so a province can load its own.

mod template;

use serde::Deserialize;

pub use template::agency_template;

use crate::catalog::AGENCY_KINDS;
use crate::ids::AgencyCode;

/// A province or a commune.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AdminUnit {
    /// Statistics code: 2 digits for a province, 5 for a commune.
    pub code: String,
    /// Name with its type ("Thành phố Đà Nẵng", "Phường Hải Châu").
    pub name: String,
    /// Type (tỉnh, thành phố trung ương, xã, phường, đặc khu).
    pub division_type: String,
    /// The province of a commune.
    pub province_code: Option<String>,
}

/// Reads the unit list (`code,name,division_type,province_code`, CRLF or LF).
pub fn parse_admin_units(text: &str) -> Result<Vec<AdminUnit>, String> {
    let mut units = Vec::new();
    for (i, line) in text.lines().enumerate().skip(1) {
        let line = line.trim_end_matches('\r');
        if line.trim().is_empty() {
            continue;
        }
        let fields: Vec<&str> = line.split(',').collect();
        let [code, name, division_type, province] = fields.as_slice() else {
            return Err(format!("dòng {}: cần 4 cột, có {}", i + 1, fields.len()));
        };
        let digits = |s: &str, n: usize| s.len() == n && s.bytes().all(|b| b.is_ascii_digit());
        let province = (!province.is_empty()).then(|| province.to_string());
        let ok = match &province {
            None => digits(code, 2),
            Some(p) => digits(code, 5) && digits(p, 2),
        };
        if !ok || name.trim().is_empty() {
            return Err(format!("dòng {}: mã đơn vị không hợp lệ: {line}", i + 1));
        }
        units.push(AdminUnit {
            code: code.to_string(),
            name: name.to_string(),
            division_type: division_type.to_string(),
            province_code: province,
        });
    }
    Ok(units)
}

/// An agency as declared in an agency file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AgencySpec {
    /// Electronic identifier.
    pub code: AgencyCode,
    /// Name.
    pub name: String,
    /// Kind (one of the catalogue's agency kinds).
    pub kind: String,
    /// Parent agency, if any.
    pub parent: Option<AgencyCode>,
    /// The administrative unit it serves (a commune for commune agencies).
    pub admin_unit: Option<String>,
    /// The agency it was merged into (sáp nhập): a former unit, kept so that its old codes
    /// resolve, dossiers imported from before the merger name it, and reports can be read by
    /// the units as they were.
    pub merged_into: Option<AgencyCode>,
}

/// A province's agencies.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AgencyFile {
    /// Province code.
    pub province: String,
    /// Agencies, parents before children.
    pub agencies: Vec<AgencySpec>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawFile {
    province: String,
    agency: Vec<toml::Spanned<RawAgency>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawAgency {
    code: String,
    name: String,
    kind: String,
    parent: Option<String>,
    admin_unit: Option<String>,
    merged_into: Option<String>,
}

/// Reads an agency file; errors name the file and line.
pub fn parse_agency_file(file: &str, text: &str) -> Result<AgencyFile, String> {
    let line = |offset: usize| {
        text.get(..offset)
            .map_or(1, |t| t.matches('\n').count() + 1)
    };
    let raw: RawFile = toml::from_str(text).map_err(|e| {
        format!(
            "{file}:{}: {}",
            line(e.span().map_or(0, |s| s.start)),
            e.message()
        )
    })?;
    let mut agencies: Vec<AgencySpec> = Vec::new();
    for a in raw.agency {
        let at = line(a.span().start);
        let a = a.into_inner();
        let err = |m: String| format!("{file}:{at}: {m}");
        let code = AgencyCode::parse(&a.code).map_err(|e| err(e.to_string()))?;
        if !AGENCY_KINDS.contains(&a.kind.as_str()) {
            return Err(err(format!(
                "loại cơ quan \"{}\" không có trong danh mục",
                a.kind
            )));
        }
        if agencies.iter().any(|x| x.code == code) {
            return Err(err(format!("mã định danh trùng lặp: {code}")));
        }
        let parent = a
            .parent
            .map(|p| AgencyCode::parse(&p))
            .transpose()
            .map_err(|e| err(e.to_string()))?;
        if let Some(p) = &parent
            && !agencies.iter().any(|x| &x.code == p)
        {
            return Err(err(format!(
                "cơ quan cấp trên {p} phải được khai báo trước"
            )));
        }
        let merged_into = a
            .merged_into
            .map(|m| AgencyCode::parse(&m))
            .transpose()
            .map_err(|e| err(e.to_string()))?;
        if merged_into.as_ref() == Some(&code) {
            return Err(err(format!("{code} không thể sáp nhập vào chính nó")));
        }
        agencies.push(AgencySpec {
            code,
            name: a.name,
            kind: a.kind,
            parent,
            admin_unit: a.admin_unit,
            merged_into,
        });
    }
    Ok(AgencyFile {
        province: raw.province,
        agencies,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_2025_unit_list_has_34_provinces_and_3321_communes() {
        let units = parse_admin_units(include_str!(
            "../../../../data/administrative-units-2025.csv"
        ))
        .unwrap();
        assert_eq!(
            units.iter().filter(|u| u.province_code.is_none()).count(),
            34
        );
        assert_eq!(
            units.iter().filter(|u| u.province_code.is_some()).count(),
            3321
        );
        let hai_chau = units.iter().find(|u| u.name == "Phường Hải Châu").unwrap();
        assert_eq!(hai_chau.province_code.as_deref(), Some("48"));
    }

    #[test]
    fn agency_files_are_checked() {
        let ok = "province = \"48\"\n[[agency]]\ncode = \"H17\"\nname = \"UBND\"\nkind = \"provincial_peoples_committee\"\n\
                  [[agency]]\ncode = \"H17.01\"\nname = \"Sở\"\nkind = \"department\"\nparent = \"H17\"\n";
        assert_eq!(parse_agency_file("a.toml", ok).unwrap().agencies.len(), 2);
        let orphan = ok.replace("parent = \"H17\"", "parent = \"H99\"");
        assert!(
            parse_agency_file("a.toml", &orphan)
                .unwrap_err()
                .starts_with("a.toml:6:")
        );
        let bad_kind = ok.replace("kind = \"department\"", "kind = \"court\"");
        assert!(parse_agency_file("a.toml", &bad_kind).is_err());
    }
}
