//! `motcua import dossiers PATH…`: dossiers from another system's exports of the national
//! portal's record (`DongBoHoSoMC`): JSON files holding one record or a list of them, JSON
//! Lines files (one record a line), or folders of such files. Safe on a live system: a
//! second run changes nothing, an interrupted one is finished by running it again, and
//! `--dry-run` writes nothing. With `--mapping FILE`, CSV and XLSX exports too (one dossier
//! a row, see `import_table`); `motcua import template SAMPLE` writes a first mapping.

use std::path::{Path, PathBuf};

use anyhow::{Context as _, Result, bail};
use clap::Subcommand;
use motcua_app::{DossierImport, ImportRecord, ImportReject, ImportRun};
use motcua_core::import::Mapping;
use motcua_core::land::csv;

use super::import_table::{is_table, load_mapping, table_records, write_template};

use super::{Ctx, open_db};
use crate::clock::SystemClock;

/// Records read and written between two redraws of the progress bar.
const BATCH: usize = 500;

#[derive(Debug, Subcommand)]
pub enum ImportAction {
    /// Import dossiers from `DongBoHoSoMC` exports (.json, .jsonl, or folders of them), or
    /// from .csv / .xlsx tables with `--mapping`.
    Dossiers(DossiersArgs),
    /// Write a first mapping for a table export from a sample of it (.csv or .xlsx): the
    /// columns guessed, the values to translate, the date format.
    Template {
        /// The sample export.
        sample: PathBuf,
        /// Where to write the mapping (never over an existing file); printed when absent.
        #[arg(long)]
        out: Option<PathBuf>,
        /// The worksheet to read (XLSX); the first when absent.
        #[arg(long)]
        sheet: Option<String>,
    },
}

/// `motcua import dossiers`'s options.
#[derive(Debug, clap::Args)]
pub struct DossiersArgs {
    /// Files or folders.
    #[arg(required = true)]
    paths: Vec<PathBuf>,
    /// The source system's name, kept in every dossier it brings (e.g. "Một cửa Bình
    /// Định"); the same name on every run of the same data.
    #[arg(long, default_value = "Hệ thống cũ")]
    source: String,
    /// Check, place and count; write nothing.
    #[arg(long)]
    dry_run: bool,
    /// Where to write the reject report (CSV); default `loi_nhap_ho_so.csv` here.
    #[arg(long, default_value = "loi_nhap_ho_so.csv")]
    rejects: PathBuf,
    /// The mapping (TOML) from a table export's columns to the record's fields; needed
    /// for .csv and .xlsx files.
    #[arg(long)]
    mapping: Option<PathBuf>,
    /// The folder holding the files the records name (`TepTin` of a document, a path
    /// inside this folder): each is checked and stored like a scan made at the desk.
    #[arg(long)]
    documents: Option<PathBuf>,
    /// Where the files are stored (as for `serve`).
    #[command(flatten)]
    files: super::files::FilesArgs,
    /// A virus scanner every file goes through (as for `serve`).
    #[arg(long, env = "MOTCUA_SCAN_COMMAND")]
    scan_command: Option<String>,
}

pub async fn run(ctx: &Ctx, action: ImportAction) -> Result<()> {
    let DossiersArgs {
        paths,
        source,
        dry_run,
        rejects,
        mapping,
        documents,
        files,
        scan_command,
    } = match action {
        ImportAction::Template { sample, out, sheet } => {
            return write_template(ctx, &sample, sheet.as_deref(), out.as_deref());
        }
        ImportAction::Dossiers(args) => args,
    };
    if source.trim().is_empty() || source.chars().count() > 100 {
        bail!("--source: tên hệ thống nguồn phải có từ 1 đến 100 ký tự");
    }
    let mapping = mapping.as_deref().map(load_mapping).transpose()?;
    let mut records = read_records(&paths, mapping.as_ref())?;
    let db = open_db(&ctx.database_url).await?;
    let app = motcua_app::App::new(
        db.clone(),
        ctx.calendar_data().await?,
        std::sync::Arc::new(SystemClock),
    );
    let run = ImportRun {
        source: source.trim().to_owned(),
        actor_id: "system:import".into(),
        dry_run,
        read_only: false,
    };
    let bar = super::progress::Progress::new(ctx.json, "hồ sơ");
    let (mut report, mut refused) = (DossierImport::default(), Vec::new());
    let mut done = 0;
    let store = files.open(scan_command).await?;
    let total = records.len();
    for batch in records.chunks_mut(BATCH) {
        super::import_files::attach(batch, documents.as_deref(), &store, dry_run).await;
        app.import_dossiers(&run, batch, &mut report, &mut refused)
            .await?;
        done += batch.len();
        bar.tick(done, total);
    }
    db.close().await;
    if !refused.is_empty() {
        std::fs::write(&rejects, reject_report(&refused))
            .with_context(|| format!("không ghi được {}", rejects.display()))?;
    }
    if ctx.json {
        let mut value = serde_json::to_value(&report)?;
        if let Some(o) = value.as_object_mut() {
            let file = (!refused.is_empty()).then(|| rejects.display().to_string());
            o.insert("rejects_file".into(), serde_json::json!(file));
        }
        return ctx.print_json(&value);
    }
    ctx.print(&summary(&report))?;
    if !refused.is_empty() {
        ctx.print(&format!(
            "Danh sách bản ghi bị từ chối: {}",
            rejects.display()
        ))?;
    }
    for (what, codes) in [
        ("Thủ tục chưa có trong danh mục", &report.unknown_procedures),
        ("Đơn vị chưa có trong danh mục", &report.unknown_agencies),
    ] {
        if !codes.is_empty() {
            let list: Vec<&str> = codes.iter().map(String::as_str).collect();
            ctx.print(&format!("{what}: {}", list.join(", ")))?;
        }
    }
    Ok(())
}

/// The one-line summary.
fn summary(r: &DossierImport) -> String {
    format!(
        "{}{} bản ghi đọc: {} thêm mới, {} cập nhật, {} không đổi, {} đã xử lý tiếp trên hệ thống (không cập nhật), {} từ chối.",
        if r.dry_run {
            "(chạy thử, không ghi) "
        } else {
            ""
        },
        r.read,
        r.created,
        r.updated,
        r.unchanged,
        r.handled_here,
        r.rejected
    )
}

/// The reject report: one line per refused field.
fn reject_report(rejects: &[ImportReject]) -> String {
    let mut out = String::from("tep,ban_ghi,ma_ho_so,truong,ly_do\n");
    for r in rejects {
        out.push_str(&format!(
            "{},{},{},{},{}\n",
            csv::field(&r.file),
            r.row,
            csv::field(&r.code),
            csv::field(&r.field),
            csv::field(&r.reason)
        ));
    }
    out
}

/// Every record of the paths, in order: folders are read for their `.json` and `.jsonl`
/// files (and `.csv`, `.xlsx` with a mapping), sorted by name.
fn read_records(paths: &[PathBuf], mapping: Option<&Mapping>) -> Result<Vec<ImportRecord>> {
    let mut files = Vec::new();
    for p in paths {
        if p.is_dir() {
            let mut inside: Vec<PathBuf> = std::fs::read_dir(p)
                .with_context(|| format!("không đọc được thư mục {}", p.display()))?
                .filter_map(|e| e.ok().map(|e| e.path()))
                .filter(|f| {
                    let ext = extension(f);
                    matches!(ext.as_str(), "json" | "jsonl")
                        || (mapping.is_some() && is_table(&ext))
                })
                .collect();
            inside.sort();
            files.extend(inside);
        } else {
            files.push(p.clone());
        }
    }
    let mut records = Vec::new();
    for f in files {
        if is_table(&extension(&f)) {
            let Some(mapping) = mapping else {
                bail!(
                    "{}: tệp bảng tính cần --mapping TỆP.toml (tạo mẫu bằng \"motcua import template\")",
                    f.display()
                );
            };
            records.extend(table_records(&f, mapping)?);
            continue;
        }
        let text = std::fs::read_to_string(&f)
            .with_context(|| format!("không đọc được {}", f.display()))?;
        let file = f.display().to_string();
        if extension(&f) == "jsonl" {
            for (i, line) in text
                .lines()
                .enumerate()
                .filter(|(_, l)| !l.trim().is_empty())
            {
                // A line that is not JSON is refused as a record that is not an object.
                let value = serde_json::from_str(line).unwrap_or(serde_json::Value::Null);
                records.push(ImportRecord {
                    file: file.clone(),
                    row: i + 1,
                    value,
                    problems: Vec::new(),
                    files: Default::default(),
                });
            }
            continue;
        }
        let value: serde_json::Value = serde_json::from_str(&text)
            .with_context(|| format!("{} không phải JSON hợp lệ", f.display()))?;
        let items = match value {
            serde_json::Value::Array(items) => items,
            one => vec![one],
        };
        records.extend(
            items
                .into_iter()
                .enumerate()
                .map(|(i, value)| ImportRecord {
                    file: file.clone(),
                    row: i + 1,
                    value,
                    problems: Vec::new(),
                    files: Default::default(),
                }),
        );
    }
    if records.is_empty() {
        bail!(
            "không có bản ghi nào trong các tệp đã cho (.json, .jsonl, hoặc .csv, .xlsx với --mapping)"
        );
    }
    Ok(records)
}

/// A file's extension, lower case.
pub fn extension(p: &Path) -> String {
    p.extension()
        .and_then(|e| e.to_str())
        .unwrap_or_default()
        .to_ascii_lowercase()
}
