//! What every request and response passes through at the edge, whatever the route: text that
//! no field accepts (NUL and other control characters, in the address or in a form or JSON
//! body) is refused before any handler or the database sees it, and every response carries
//! the security headers.

use axum::body::{Body, to_bytes};
use axum::extract::{Request, State};
use axum::http::{HeaderName, HeaderValue, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use crate::pages::PageError;
use crate::{ApiError, AppState};

/// Form and JSON bodies larger than this are refused here (uploads are multipart and have
/// their own limits per route).
const MAX_TEXT_BODY: usize = 16 * 1024 * 1024;

/// Refuses a request whose address or text body holds a control character.
pub(crate) async fn refuse_controls(request: Request, next: Next) -> Response {
    let api = request.uri().path().starts_with("/api/");
    let refuse = |why: &str| -> Response {
        let e = ApiError::Invalid(why.to_owned());
        if api {
            e.into_response()
        } else {
            PageError::Api(e).into_response()
        }
    };
    let uri = request.uri();
    if has_encoded_control(uri.path().as_bytes())
        || uri
            .query()
            .is_some_and(|q| has_encoded_control(q.as_bytes()))
    {
        return refuse("địa chỉ yêu cầu chứa ký tự điều khiển (như NUL), không được phép");
    }
    let kind = request
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_ascii_lowercase();
    let form = kind.starts_with("application/x-www-form-urlencoded");
    let json = kind.starts_with("application/json") || kind.ends_with("+json");
    if !form && !json {
        return next.run(request).await;
    }
    let (parts, body) = request.into_parts();
    let Ok(bytes) = to_bytes(body, MAX_TEXT_BODY).await else {
        return refuse("nội dung yêu cầu quá lớn hoặc bị ngắt giữa chừng");
    };
    let bad = if form {
        has_encoded_control(&bytes)
    } else {
        has_json_control(&bytes)
    };
    if bad {
        return refuse("nội dung chứa ký tự điều khiển (như NUL), không được phép");
    }
    next.run(Request::from_parts(parts, Body::from(bytes)))
        .await
}

/// Answers of the API that the framework wrote itself (a body or parameter its extractors
/// could not read: 400, 413, 415, 422, 405) become problem documents like every other error,
/// keeping their status and their text as the detail.
pub(crate) async fn problem_documents(request: Request, next: Next) -> Response {
    let api = request.uri().path().starts_with("/api/");
    let response = next.run(request).await;
    let status = response.status();
    let plain = response
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_none_or(|t| t.starts_with("text/plain"));
    if !api || !plain || !(status.is_client_error() || status.is_server_error()) {
        return response;
    }
    let (parts, body) = response.into_parts();
    let detail = to_bytes(body, 64 * 1024)
        .await
        .map(|b| String::from_utf8_lossy(&b).into_owned())
        .unwrap_or_default();
    let title = match status.as_u16() {
        413 => "Nội dung quá lớn",
        415 => "Kiểu nội dung không được hỗ trợ",
        405 => "Phương thức không được hỗ trợ",
        _ => "Yêu cầu không đọc được",
    };
    let body = serde_json::json!({
        "type": format!("https://motcua.vn/problems/http-{}", status.as_u16()),
        "title": title,
        "status": status.as_u16(),
        "detail": detail,
    });
    let mut response = Response::from_parts(parts, Body::from(body.to_string()));
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/problem+json"),
    );
    response.headers_mut().remove(header::CONTENT_LENGTH);
    response
}

/// `%00`–`%1F` (but tab and line breaks) and `%7F` in percent-encoded text.
fn has_encoded_control(text: &[u8]) -> bool {
    text.windows(3).any(|w| match w {
        [b'%', h, l] => encoded_control(*h, *l),
        _ => false,
    }) || text.iter().any(|b| refused_byte(*b))
}

/// A `\u00XX` escape of a control character, or a raw one, in JSON text.
fn has_json_control(text: &[u8]) -> bool {
    text.windows(6).any(|w| match w {
        [b'\\', b'u', b'0', b'0', h, l] => encoded_control(*h, *l),
        _ => false,
    }) || text.iter().any(|b| refused_byte(*b))
}

fn encoded_control(h: u8, l: u8) -> bool {
    matches!((hex(h), hex(l)), (Some(h), Some(l)) if refused_byte(h << 4 | l))
}

fn refused_byte(b: u8) -> bool {
    (b < 0x20 && !matches!(b, b'\t' | b'\n' | b'\r')) || b == 0x7F
}

fn hex(b: u8) -> Option<u8> {
    (b as char).to_digit(16).and_then(|d| u8::try_from(d).ok())
}

/// The policy for pages: scripts only from this origin (no inline handlers), nothing framed,
/// no plugins. Inline `style` attributes are allowed (they carry no script).
const PAGE_POLICY: &str = "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; object-src 'none'; base-uri 'none'; frame-ancestors 'none'";

/// Files people uploaded or that were issued: shown, never run, even if a browser is asked to
/// treat one as a page.
const FILE_POLICY: &str = "default-src 'none'; style-src 'unsafe-inline'; sandbox";

/// Sets the security headers on every response.
pub(crate) async fn security_headers(
    State(state): State<AppState>,
    request: Request,
    next: Next,
) -> Response {
    let path = request.uri().path().to_owned();
    let mut response = next.run(request).await;
    let h = response.headers_mut();
    let set = |h: &mut axum::http::HeaderMap, name: HeaderName, value: &'static str| {
        h.entry(name).or_insert(HeaderValue::from_static(value));
    };
    let is_page = h
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|t| t.starts_with("text/html"));
    let policy = if is_page || path.starts_with("/api/") || path.starts_with("/static/") {
        PAGE_POLICY
    } else {
        FILE_POLICY
    };
    set(h, header::CONTENT_SECURITY_POLICY, policy);
    set(h, header::X_CONTENT_TYPE_OPTIONS, "nosniff");
    set(h, header::X_FRAME_OPTIONS, "DENY");
    set(h, header::REFERRER_POLICY, "same-origin");
    // Pages and downloads may carry personal data: no shared or browser cache keeps them.
    // The few public answers that may be kept say so themselves.
    if !path.starts_with("/static/") {
        set(h, header::CACHE_CONTROL, "no-store");
    }
    if state.public_url.starts_with("https://") {
        set(
            h,
            header::STRICT_TRANSPORT_SECURITY,
            "max-age=31536000; includeSubDomains",
        );
    }
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn controls_are_found_encoded_and_raw_but_line_breaks_pass() {
        assert!(has_encoded_control(b"abc%00def"));
        assert!(has_encoded_control(b"name=a%1fb"));
        assert!(has_encoded_control(b"a%7Fb"));
        assert!(!has_encoded_control(
            b"reason=d%C3%B2ng+1%0D%0Ad%C3%B2ng+2%09"
        ));
        assert!(!has_encoded_control(b"100%25"));
        assert!(has_json_control(br#"{"username":"a\u0000b"}"#));
        assert!(has_json_control(br#"{"x":"\u001B"}"#));
        assert!(!has_json_control(br#"{"x":"\u000a\u0041"}"#));
        assert!(has_json_control(b"{\"x\":\"a\x01\"}"));
    }
}
