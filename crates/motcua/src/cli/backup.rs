//! `motcua backup` and `motcua restore`: a consistent online snapshot of the database (SQLite
//! `VACUUM INTO`, PostgreSQL `pg_dump`) and the scans, in one encrypted file
//! ([`super::backup_format`]); restored into an empty place, then checked the way an auditor
//! would: every hash chain recomputed (`verify-audit`), the counts compared with those the
//! backup recorded, every scan's content hashed against its name.

use std::path::{Path, PathBuf};
use std::time::Instant;

use anyhow::{Context as _, Result, bail};
use clap::Args;
use sha2::{Digest, Sha256};

use super::backup_format::{Opener, Sealer};
use motcua_core::clock::Clock as _;

use super::{Ctx, open_db, redact};

#[derive(Debug, Args)]
pub struct BackupArgs {
    /// The backup file to write.
    #[arg(long)]
    pub out: PathBuf,
    /// Folder of the scans (`serve --files-dir`).
    #[arg(long, default_value = "files")]
    pub files_dir: PathBuf,
    /// File holding the passphrase (or MOTCUA_BACKUP_KEY); at least 12 characters. Keep it
    /// apart from the backups: without it they cannot be read.
    #[arg(long)]
    pub key_file: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub struct RestoreArgs {
    /// The backup file to read.
    #[arg(long)]
    pub from: PathBuf,
    /// Folder to put the scans in (must be empty or absent).
    #[arg(long, default_value = "files")]
    pub files_dir: PathBuf,
    /// File holding the passphrase (or MOTCUA_BACKUP_KEY).
    #[arg(long)]
    pub key_file: Option<PathBuf>,
}

fn passphrase(key_file: Option<&Path>) -> Result<String> {
    let key = match key_file {
        Some(p) => std::fs::read_to_string(p)
            .with_context(|| format!("không đọc được tệp khóa {}", p.display()))?,
        None => std::env::var("MOTCUA_BACKUP_KEY").context(
            "cần khóa sao lưu: --key-file hoặc MOTCUA_BACKUP_KEY (a backup key is needed)",
        )?,
    };
    Ok(key.trim_end_matches(['\n', '\r']).to_owned())
}

fn sqlite_path(url: &str) -> Option<PathBuf> {
    let rest = url.strip_prefix("sqlite:")?;
    let path = rest.trim_start_matches("//");
    Some(PathBuf::from(path.split('?').next().unwrap_or(path)))
}

/// Every stored scan: `<dir>/<2 hex>/<digest>`.
fn scans(dir: &Path) -> Result<Vec<(String, PathBuf)>> {
    let mut out = Vec::new();
    if !dir.exists() {
        return Ok(out);
    }
    for shard in std::fs::read_dir(dir)? {
        let shard = shard?.path();
        if !shard.is_dir() {
            continue;
        }
        for file in std::fs::read_dir(&shard)? {
            let path = file?.path();
            let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
            if name.len() == 64 && name.bytes().all(|b| b.is_ascii_hexdigit()) {
                out.push((name.to_owned(), path));
            }
        }
    }
    out.sort();
    Ok(out)
}

fn run_tool(program: &str, args: &[&str]) -> Result<()> {
    let status = std::process::Command::new(program)
        .args(args)
        .status()
        .with_context(|| format!("không chạy được {program} (cài postgresql-client)"))?;
    if !status.success() {
        bail!("{program} thất bại ({status})");
    }
    Ok(())
}

pub async fn backup(ctx: &Ctx, args: BackupArgs) -> Result<()> {
    let started = Instant::now();
    let key = passphrase(args.key_file.as_deref())?;
    let db = open_db(&ctx.database_url).await?;
    // The chains are checked first: a backup of a database that does not verify says so.
    let audit = db.verify_audit().await?;
    if !audit.broken.is_empty() {
        bail!(
            "verify-audit tìm thấy {} chuỗi hỏng; sửa trước khi sao lưu",
            audit.broken.len()
        );
    }
    let tmp = tempfile_in(&args.out)?;
    let (db_entry, dump) = match sqlite_path(&ctx.database_url) {
        Some(_) => {
            let path = tmp.join("database.sqlite");
            db.snapshot_sqlite(&path).await?;
            ("database.sqlite", path)
        }
        None => {
            let path = tmp.join("database.pgdump");
            let out = path.to_string_lossy().into_owned();
            run_tool(
                "pg_dump",
                &[
                    "--format=custom",
                    "--no-owner",
                    "--no-privileges",
                    "--file",
                    &out,
                    &ctx.database_url,
                ],
            )?;
            ("database.pgdump", path)
        }
    };
    db.close().await;
    let files = scans(&args.files_dir)?;
    let manifest = serde_json::json!({
        "format": 1,
        "created_at": crate::clock::SystemClock.now(),
        "database": db_entry,
        "source": redact(&ctx.database_url),
        "dossiers": audit.dossiers,
        "events": audit.events,
        "files": files.len(),
    });
    let out = std::fs::File::create(&args.out)
        .with_context(|| format!("không tạo được {}", args.out.display()))?;
    let mut sealer = Sealer::new(std::io::BufWriter::new(out), &key)?;
    let text = serde_json::to_vec_pretty(&manifest)?;
    sealer.entry("manifest.json", text.len() as u64, text.as_slice())?;
    let size = std::fs::metadata(&dump)?.len();
    sealer.entry(db_entry, size, std::fs::File::open(&dump)?)?;
    for (digest, path) in &files {
        let size = std::fs::metadata(path)?.len();
        sealer.entry(&format!("files/{digest}"), size, std::fs::File::open(path)?)?;
    }
    sealer.finish()?;
    std::fs::remove_dir_all(&tmp).ok();
    let seconds = started.elapsed().as_secs_f64();
    let bytes = std::fs::metadata(&args.out)?.len();
    if ctx.json {
        let mut m = manifest;
        if let Some(o) = m.as_object_mut() {
            o.insert("seconds".into(), seconds.into());
            o.insert("bytes".into(), bytes.into());
        }
        return ctx.print_json(&m);
    }
    ctx.print(&format!(
        "{} {}: {} {}, {} {}, {} {} ({} MB, {seconds:.1} s)",
        ctx.pick("Đã sao lưu vào", "Backed up to"),
        args.out.display(),
        audit.dossiers,
        ctx.pick("hồ sơ", "dossiers"),
        audit.events,
        ctx.pick("sự kiện", "events"),
        files.len(),
        ctx.pick("tệp", "files"),
        bytes / 1_000_000
    ))
}

/// A working folder beside `near` (same disk, so a large dump is not copied across).
fn tempfile_in(near: &Path) -> Result<PathBuf> {
    let parent = near
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let dir = parent.join(format!(".motcua-backup-{}", uuid::Uuid::new_v4()));
    std::fs::create_dir_all(&dir)?;
    Ok(dir)
}

pub async fn restore(ctx: &Ctx, args: RestoreArgs) -> Result<()> {
    let started = Instant::now();
    let key = passphrase(args.key_file.as_deref())?;
    // Into an empty place only: a restore never overwrites a database or scans in use.
    let target_sqlite = sqlite_path(&ctx.database_url);
    if let Some(path) = &target_sqlite
        && path.exists()
    {
        bail!(
            "{} đã tồn tại; khôi phục vào một nơi trống (restore into an empty place)",
            path.display()
        );
    }
    if args.files_dir.exists() && std::fs::read_dir(&args.files_dir)?.next().is_some() {
        bail!("thư mục {} không trống", args.files_dir.display());
    }
    let file = std::fs::File::open(&args.from)
        .with_context(|| format!("không mở được {}", args.from.display()))?;
    let mut opener = Opener::new(std::io::BufReader::new(file), &key)?;
    let Some((first, size)) = opener.next_entry()? else {
        bail!("bản sao lưu rỗng");
    };
    if first != "manifest.json" {
        bail!("bản sao lưu thiếu bản kê (manifest)");
    }
    let mut text = Vec::new();
    opener.copy_entry(size, &mut text)?;
    let manifest: serde_json::Value = serde_json::from_slice(&text)?;
    let tmp = tempfile_in(&args.from)?;
    let mut files = 0usize;
    let mut bad_files = Vec::new();
    while let Some((name, size)) = opener.next_entry()? {
        if let Some(digest) = name.strip_prefix("files/") {
            let valid = digest.len() == 64 && digest.bytes().all(|b| b.is_ascii_hexdigit());
            if !valid {
                bail!("tên tệp lạ trong bản sao lưu: {name}");
            }
            let dir = args.files_dir.join(&digest[..2]);
            std::fs::create_dir_all(&dir)?;
            let mut bytes = Vec::new();
            opener.copy_entry(size, &mut bytes)?;
            let actual: String = Sha256::digest(&bytes)
                .iter()
                .map(|b| format!("{b:02x}"))
                .collect();
            if actual != digest {
                bad_files.push(digest.to_owned());
            }
            std::fs::write(dir.join(digest), bytes)?;
            files += 1;
        } else if name == "database.sqlite" || name == "database.pgdump" {
            let path = tmp.join(&name);
            opener.copy_entry(size, std::fs::File::create(&path)?)?;
        } else {
            bail!("mục lạ trong bản sao lưu: {name}");
        }
    }
    if !opener.complete() {
        bail!("bản sao lưu bị cắt cụt (truncated)");
    }
    match (
        &target_sqlite,
        manifest.get("database").and_then(|v| v.as_str()),
    ) {
        (Some(path), Some("database.sqlite")) => {
            std::fs::rename(tmp.join("database.sqlite"), path)
                .or_else(|_| std::fs::copy(tmp.join("database.sqlite"), path).map(|_| ()))?;
        }
        (None, Some("database.pgdump")) => {
            let dump = tmp.join("database.pgdump").to_string_lossy().into_owned();
            run_tool(
                "pg_restore",
                &[
                    "--no-owner",
                    "--no-privileges",
                    "--exit-on-error",
                    "--dbname",
                    &ctx.database_url,
                    &dump,
                ],
            )?;
        }
        (_, other) => bail!(
            "bản sao lưu chứa {} nhưng nơi khôi phục là {}",
            other.unwrap_or("?"),
            redact(&ctx.database_url)
        ),
    }
    std::fs::remove_dir_all(&tmp).ok();
    // The drill: the restored database verifies and holds what was backed up.
    let db = open_db(&ctx.database_url).await?;
    // pg_restore leaves no planner statistics: without them PostgreSQL reads every event for
    // each page of the check (at 1M dossiers, hours instead of minutes).
    db.refresh_statistics().await?;
    let audit = db.verify_audit().await?;
    db.close().await;
    let count = |k: &str| manifest.get(k).and_then(|v| v.as_u64()).unwrap_or(u64::MAX);
    let expected = (count("dossiers"), count("events"), count("files"));
    let got = (audit.dossiers as u64, audit.events as u64, files as u64);
    let seconds = started.elapsed().as_secs_f64();
    let ok = audit.broken.is_empty() && bad_files.is_empty() && expected == got;
    if ctx.json {
        ctx.print_json(&serde_json::json!({
            "dossiers": got.0, "events": got.1, "files": got.2,
            "expected": {"dossiers": expected.0, "events": expected.1, "files": expected.2},
            "audit_broken": audit.broken.len(), "files_altered": bad_files,
            "seconds": seconds, "ok": ok,
        }))?;
    } else {
        ctx.print(&format!(
            "{}: {} {}, {} {}, {} {}; verify-audit {}; {seconds:.1} s",
            ctx.pick("Đã khôi phục", "Restored"),
            got.0,
            ctx.pick("hồ sơ", "dossiers"),
            got.1,
            ctx.pick("sự kiện", "events"),
            got.2,
            ctx.pick("tệp", "files"),
            if audit.broken.is_empty() {
                ctx.pick("toàn vẹn", "intact")
            } else {
                ctx.pick("HỎNG", "BROKEN")
            },
        ))?;
    }
    if !ok {
        bail!(
            "khôi phục không khớp bản sao lưu: mong đợi {expected:?} (hồ sơ, sự kiện, tệp), có {got:?}; {} chuỗi hỏng; {} tệp sai nội dung",
            audit.broken.len(),
            bad_files.len()
        );
    }
    Ok(())
}
