//! `motcua accounts …`: the staff accounts an administrator manages, from the command line
//! (the same use cases as the administration pages; the log names the operating-system user).

use anyhow::{Result, anyhow};
use clap::Subcommand;
use motcua_app::{App, NewStaff};
use motcua_core::catalog::Role;
use motcua_core::dossier::{Actor, ActorKind};
use serde_json::json;

use super::{Ctx, open_db};
use crate::clock::SystemClock;

#[derive(Debug, Subcommand)]
pub enum AccountsAction {
    /// Create a staff account; prints its one-time password.
    Create {
        /// Sign-in name.
        username: String,
        /// Full name.
        #[arg(long)]
        name: String,
        /// desk_officer, specialist, leader, supervisor or administrator.
        #[arg(long)]
        role: String,
        /// An agency it works for (repeat for several).
        #[arg(long = "unit")]
        units: Vec<String>,
    },
    /// List the province's accounts.
    List,
    /// Stop an account from signing in (its sessions end).
    Disable {
        /// Sign-in name.
        username: String,
    },
    /// Let a disabled account sign in again.
    Enable {
        /// Sign-in name.
        username: String,
    },
    /// Clear a lockout after failed sign-ins.
    Unlock {
        /// Sign-in name.
        username: String,
    },
    /// Give a new one-time password (its owner sets their own at sign-in).
    ResetPassword {
        /// Sign-in name.
        username: String,
    },
    /// Remove the second factor of someone who lost their device.
    ResetMfa {
        /// Sign-in name.
        username: String,
    },
    /// Make an API token for an external system; prints it once.
    TokenCreate {
        /// The system's name.
        name: String,
        /// The role it acts with.
        #[arg(long)]
        role: String,
        /// An agency it may act for (repeat for several).
        #[arg(long = "unit")]
        units: Vec<String>,
    },
    /// List the API tokens.
    Tokens,
    /// Revoke an API token.
    TokenRevoke {
        /// The token's id.
        id: uuid::Uuid,
    },
}

/// Whoever runs the command line on the server acts as an administrator; the log names them.
pub(super) fn operator() -> Actor {
    let user = std::env::var("SUDO_USER")
        .or_else(|_| std::env::var("USER"))
        .unwrap_or_else(|_| "unknown".into());
    Actor {
        id: format!("cli:{user}"),
        name: format!("{user} (dòng lệnh)"),
        kind: ActorKind::Staff(Role::Administrator),
    }
}

pub async fn run(ctx: &Ctx, action: AccountsAction) -> Result<()> {
    let db = open_db(&ctx.database_url).await?;
    let app = App::new(
        db.clone(),
        ctx.calendar_data().await?,
        std::sync::Arc::new(SystemClock),
    );
    let by = operator();
    let result = match action {
        AccountsAction::Create {
            username,
            name,
            role,
            units,
        } => {
            let role = Role::parse(&role).ok_or_else(|| anyhow!("không có vai trò {role}"))?;
            let issued = app
                .create_staff(
                    &by,
                    NewStaff {
                        username,
                        full_name: name,
                        role,
                        units,
                    },
                )
                .await?;
            say(
                ctx,
                &format!(
                    "Đã tạo tài khoản {}. Mật khẩu dùng một lần (chỉ hiện lần này): {}",
                    issued.username, issued.one_time_password
                ),
                &format!(
                    "Account {} created. One-time password (shown once): {}",
                    issued.username, issued.one_time_password
                ),
                json!({"username": issued.username, "one_time_password": issued.one_time_password}),
            )
        }
        AccountsAction::List => {
            let province = initialised(&app).await?;
            let accounts = db.all_accounts(&province).await?;
            if ctx.json {
                let list: Vec<_> = accounts
                    .iter()
                    .map(|a| {
                        json!({"username": a.username, "role": a.role, "full_name": a.full_name,
                               "units": a.units.0, "active": a.active})
                    })
                    .collect();
                ctx.print_json(&json!(list))
            } else {
                let disabled = ctx.pick("  [đã khóa]", "  [disabled]");
                let lines: Vec<String> = accounts
                    .into_iter()
                    .map(|a| {
                        format!(
                            "{:<16} {:<14} {:<28} {}{}",
                            a.username,
                            a.role,
                            a.full_name,
                            a.units.0.join(", "),
                            if a.active { "" } else { disabled }
                        )
                    })
                    .collect();
                ctx.print(&lines.join("\n"))
            }
        }
        AccountsAction::Disable { username } => {
            app.set_staff_active(&by, &username, false).await?;
            done(
                ctx,
                ("Đã khóa tài khoản", "Account disabled"),
                "disable",
                &username,
            )
        }
        AccountsAction::Enable { username } => {
            app.set_staff_active(&by, &username, true).await?;
            done(
                ctx,
                ("Đã mở lại tài khoản", "Account enabled"),
                "enable",
                &username,
            )
        }
        AccountsAction::Unlock { username } => {
            app.unlock_staff(&by, &username).await?;
            done(
                ctx,
                ("Đã mở khóa đăng nhập", "Sign-in unlocked"),
                "unlock",
                &username,
            )
        }
        AccountsAction::ResetPassword { username } => {
            let issued = app.reset_staff_password(&by, &username).await?;
            say(
                ctx,
                &format!(
                    "Mật khẩu dùng một lần mới của {} (chỉ hiện lần này): {}",
                    issued.username, issued.one_time_password
                ),
                &format!(
                    "New one-time password of {} (shown once): {}",
                    issued.username, issued.one_time_password
                ),
                json!({"username": issued.username, "one_time_password": issued.one_time_password}),
            )
        }
        AccountsAction::TokenCreate { name, role, units } => {
            let role = Role::parse(&role).ok_or_else(|| anyhow!("không có vai trò {role}"))?;
            let (id, token) = app.create_api_token(&by, &name, role, units).await?;
            say(
                ctx,
                &format!("Mã truy cập {id} cho {name} (chỉ hiện lần này): {token}"),
                &format!("API token {id} for {name} (shown once): {token}"),
                json!({"id": id, "name": name, "token": token}),
            )
        }
        AccountsAction::Tokens => {
            let province = initialised(&app).await?;
            let tokens = db.api_tokens(&province).await?;
            if ctx.json {
                let list: Vec<_> = tokens
                    .iter()
                    .map(|t| {
                        json!({"id": t.id, "name": t.name, "role": t.role, "units": t.units.0,
                               "created_at": t.created_at, "revoked_at": t.revoked_at})
                    })
                    .collect();
                ctx.print_json(&json!(list))
            } else {
                let revoked = ctx.pick("  [đã thu hồi]", "  [revoked]");
                let lines: Vec<String> = tokens
                    .into_iter()
                    .map(|t| {
                        format!(
                            "{}  {:<24} {:<14} {}{}",
                            t.id,
                            t.name,
                            t.role,
                            t.units.0.join(", "),
                            if t.revoked_at.is_some() { revoked } else { "" }
                        )
                    })
                    .collect();
                ctx.print(&lines.join("\n"))
            }
        }
        AccountsAction::TokenRevoke { id } => {
            app.revoke_api_token(&by, id).await?;
            done(
                ctx,
                ("Đã thu hồi mã truy cập", "API token revoked"),
                "revoke",
                &id.to_string(),
            )
        }
        AccountsAction::ResetMfa { username } => {
            app.reset_staff_mfa(&by, &username).await?;
            done(
                ctx,
                ("Đã gỡ xác thực hai lớp", "Second factor removed"),
                "reset-mfa",
                &username,
            )
        }
    };
    db.close().await;
    result
}

/// The province's code, or why there is none.
async fn initialised(app: &App) -> Result<String> {
    Ok(app
        .province()
        .await?
        .ok_or_else(|| anyhow!("hệ thống chưa được khởi tạo (motcua init)"))?
        .code)
}

/// Prints what was done: a sentence in the asked language, or JSON with `--json`.
fn say(ctx: &Ctx, vi: &str, en: &str, json: serde_json::Value) -> Result<()> {
    if ctx.json {
        ctx.print_json(&json)
    } else {
        ctx.print(ctx.pick(vi, en))
    }
}

/// An action on one account or token.
fn done(ctx: &Ctx, (vi, en): (&str, &str), action: &str, who: &str) -> Result<()> {
    say(
        ctx,
        &format!("{vi}: {who}"),
        &format!("{en}: {who}"),
        json!({"done": action, "object": who}),
    )
}
