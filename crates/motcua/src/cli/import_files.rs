//! The files an export's records name (`TepTin` in `DanhSachGiayToNop`): read from the folder
//! given with `--documents`, checked and stored like a scan made at the desk (size, content,
//! the virus scanner), their keys handed to the import with the record. A file that cannot be
//! read, lies outside the folder or is not a PDF, JPEG or PNG refuses its record, naming the
//! field; a dry run checks without storing.

use std::path::{Component, Path};

use motcua_app::ImportRecord;
use motcua_core::import::Problem;
use motcua_web::files::{FileStore, MAX_BYTES};

/// Reads, checks and (unless `dry_run`) stores each file `records` name.
pub async fn attach(
    records: &mut [ImportRecord],
    dir: Option<&Path>,
    store: &FileStore,
    dry_run: bool,
) {
    for r in records.iter_mut() {
        let named: Vec<(usize, String)> = r
            .value
            .get("DanhSachGiayToNop")
            .and_then(serde_json::Value::as_array)
            .map(|docs| {
                docs.iter()
                    .enumerate()
                    .filter_map(|(i, d)| Some((i, d.get("TepTin")?.as_str()?.trim().to_owned())))
                    .filter(|(_, path)| !path.is_empty())
                    .collect()
            })
            .unwrap_or_default();
        for (i, path) in named {
            if r.files.contains_key(&path) {
                continue;
            }
            match read(dir, &path, store, dry_run).await {
                Ok(key) => {
                    r.files.insert(path, key);
                }
                Err(reason) => r.problems.push(Problem {
                    field: format!("DanhSachGiayToNop[{i}].TepTin"),
                    reason,
                }),
            }
        }
    }
}

async fn read(
    dir: Option<&Path>,
    path: &str,
    store: &FileStore,
    dry_run: bool,
) -> Result<String, String> {
    let Some(dir) = dir else {
        return Err(format!(
            "bản ghi có tệp đính kèm {path}: cần --documents THƯ_MỤC chứa các tệp"
        ));
    };
    let relative = Path::new(path);
    // Only a path below the folder: an export must not make the import read anything else.
    if path.chars().count() > motcua_core::limits::FILE_PATH.max
        || relative
            .components()
            .any(|c| !matches!(c, Component::Normal(_)))
    {
        return Err(format!(
            "đường dẫn {path} phải là đường dẫn tương đối nằm trong thư mục tệp đính kèm"
        ));
    }
    let full = dir.join(relative);
    let size = tokio::fs::metadata(&full)
        .await
        .map_err(|e| format!("không đọc được tệp {path}: {e}"))?
        .len();
    if usize::try_from(size).map_or(true, |s| s > MAX_BYTES) {
        return Err(format!(
            "tệp {path} quá lớn (tối đa {} MB)",
            MAX_BYTES / 1024 / 1024
        ));
    }
    let bytes = tokio::fs::read(&full)
        .await
        .map_err(|e| format!("không đọc được tệp {path}: {e}"))?;
    if dry_run {
        store
            .check(&bytes)
            .await
            .map_err(|e| format!("tệp {path}: {e}"))?;
        return Ok(String::new());
    }
    store
        .put(&bytes)
        .await
        .map_err(|e| format!("tệp {path}: {e}"))
}
