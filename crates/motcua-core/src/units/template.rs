//! The starting agency file of a province, generated from the 2025 unit list, for the province
//! to edit: the usual structure of a provincial one-stop system after the 2025 reorganisation
//! (no district level) — the people's committee, the public service centre, the department of
//! agriculture and environment, the land registration office and a branch, tax and treasury,
//! and for every commune its people's committee and public service centre.
//!
//! The electronic identifiers follow the shape of Circular 10/2016/TT-BTTTT (`000.00.00.H48`
//! for provincial agencies, `H48.20242` for a commune's) with the province's statistics code;
//! the province replaces them with the identifiers it was assigned before going live.

use super::AdminUnit;

/// "Thanh Hóa" → "tỉnh Thanh Hóa"; "Thành phố Đà Nẵng" → "thành phố Đà Nẵng".
fn of_province(name: &str) -> String {
    match name.strip_prefix("Thành phố ") {
        Some(rest) => format!("thành phố {rest}"),
        None => format!("tỉnh {name}"),
    }
}

/// "Phường Hải Châu" → "phường Hải Châu" (the unit's kind in lower case after a title).
fn lower_first(name: &str) -> String {
    let mut chars = name.chars();
    chars.next().map_or_else(String::new, |c| {
        c.to_lowercase().chain(chars).collect::<String>()
    })
}

fn quoted(s: &str) -> String {
    format!("\"{}\"", s.replace('\\', "\\\\").replace('"', "\\\""))
}

/// The starting agency file (TOML) for `province`, or why there is none.
pub fn agency_template(units: &[AdminUnit], province: &str) -> Result<String, String> {
    let Some(p) = units
        .iter()
        .find(|u| u.code == province && u.province_code.is_none())
    else {
        return Err(format!(
            "không có tỉnh, thành phố mã {province} trong danh mục 2025"
        ));
    };
    let of = of_province(&p.name);
    let h = format!("H{province}");
    let mut out = format!(
        "# Cơ quan của {of} (mã {province}): tệp khởi đầu do `motcua agencies template` tạo.\n\
         # Hãy thay mã định danh điện tử (code) bằng mã được cấp theo Thông tư 10/2016/TT-BTTTT,\n\
         # sửa tên, thêm chi nhánh Văn phòng Đăng ký đất đai, rồi nạp lại:\n\
         #   motcua agencies import <tệp này>   (hoặc trang Quản trị → Cơ quan)\n\
         # Starting agency file: replace the identifiers with the ones assigned, then re-import.\n\
         province = {}\n",
        quoted(province)
    );
    let mut agency = |code: &str, name: &str, kind: &str, parent: Option<&str>, unit: &str| {
        out.push_str(&format!(
            "\n[[agency]]\ncode = {}\nname = {}\nkind = {}\n",
            quoted(code),
            quoted(name),
            quoted(kind)
        ));
        if let Some(parent) = parent {
            out.push_str(&format!("parent = {}\n", quoted(parent)));
        }
        out.push_str(&format!("admin_unit = {}\n", quoted(unit)));
    };
    let committee = format!("000.00.00.{h}");
    let department = format!("000.00.12.{h}");
    let land_office = format!("000.01.12.{h}");
    agency(
        &committee,
        &format!("Ủy ban nhân dân {of}"),
        "provincial_peoples_committee",
        None,
        province,
    );
    agency(
        &format!("000.00.20.{h}"),
        &format!("Trung tâm Phục vụ hành chính công {of}"),
        "public_service_centre",
        Some(&committee),
        province,
    );
    agency(
        &department,
        &format!("Sở Nông nghiệp và Môi trường {of}"),
        "department",
        Some(&committee),
        province,
    );
    agency(
        &land_office,
        &format!("Văn phòng Đăng ký đất đai {of}"),
        "land_registration_office",
        Some(&department),
        province,
    );
    agency(
        &format!("000.11.12.{h}"),
        "Chi nhánh Văn phòng Đăng ký đất đai khu vực 1",
        "land_registration_branch",
        Some(&land_office),
        province,
    );
    agency(
        &format!("000.00.40.{h}"),
        &format!("Thuế {of}"),
        "tax_office",
        None,
        province,
    );
    agency(
        &format!("000.00.41.{h}"),
        &format!(
            "Kho bạc Nhà nước khu vực {}",
            p.name.trim_start_matches("Thành phố ")
        ),
        "treasury",
        None,
        province,
    );
    for c in units
        .iter()
        .filter(|u| u.province_code.as_deref() == Some(province))
    {
        let commune = format!("{h}.{}", c.code);
        let of_commune = lower_first(&c.name);
        agency(
            &commune,
            &format!("Ủy ban nhân dân {of_commune}"),
            "commune_peoples_committee",
            None,
            &c.code,
        );
        agency(
            &format!("{commune}.01"),
            &format!("Trung tâm Phục vụ hành chính công {of_commune}"),
            "commune_service_centre",
            Some(&commune),
            &c.code,
        );
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::units::{parse_admin_units, parse_agency_file};

    #[test]
    fn every_province_gets_a_file_that_loads() {
        let units = parse_admin_units(include_str!(
            "../../../../data/administrative-units-2025.csv"
        ))
        .unwrap();
        for p in units.iter().filter(|u| u.province_code.is_none()) {
            let text = agency_template(&units, &p.code).unwrap();
            let file = parse_agency_file("t.toml", &text).unwrap();
            let communes = units
                .iter()
                .filter(|u| u.province_code.as_deref() == Some(p.code.as_str()))
                .count();
            assert_eq!(file.agencies.len(), 7 + 2 * communes, "{}", p.name);
        }
        let thanh_hoa = agency_template(&units, "38").unwrap();
        assert!(thanh_hoa.contains("Ủy ban nhân dân tỉnh Thanh Hóa"));
        assert!(thanh_hoa.contains("Trung tâm Phục vụ hành chính công phường Hạc Thành"));
        assert!(agency_template(&units, "99").is_err());
    }
}
