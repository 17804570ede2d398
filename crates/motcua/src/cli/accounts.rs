//! `motcua accounts …`: the staff accounts an administrator manages, from the command line
//! (the same use cases as the administration pages; the log names the operating-system user).

use anyhow::{Result, anyhow};
use clap::Subcommand;
use motcua_app::{App, NewStaff};
use motcua_core::catalog::Role;
use motcua_core::dossier::{Actor, ActorKind};

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
    let done = |what: &str, who: &str| ctx.print(&format!("{what}: {who}"));
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
            ctx.print(&format!(
                "Đã tạo tài khoản {}. Mật khẩu dùng một lần (chỉ hiện lần này): {}",
                issued.username, issued.one_time_password
            ))
        }
        AccountsAction::List => {
            let province = app
                .province()
                .await?
                .ok_or_else(|| anyhow!("hệ thống chưa được khởi tạo (motcua init)"))?;
            let lines: Vec<String> = db
                .all_accounts(&province.code)
                .await?
                .into_iter()
                .map(|a| {
                    format!(
                        "{:<16} {:<14} {:<28} {}{}",
                        a.username,
                        a.role,
                        a.full_name,
                        a.units.0.join(", "),
                        if a.active { "" } else { "  [đã khóa]" }
                    )
                })
                .collect();
            ctx.print(&lines.join("\n"))
        }
        AccountsAction::Disable { username } => {
            app.set_staff_active(&by, &username, false).await?;
            done("Đã khóa tài khoản", &username)
        }
        AccountsAction::Enable { username } => {
            app.set_staff_active(&by, &username, true).await?;
            done("Đã mở lại tài khoản", &username)
        }
        AccountsAction::Unlock { username } => {
            app.unlock_staff(&by, &username).await?;
            done("Đã mở khóa đăng nhập", &username)
        }
        AccountsAction::ResetPassword { username } => {
            let issued = app.reset_staff_password(&by, &username).await?;
            ctx.print(&format!(
                "Mật khẩu dùng một lần mới của {} (chỉ hiện lần này): {}",
                issued.username, issued.one_time_password
            ))
        }
        AccountsAction::TokenCreate { name, role, units } => {
            let role = Role::parse(&role).ok_or_else(|| anyhow!("không có vai trò {role}"))?;
            let (id, token) = app.create_api_token(&by, &name, role, units).await?;
            ctx.print(&format!(
                "Mã truy cập {id} cho {name} (chỉ hiện lần này): {token}"
            ))
        }
        AccountsAction::Tokens => {
            let province = app
                .province()
                .await?
                .ok_or_else(|| anyhow!("hệ thống chưa được khởi tạo (motcua init)"))?;
            let lines: Vec<String> = db
                .api_tokens(&province.code)
                .await?
                .into_iter()
                .map(|t| {
                    format!(
                        "{}  {:<24} {:<14} {}{}",
                        t.id,
                        t.name,
                        t.role,
                        t.units.0.join(", "),
                        if t.revoked_at.is_some() {
                            "  [đã thu hồi]"
                        } else {
                            ""
                        }
                    )
                })
                .collect();
            ctx.print(&lines.join("\n"))
        }
        AccountsAction::TokenRevoke { id } => {
            app.revoke_api_token(&by, id).await?;
            done("Đã thu hồi mã truy cập", &id.to_string())
        }
        AccountsAction::ResetMfa { username } => {
            app.reset_staff_mfa(&by, &username).await?;
            done("Đã gỡ xác thực hai lớp", &username)
        }
    };
    db.close().await;
    result
}
