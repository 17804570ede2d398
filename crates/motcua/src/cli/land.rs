//! `motcua land import DIR` (load a register from a province's files, CSV or XLSX and
//! GeoJSON) and `motcua land sample DIR` (write the demo register's files, the format to
//! follow).

use std::path::{Path, PathBuf};

use anyhow::{Context as _, Result, bail};
use clap::Subcommand;
use motcua_core::land::csv;
use motcua_core::land::import::{Files, Rows};

use super::{Ctx, open_db};
use crate::clock::SystemClock;

#[derive(Debug, Subcommand)]
pub enum LandAction {
    /// Load a register from a folder: nguoi_su_dung, thua_dat, giay_chung_nhan and
    /// quyen_han_che (each .csv or .xlsx) and hinh_the.geojson. Any refused row: nothing
    /// is written, and the reject report names each one.
    Import {
        /// The folder.
        dir: PathBuf,
        /// Check and count, write nothing.
        #[arg(long)]
        dry_run: bool,
        /// Where to write the reject report (CSV); default: beside the files.
        #[arg(long)]
        rejects: Option<PathBuf>,
    },
    /// Write the demo province's synthetic register files (the mapping to follow).
    Sample {
        /// The folder to write them to.
        dir: PathBuf,
    },
}

pub async fn run(ctx: &Ctx, action: LandAction) -> Result<()> {
    match action {
        LandAction::Sample { dir } => {
            std::fs::create_dir_all(&dir)?;
            let people =
                motcua_sim::Population::generate(motcua_sim::SimConfig::default().population);
            for (name, body) in crate::demo::land::register(&people).files {
                std::fs::write(dir.join(name), body)?;
            }
            ctx.print(&format!(
                "{} {}",
                ctx.pick(
                    "Đã ghi các tệp sổ địa chính mẫu vào",
                    "Wrote the sample register files to"
                ),
                dir.display()
            ))
        }
        LandAction::Import {
            dir,
            dry_run,
            rejects,
        } => import(ctx, &dir, dry_run, rejects).await,
    }
}

/// Reads one table: `<name>.csv` or `<name>.xlsx` (its first sheet); empty when neither.
pub fn read_table(dir: &Path, name: &str) -> Result<Rows> {
    let csv_path = dir.join(format!("{name}.csv"));
    if csv_path.exists() {
        return super::sheet::read_csv(&csv_path);
    }
    let xlsx = dir.join(format!("{name}.xlsx"));
    if xlsx.exists() {
        return Ok(super::sheet::read_xlsx(&xlsx, None, super::sheet::Dates::Day)?.1);
    }
    Ok(Vec::new())
}

/// Reads the folder into the import's files.
pub fn read_files(dir: &Path) -> Result<Files> {
    let shapes_path = dir.join("hinh_the.geojson");
    let shapes = if shapes_path.exists() {
        let text = std::fs::read_to_string(&shapes_path)?;
        Some(
            serde_json::from_str(&text)
                .with_context(|| format!("{} không phải GeoJSON hợp lệ", shapes_path.display()))?,
        )
    } else {
        None
    };
    let files = Files {
        parties: read_table(dir, "nguoi_su_dung")?,
        parcels: read_table(dir, "thua_dat")?,
        certificates: read_table(dir, "giay_chung_nhan")?,
        rrrs: read_table(dir, "quyen_han_che")?,
        shapes,
    };
    if files.parcels.is_empty() && files.parties.is_empty() && files.certificates.is_empty() {
        bail!(
            "{} không có tệp thua_dat, nguoi_su_dung hay giay_chung_nhan (.csv hoặc .xlsx)",
            dir.display()
        );
    }
    Ok(files)
}

async fn import(ctx: &Ctx, dir: &Path, dry_run: bool, rejects: Option<PathBuf>) -> Result<()> {
    let files = read_files(dir)?;
    let db = open_db(&ctx.database_url).await?;
    let app = motcua_app::App::new(
        db.clone(),
        ctx.calendar_data().await?,
        std::sync::Arc::new(SystemClock),
    );
    let bar = super::progress::Progress::new(ctx.json, "đối tượng");
    let mut progress = move |done: usize, total: usize| bar.tick(done, total);
    let report = app.import_land(&files, dry_run, &mut progress).await?;
    db.close().await;
    if !report.rejects.is_empty() {
        let path = rejects.unwrap_or_else(|| dir.join("loi_nap_so.csv"));
        let mut out = String::from("tep,dong,cot,ly_do\n");
        for r in &report.rejects {
            out.push_str(&format!(
                "{},{},{},{}\n",
                r.file,
                r.line,
                csv::field(&r.field),
                csv::field(&r.reason)
            ));
        }
        std::fs::write(&path, out)?;
        if ctx.json {
            ctx.print_json(&serde_json::to_value(&report)?)?;
        } else {
            ctx.print(&format!(
                "Không nạp: {} dòng bị từ chối (xem {}). Không ghi gì vào sổ địa chính.",
                report.rejects.len(),
                path.display()
            ))?;
            for r in report.rejects.iter().take(10) {
                ctx.print(&format!(
                    "  {} dòng {} [{}]: {}",
                    r.file, r.line, r.field, r.reason
                ))?;
            }
        }
        bail!("{} dòng bị từ chối", report.rejects.len());
    }
    if ctx.json {
        return ctx.print_json(&serde_json::to_value(&report)?);
    }
    ctx.print(&format!(
        "{}{} dòng đọc, {} đối tượng: {} thêm mới, {} thay đổi, {} không đổi, {} giữ theo sổ (hồ sơ đã thay đổi sau khi nạp), 0 từ chối.",
        if dry_run {
            "(chạy thử, không ghi) "
        } else {
            ""
        },
        report.rows,
        report.objects,
        report.counts.created,
        report.counts.updated,
        report.counts.unchanged,
        report.counts.kept
    ))
}

#[cfg(test)]
mod tests {
    use motcua_core::land::import::load;
    use motcua_web::xlsx::{Cell, Sheet, Style, workbook};

    use super::*;

    fn text(s: &str) -> Cell {
        Cell::Text(s.into(), Style::Plain)
    }

    fn write(dir: &Path, name: &str, rows: Vec<Vec<Cell>>) {
        let sheet = Sheet {
            name: name.into(),
            rows,
            ..Sheet::default()
        };
        std::fs::write(dir.join(format!("{name}.xlsx")), workbook(&sheet)).unwrap_or_default();
    }

    /// Tables exported to Excel, numbers typed as numbers (their leading zeros gone), read
    /// as the CSV would be.
    #[test]
    fn xlsx_tables_load_like_csv() {
        let dir = tempfile::tempdir().unwrap_or_else(|e| unreachable!("{e}"));
        let d = dir.path();
        write(
            d,
            "nguoi_su_dung",
            vec![
                ["loai", "so_dinh_danh", "ho_ten", "dia_chi"]
                    .map(text)
                    .to_vec(),
                vec![
                    text("ca_nhan"),
                    Cell::Number(48_190_000_001.0, Style::Number),
                    text("Nguyễn Thị Minh Khai"),
                    text("Phường Hải Châu"),
                ],
            ],
        );
        write(
            d,
            "thua_dat",
            vec![
                [
                    "ma_xa",
                    "so_to",
                    "so_thua",
                    "dien_tich_m2",
                    "muc_dich",
                    "dia_chi",
                ]
                .map(text)
                .to_vec(),
                vec![
                    Cell::Number(20242.0, Style::Number),
                    Cell::Number(3.0, Style::Number),
                    Cell::Number(11.0, Style::Number),
                    Cell::Number(120.5, Style::Number),
                    text("ODT"),
                    text("11 Bạch Đằng"),
                ],
            ],
        );
        write(
            d,
            "giay_chung_nhan",
            vec![
                [
                    "so_phat_hanh",
                    "so_vao_so",
                    "ngay_cap",
                    "co_quan_cap",
                    "thua_dat",
                    "nguoi_su_dung",
                ]
                .map(text)
                .to_vec(),
                [
                    "DA 100011",
                    "CS 1",
                    "2015-05-04",
                    "Sở TN&MT",
                    "20242/3/11",
                    "048190000001:100",
                ]
                .map(text)
                .to_vec(),
            ],
        );
        let files = read_files(d).unwrap_or_else(|e| unreachable!("{e}"));
        assert_eq!(
            files.parties.get(1).map(|r| r.1.clone()),
            Some(vec![
                "ca_nhan".to_owned(),
                "48190000001".to_owned(),
                "Nguyễn Thị Minh Khai".to_owned(),
                "Phường Hải Châu".to_owned()
            ])
        );
        let loaded = load(&files);
        assert!(loaded.rejects.is_empty(), "{:?}", loaded.rejects);
        // The person, the parcel, the certificate and its use right; the number has its zero.
        assert_eq!(loaded.objects.len(), 4);
        assert!(loaded.objects.iter().any(|(_, v)| matches!(
            v,
            motcua_core::land::LandObject::Party(p) if p.number == "048190000001"
        )));
    }
}
