//! What a staff member does to their own account: set their password (after a one-time one),
//! enrol a second factor (TOTP with recovery codes), and pass it at sign-in. Administrators and
//! supervisors must have a second factor; the others may.

use motcua_core::catalog::Role;
use motcua_store::{Account, AdminChange, AdminEntry};
use serde_json::json;
use uuid::Uuid;

use crate::secrets::{
    hash_password, recovery_codes, recovery_hash, totp_match, totp_secret, verify_password,
};
use crate::{App, AppError};

/// Roles that must sign in with a second factor.
pub fn second_factor_required(role: &str) -> bool {
    matches!(
        Role::parse(role),
        Some(Role::Administrator | Role::Supervisor)
    )
}

/// The rules a new password meets (said in Vietnamese).
pub fn check_new_password(username: &str, password: &str) -> Result<(), AppError> {
    let n = password.chars().count();
    if n < 10 {
        return Err(AppError::Invalid(
            "mật khẩu mới phải có ít nhất 10 ký tự".into(),
        ));
    }
    if n > 128 {
        return Err(AppError::Invalid("mật khẩu tối đa 128 ký tự".into()));
    }
    if password.to_lowercase().contains(&username.to_lowercase()) {
        return Err(AppError::Invalid(
            "mật khẩu không được chứa tên đăng nhập".into(),
        ));
    }
    Ok(())
}

fn own(
    a: &Account,
    action: &str,
    before: serde_json::Value,
    after: serde_json::Value,
) -> AdminEntry {
    AdminEntry {
        actor_id: a.id.to_string(),
        actor_name: a.full_name.clone(),
        action: action.into(),
        object: a.username.clone(),
        before,
        after,
    }
}

impl App {
    async fn account_by_id(&self, id: Uuid) -> Result<Account, AppError> {
        self.db()
            .account(id)
            .await?
            .ok_or_else(|| AppError::NotFound("không có tài khoản".into()))
    }

    /// Replaces the account's password (the current one proves it is its owner); every session
    /// ends, the person signs in again with the new one.
    pub async fn change_own_password(
        &self,
        account: Uuid,
        current: &str,
        new: &str,
    ) -> Result<(), AppError> {
        let a = self.account_by_id(account).await?;
        if !verify_password(current, &a.password_hash) {
            return Err(AppError::Invalid("mật khẩu hiện tại không đúng".into()));
        }
        check_new_password(&a.username, new)?;
        if current == new {
            return Err(AppError::Invalid(
                "mật khẩu mới phải khác mật khẩu hiện tại".into(),
            ));
        }
        let change = AdminChange::ChangePassword {
            id: a.id,
            hash: hash_password(new)?,
        };
        let log = own(
            &a,
            "account.change_password",
            json!({"must_change_password": a.must_change_password}),
            json!({"must_change_password": false}),
        );
        Ok(self.db().admin_change(&change, &log, self.now()).await?)
    }

    /// Offers a new TOTP secret to enrol (the same one until it is confirmed).
    pub async fn offer_second_factor(&self, account: Uuid) -> Result<String, AppError> {
        let a = self.account_by_id(account).await?;
        if let Some(pending) = a.totp_pending {
            return Ok(pending);
        }
        let secret = totp_secret();
        let change = AdminChange::OfferTotp {
            id: a.id,
            secret: secret.clone(),
        };
        let log = own(
            &a,
            "mfa.offer",
            json!({"mfa": a.totp_secret.is_some()}),
            json!({"mfa_offered": true}),
        );
        self.db().admin_change(&change, &log, self.now()).await?;
        Ok(secret)
    }

    /// Confirms enrolment with a code from the authenticator; returns the recovery codes, shown
    /// once.
    pub async fn confirm_second_factor(
        &self,
        account: Uuid,
        code: &str,
    ) -> Result<Vec<String>, AppError> {
        let a = self.account_by_id(account).await?;
        let Some(secret) = a.totp_pending.clone() else {
            return Err(AppError::Invalid(
                "chưa bắt đầu đăng ký xác thực hai lớp".into(),
            ));
        };
        let Some(step) = totp_match(&secret, code, self.now().timestamp()) else {
            return Err(AppError::Invalid(
                "mã xác thực không đúng; kiểm tra giờ trên điện thoại và nhập mã mới".into(),
            ));
        };
        let codes = recovery_codes();
        let change = AdminChange::EnableTotp {
            id: a.id,
            secret,
            step,
            recovery: codes.iter().map(|c| recovery_hash(c)).collect(),
        };
        let log = own(
            &a,
            "mfa.enable",
            json!({"mfa": a.totp_secret.is_some()}),
            json!({"mfa": true}),
        );
        self.db().admin_change(&change, &log, self.now()).await?;
        Ok(codes)
    }

    /// Checks a second factor at sign-in: a current TOTP code not used before, or an unused
    /// recovery code (spent by this use).
    pub async fn pass_second_factor(&self, account: Uuid, code: &str) -> Result<bool, AppError> {
        // A code is 6 digits, a recovery code 11 characters: anything long is not one.
        if code.len() > 32 {
            return Ok(false);
        }
        let a = self.account_by_id(account).await?;
        let Some(secret) = a.totp_secret else {
            return Ok(false);
        };
        if let Some(step) = totp_match(&secret, code, self.now().timestamp()) {
            return Ok(self.db().accept_totp_step(a.id, step).await?);
        }
        if code.contains('-') {
            return Ok(self
                .db()
                .use_recovery_code(a.id, &recovery_hash(code), self.now())
                .await?);
        }
        Ok(false)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_have_rules() {
        assert!(check_new_password("quantri", "ngắn").is_err());
        assert!(check_new_password("quantri", "QuanTri-2026-abc").is_err());
        assert!(check_new_password("quantri", &"x".repeat(129)).is_err());
        assert!(check_new_password("quantri", "mùa thu Hà Nội 2026").is_ok());
        assert!(second_factor_required("administrator"));
        assert!(second_factor_required("supervisor"));
        assert!(!second_factor_required("desk_officer"));
    }
}
