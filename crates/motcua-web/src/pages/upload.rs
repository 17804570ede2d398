//! Reading a multipart form whole: its text fields and its files, before anything is checked
//! or stored — so a form whose session ended, or whose CSRF token is wrong, stores nothing.

use std::collections::HashMap;

use axum::extract::Multipart;

use motcua_core::limits;

use crate::ApiError;

/// A file sent with a form.
pub struct UploadedFile {
    /// The form field it came in.
    pub field: String,
    /// The name the sender gave it (never trusted for its kind).
    pub name: String,
    /// Its bytes.
    pub bytes: Vec<u8>,
}

/// A multipart form: text fields by name, and the non-empty files in order.
pub struct Upload {
    /// Text fields.
    pub values: HashMap<String, String>,
    /// Files (a file input left empty is left out).
    pub files: Vec<UploadedFile>,
}

/// No form has more text fields than this, a field name longer than 64 characters, or a
/// text longer than the longest field's limit: such a part is refused before anything is
/// kept. Each field's own limit is the form's to check, to mark the field.
const MAX_FIELDS: usize = 400;
const MAX_NAME: usize = 64;

fn check_text(name: &str, text: &str, fields: usize) -> Result<(), ApiError> {
    if fields >= MAX_FIELDS || name.chars().count() > MAX_NAME || limits::has_forbidden(name) {
        return Err(ApiError::Invalid("biểu mẫu có trường không hợp lệ".into()));
    }
    if limits::has_forbidden(text) {
        return Err(ApiError::Invalid(
            "biểu mẫu chứa ký tự điều khiển (như NUL), không được phép".into(),
        ));
    }
    if text.chars().count() > limits::REASON.max {
        return Err(ApiError::Invalid(format!(
            "một trường của biểu mẫu dài quá {} ký tự",
            limits::REASON.max
        )));
    }
    Ok(())
}

/// Reads every part; a part with a file name is a file, the others text.
pub async fn read(mut multipart: Multipart) -> Result<Upload, ApiError> {
    let mut values = HashMap::new();
    let mut files = Vec::new();
    while let Some(field) = multipart
        .next_field()
        .await
        .map_err(|e| ApiError::Invalid(format!("biểu mẫu không hợp lệ: {e}")))?
    {
        let name = field.name().unwrap_or_default().to_owned();
        if let Some(file_name) = field.file_name().map(str::to_owned) {
            let bytes = field
                .bytes()
                .await
                .map_err(|e| ApiError::Invalid(format!("không đọc được tệp: {e}")))?;
            if !bytes.is_empty() {
                files.push(UploadedFile {
                    field: name,
                    name: file_name,
                    bytes: bytes.to_vec(),
                });
            }
        } else {
            let text = field
                .text()
                .await
                .map_err(|e| ApiError::Invalid(format!("biểu mẫu không hợp lệ: {e}")))?;
            check_text(&name, &text, values.len())?;
            values.insert(name, text);
        }
    }
    Ok(Upload { values, files })
}

/// A form with one file field: the file's bytes, if one was chosen, and the text fields.
pub async fn read_one(
    multipart: Multipart,
    field: &str,
) -> Result<(Option<Vec<u8>>, HashMap<String, String>), ApiError> {
    let form = read(multipart).await?;
    let file = form
        .files
        .into_iter()
        .find(|f| f.field == field)
        .map(|f| f.bytes);
    Ok((file, form.values))
}
