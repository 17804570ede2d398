//! Reading a multipart form whole: its text fields and its files, before anything is checked
//! or stored — so a form whose session ended, or whose CSRF token is wrong, stores nothing.

use std::collections::HashMap;

use axum::extract::Multipart;

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
            values.insert(name, text);
        }
    }
    Ok(Upload { values, files })
}
