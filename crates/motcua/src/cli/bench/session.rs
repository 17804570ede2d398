//! A staff session for the load generator: signed in over the API like any officer, its cookie
//! and CSRF token sent with every request.

use anyhow::{Context as _, Result};

use crate::demo;

/// A signed-in officer.
pub struct Session {
    pub cookie: String,
    csrf: String,
}

/// Signs a demo officer in.
pub async fn sign_in(http: &reqwest::Client, base_url: &str, username: &str) -> Result<Session> {
    let answer = http
        .post(format!("{base_url}/api/v1/session"))
        .json(&serde_json::json!({"username": username, "password": demo::DEMO_PASSWORD}))
        .send()
        .await?;
    let cookie = answer
        .headers()
        .get(reqwest::header::SET_COOKIE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .map(str::to_owned)
        .with_context(|| format!("đăng nhập {username} không thành công"))?;
    let body: serde_json::Value = answer.json().await?;
    let csrf = body
        .get("csrf_token")
        .and_then(serde_json::Value::as_str)
        .unwrap_or_default()
        .to_owned();
    Ok(Session { cookie, csrf })
}

impl Session {
    /// POSTs JSON; the answer's JSON, or the status and problem text.
    pub async fn post_or_problem(
        &self,
        http: &reqwest::Client,
        url: &str,
        body: &serde_json::Value,
    ) -> Result<serde_json::Value, String> {
        let answer = http
            .post(url)
            .header(reqwest::header::COOKIE, &self.cookie)
            .header("x-csrf-token", &self.csrf)
            .json(body)
            .send()
            .await
            .map_err(|e| e.to_string())?;
        let status = answer.status();
        let text = answer.text().await.map_err(|e| e.to_string())?;
        if !status.is_success() {
            return Err(format!("{url}: {status} {text}"));
        }
        serde_json::from_str(&text).map_err(|e| e.to_string())
    }

    /// POSTs JSON; the answer's JSON when it succeeded.
    pub async fn post(
        &self,
        http: &reqwest::Client,
        url: &str,
        body: &serde_json::Value,
    ) -> Option<serde_json::Value> {
        let answer = http
            .post(url)
            .header(reqwest::header::COOKIE, &self.cookie)
            .header("x-csrf-token", &self.csrf)
            .json(body)
            .send()
            .await
            .ok()?;
        if !answer.status().is_success() {
            return None;
        }
        answer.json().await.ok()
    }
}
