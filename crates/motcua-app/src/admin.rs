//! Setting a province up and administering it: the installation's province, staff accounts,
//! agency files. Every change goes to the store with its entry for the administrative log
//! (who, what, before and after — never a secret), written in the same transaction.

use motcua_core::catalog::Role;
use motcua_core::dossier::{Actor, ActorKind};
use motcua_core::units::AgencyFile;
use motcua_store::{Account, AdminChange, AdminEntry, NewAccount, StoreError};
use serde_json::json;
use uuid::Uuid;

use crate::secrets::{hash_password, one_time_password};
use crate::{App, AppError};

/// The setting naming the province this installation serves.
pub const PROVINCE_SETTING: &str = "province_code";

/// The province an installation serves.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Province {
    /// Statistics code ("48").
    pub code: String,
    /// Official name ("Thành phố Đà Nẵng", "Thanh Hóa").
    pub name: String,
}

impl Province {
    /// The place line of a printed form: the name without "Thành phố"/"Tỉnh" ("Đà Nẵng, ngày …").
    pub fn place(&self) -> &str {
        ["Thành phố ", "Tỉnh "]
            .iter()
            .find_map(|p| self.name.strip_prefix(p))
            .unwrap_or(&self.name)
    }
}

/// A staff account to create.
#[derive(Debug, Clone)]
pub struct NewStaff {
    /// Sign-in name: 2–32 of a–z, 0–9, `.`, `_`, `-`.
    pub username: String,
    /// Full name, as printed on forms (1–100 characters).
    pub full_name: String,
    /// Role.
    pub role: Role,
    /// Agencies (none for supervisors and administrators, who see the whole province).
    pub units: Vec<String>,
}

/// A change to one agency.
#[derive(Debug, Clone)]
pub enum AgencyChange {
    /// A new name.
    Rename {
        /// The agency's code.
        code: String,
        /// Its new name.
        name: String,
    },
    /// A new electronic identifier (the old one keeps resolving, so old dossier codes do).
    Recode {
        /// The agency's code.
        code: String,
        /// The new identifier.
        new_code: String,
    },
    /// Merged into another agency, which takes over its dossiers' lookups.
    Merge {
        /// The agency merged away.
        from: String,
        /// The agency that takes over.
        into: String,
    },
    /// Under another parent (or none).
    Move {
        /// The agency's code.
        code: String,
        /// The new parent's code.
        parent: Option<String>,
    },
}

/// A password handed to a person once, which they must replace at first sign-in.
#[derive(Debug, Clone)]
pub struct Issued {
    /// The account.
    pub username: String,
    /// Printed once, never stored.
    pub one_time_password: String,
}

/// The installer, as the administrative log names it.
pub fn installer() -> Actor {
    Actor {
        id: "system:init".into(),
        name: "motcua init".into(),
        kind: ActorKind::Staff(Role::Administrator),
    }
}

pub(crate) fn require_admin(by: &Actor) -> Result<(), AppError> {
    if by.kind == ActorKind::Staff(Role::Administrator) {
        Ok(())
    } else {
        Err(AppError::Forbidden(
            "chỉ quản trị hệ thống được thay đổi cấu hình và tài khoản".into(),
        ))
    }
}

pub(crate) fn entry(
    by: &Actor,
    action: &str,
    object: &str,
    before: serde_json::Value,
    after: serde_json::Value,
) -> AdminEntry {
    AdminEntry {
        actor_id: by.id.clone(),
        actor_name: by.name.clone(),
        action: action.into(),
        object: object.into(),
        before,
        after,
    }
}

/// What the log keeps of an account: never its password or second-factor secret.
fn account_view(a: &Account) -> serde_json::Value {
    json!({
        "username": a.username,
        "full_name": a.full_name,
        "role": a.role,
        "units": a.units.0,
        "active": a.active,
        "locked_until": a.locked_until,
        "must_change_password": a.must_change_password,
        "mfa": a.totp_secret.is_some(),
    })
}

/// Sets one field of a JSON object (the log's "after" view).
fn set(view: &mut serde_json::Value, key: &str, value: impl Into<serde_json::Value>) {
    if let Some(o) = view.as_object_mut() {
        o.insert(key.into(), value.into());
    }
}

fn check_username(u: &str) -> Result<(), AppError> {
    let ok = (2..=32).contains(&u.len())
        && u.bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b"._-".contains(&b));
    if ok {
        Ok(())
    } else {
        Err(AppError::Invalid(
            "tên đăng nhập gồm 2–32 ký tự: chữ thường không dấu, chữ số, dấu chấm, gạch dưới, gạch ngang"
                .into(),
        ))
    }
}

fn check_name(name: &str) -> Result<(), AppError> {
    let n = name.trim().chars().count();
    if (1..=100).contains(&n) && !name.chars().any(char::is_control) {
        Ok(())
    } else {
        Err(AppError::Invalid("họ và tên từ 1 đến 100 ký tự".into()))
    }
}

/// What a token may be allowed to read beyond its role: `land.read`, the land register's
/// read API (parcels, certificates and their history) for the tax authority and others.
pub const TOKEN_SCOPES: [&str; 1] = ["land.read"];

impl App {
    /// The province this installation serves: the setting made by `motcua init`, or (for a
    /// database made before it) the province of the agencies loaded.
    pub async fn province(&self) -> Result<Option<Province>, AppError> {
        let db = self.db();
        let code = match db.setting(PROVINCE_SETTING).await? {
            Some(c) => c,
            None => match db.agency_provinces().await?.into_iter().next() {
                Some(c) => c,
                None => return Ok(None),
            },
        };
        let name = db
            .admin_unit_name(&code)
            .await?
            .unwrap_or_else(|| code.clone());
        Ok(Some(Province { code, name }))
    }

    /// Every province the installation holds: the one it was set up for first, then any
    /// other whose agencies it has (one IT centre serving two provinces, say). Public pages
    /// serve each of them.
    pub async fn provinces(&self) -> Result<Vec<Province>, AppError> {
        let mut out: Vec<Province> = self.province().await?.into_iter().collect();
        for code in self.db().agency_provinces().await? {
            if out.iter().all(|p| p.code != code) {
                let name = self
                    .db()
                    .admin_unit_name(&code)
                    .await?
                    .unwrap_or_else(|| code.clone());
                out.push(Province { code, name });
            }
        }
        Ok(out)
    }

    /// The province `code` names when the installation holds it, else its own.
    pub async fn province_or_own(&self, code: Option<&str>) -> Result<Option<Province>, AppError> {
        let all = self.provinces().await?;
        let named = code.and_then(|c| all.iter().find(|p| p.code == c).cloned());
        Ok(named.or_else(|| all.into_iter().next()))
    }

    pub(crate) async fn province_code(&self) -> Result<String, AppError> {
        self.province()
            .await?
            .map(|p| p.code)
            .ok_or_else(|| AppError::Invalid("hệ thống chưa được khởi tạo (motcua init)".into()))
    }

    /// Checks a role's agencies: each an active agency of the province; none for the
    /// province-wide roles, at least one for the others.
    async fn check_units(
        &self,
        role: Role,
        units: &[String],
        province: &str,
    ) -> Result<(), AppError> {
        let wide = matches!(role, Role::Supervisor | Role::Administrator);
        if wide && !units.is_empty() {
            return Err(AppError::Invalid(
                "giám sát và quản trị làm việc trên toàn tỉnh, không gắn với cơ quan".into(),
            ));
        }
        if !wide && units.is_empty() {
            return Err(AppError::Invalid("cần chọn ít nhất một cơ quan".into()));
        }
        for code in units {
            match self.db().agency(code).await? {
                Some(a) if a.province_code == province && a.active && &a.code == code => {}
                _ => {
                    return Err(AppError::Invalid(format!(
                        "không có cơ quan mã {code} trong tỉnh"
                    )));
                }
            }
        }
        Ok(())
    }

    async fn account_named(&self, username: &str) -> Result<Account, AppError> {
        self.db()
            .account_by_username(username)
            .await?
            .ok_or_else(|| AppError::NotFound(format!("không có tài khoản {username}")))
    }

    /// Creates a staff account with a one-time password.
    pub async fn create_staff(&self, by: &Actor, s: NewStaff) -> Result<Issued, AppError> {
        require_admin(by)?;
        check_username(&s.username)?;
        check_name(&s.full_name)?;
        let province = self.province_code().await?;
        self.check_units(s.role, &s.units, &province).await?;
        let password = one_time_password();
        let account = NewAccount {
            username: s.username.clone(),
            full_name: s.full_name.trim().to_owned(),
            password_hash: hash_password(&password)?,
            role: s.role.as_str().into(),
            province_code: province,
            units: s.units.clone(),
        };
        let after = json!({
            "username": account.username, "full_name": account.full_name,
            "role": account.role, "units": account.units, "active": true,
            "must_change_password": true,
        });
        let change = AdminChange::CreateAccount {
            id: Uuid::now_v7(),
            account,
            must_change_password: true,
        };
        let log = entry(
            by,
            "account.create",
            &s.username,
            serde_json::Value::Null,
            after,
        );
        match self.db().admin_change(&change, &log, self.now()).await {
            Err(StoreError::Conflict(_)) => Err(AppError::Invalid(format!(
                "tên đăng nhập {} đã có người dùng",
                s.username
            ))),
            other => other.map_err(AppError::from),
        }?;
        Ok(Issued {
            username: s.username,
            one_time_password: password,
        })
    }

    /// Changes an account's name, role and agencies.
    pub async fn update_staff(
        &self,
        by: &Actor,
        username: &str,
        full_name: &str,
        role: Role,
        units: Vec<String>,
    ) -> Result<(), AppError> {
        require_admin(by)?;
        check_name(full_name)?;
        let a = self.account_named(username).await?;
        self.check_units(role, &units, &a.province_code).await?;
        if a.id.to_string() == by.id && role != Role::Administrator {
            return Err(AppError::Invalid(
                "không thể tự bỏ vai trò quản trị của chính mình".into(),
            ));
        }
        let mut after = account_view(&a);
        set(&mut after, "full_name", full_name.trim().to_owned());
        set(&mut after, "role", role.as_str());
        set(&mut after, "units", json!(units));
        let change = AdminChange::SetAccess {
            id: a.id,
            full_name: full_name.trim().into(),
            role: role.as_str().into(),
            units,
        };
        let log = entry(by, "account.update", username, account_view(&a), after);
        Ok(self.db().admin_change(&change, &log, self.now()).await?)
    }

    /// Enables or disables an account (disabling ends its sessions).
    pub async fn set_staff_active(
        &self,
        by: &Actor,
        username: &str,
        active: bool,
    ) -> Result<(), AppError> {
        require_admin(by)?;
        let a = self.account_named(username).await?;
        if a.id.to_string() == by.id && !active {
            return Err(AppError::Invalid(
                "không thể tự khóa tài khoản của chính mình".into(),
            ));
        }
        let mut after = account_view(&a);
        set(&mut after, "active", active);
        let action = if active {
            "account.enable"
        } else {
            "account.disable"
        };
        let log = entry(by, action, username, account_view(&a), after);
        let change = AdminChange::SetActive { id: a.id, active };
        Ok(self.db().admin_change(&change, &log, self.now()).await?)
    }

    /// Clears a lockout after failed sign-ins.
    pub async fn unlock_staff(&self, by: &Actor, username: &str) -> Result<(), AppError> {
        require_admin(by)?;
        let a = self.account_named(username).await?;
        let mut after = account_view(&a);
        set(&mut after, "locked_until", serde_json::Value::Null);
        let log = entry(by, "account.unlock", username, account_view(&a), after);
        let change = AdminChange::Unlock { id: a.id };
        self.db().admin_change(&change, &log, self.now()).await?;
        Ok(self.db().clear_sign_in_attempts(username).await?)
    }

    /// Gives an account a new one-time password (its owner sets their own at sign-in).
    pub async fn reset_staff_password(
        &self,
        by: &Actor,
        username: &str,
    ) -> Result<Issued, AppError> {
        require_admin(by)?;
        let a = self.account_named(username).await?;
        let password = one_time_password();
        let mut after = account_view(&a);
        set(&mut after, "must_change_password", true);
        set(&mut after, "locked_until", serde_json::Value::Null);
        let log = entry(
            by,
            "account.reset_password",
            username,
            account_view(&a),
            after,
        );
        let change = AdminChange::ResetPassword {
            id: a.id,
            hash: hash_password(&password)?,
        };
        self.db().admin_change(&change, &log, self.now()).await?;
        self.db().clear_sign_in_attempts(username).await?;
        Ok(Issued {
            username: username.into(),
            one_time_password: password,
        })
    }

    /// Removes an account's second factor (its owner lost the device); they enrol again.
    pub async fn reset_staff_mfa(&self, by: &Actor, username: &str) -> Result<(), AppError> {
        require_admin(by)?;
        let a = self.account_named(username).await?;
        let mut after = account_view(&a);
        set(&mut after, "mfa", false);
        let log = entry(by, "account.reset_mfa", username, account_view(&a), after);
        let change = AdminChange::DisableTotp { id: a.id };
        Ok(self.db().admin_change(&change, &log, self.now()).await?)
    }

    /// Makes a token for an external system, scoped to a role and agencies; answers the token,
    /// shown this once (only its digest is kept).
    pub async fn create_api_token(
        &self,
        by: &Actor,
        name: &str,
        role: Role,
        units: Vec<String>,
    ) -> Result<(Uuid, String), AppError> {
        require_admin(by)?;
        check_name(name)?;
        let province = self.province_code().await?;
        self.check_units(role, &units, &province).await?;
        let token = crate::secrets::new_token();
        let id = Uuid::now_v7();
        let after = json!({"id": id, "name": name.trim(), "role": role.as_str(), "units": units});
        let change = AdminChange::CreateApiToken {
            id,
            token_hash: crate::secrets::digest(&token),
            name: name.trim().into(),
            role: role.as_str().into(),
            province_code: province,
            units,
        };
        let log = entry(
            by,
            "token.create",
            name.trim(),
            serde_json::Value::Null,
            after,
        );
        self.db().admin_change(&change, &log, self.now()).await?;
        Ok((id, token))
    }

    /// Sets what a token of the province may read beyond its role: each scope must be one
    /// of [`TOKEN_SCOPES`].
    pub async fn set_token_scopes(
        &self,
        by: &Actor,
        id: Uuid,
        scopes: Vec<String>,
    ) -> Result<(), AppError> {
        require_admin(by)?;
        if let Some(bad) = scopes.iter().find(|s| !TOKEN_SCOPES.contains(&s.as_str())) {
            return Err(AppError::Invalid(format!(
                "phạm vi \"{bad}\" không có (có: {})",
                TOKEN_SCOPES.join(", ")
            )));
        }
        let province = self.province_code().await?;
        let t = self
            .db()
            .api_token_by_id(id)
            .await?
            .filter(|t| t.province_code == province && t.revoked_at.is_none())
            .ok_or_else(|| AppError::NotFound("không có mã truy cập này".into()))?;
        let log = entry(
            by,
            "token.scopes",
            &t.name,
            json!({"id": id, "scopes": t.scopes.0}),
            json!({"id": id, "scopes": scopes}),
        );
        let change = AdminChange::SetTokenScopes { id, scopes };
        Ok(self.db().admin_change(&change, &log, self.now()).await?)
    }

    /// Revokes a token of the province.
    pub async fn revoke_api_token(&self, by: &Actor, id: Uuid) -> Result<(), AppError> {
        require_admin(by)?;
        let province = self.province_code().await?;
        let t = self
            .db()
            .api_token_by_id(id)
            .await?
            .filter(|t| t.province_code == province)
            .ok_or_else(|| AppError::NotFound("không có mã truy cập này".into()))?;
        if t.revoked_at.is_some() {
            return Err(AppError::Invalid("mã truy cập đã bị thu hồi".into()));
        }
        let log = entry(
            by,
            "token.revoke",
            &t.name,
            json!({"id": id, "revoked": false}),
            json!({"id": id, "revoked": true}),
        );
        let change = AdminChange::RevokeApiToken { id };
        Ok(self.db().admin_change(&change, &log, self.now()).await?)
    }

    pub(crate) async fn agency_in(
        &self,
        code: String,
        province: &str,
    ) -> Result<motcua_store::StoredAgency, AppError> {
        match self.db().agency(&code).await? {
            Some(a) if a.province_code == province && a.active => Ok(a),
            _ => Err(AppError::NotFound(format!(
                "không có cơ quan {code} trong tỉnh"
            ))),
        }
    }

    /// Renames, re-codes, merges or moves one agency of the province.
    pub async fn change_agency(&self, by: &Actor, change: AgencyChange) -> Result<(), AppError> {
        require_admin(by)?;
        let province = self.province_code().await?;
        let (action, code, before, after, store) = match change {
            AgencyChange::Rename { code, name } => {
                check_name(&name)?;
                let a = self.agency_in(code.clone(), &province).await?;
                let name = name.trim().to_owned();
                (
                    "agency.rename",
                    code.clone(),
                    json!({"name": a.name}),
                    json!({"name": name}),
                    AdminChange::RenameAgency { code, name },
                )
            }
            AgencyChange::Recode { code, new_code } => {
                let new_code = motcua_core::ids::AgencyCode::parse(&new_code)
                    .map_err(|e| AppError::Invalid(e.to_string()))?;
                self.agency_in(code.clone(), &province).await?;
                (
                    "agency.recode",
                    code.clone(),
                    json!({"code": code}),
                    json!({"code": new_code.as_str()}),
                    AdminChange::RecodeAgency { code, new_code },
                )
            }
            AgencyChange::Merge { from, into } => {
                // Its staff and open dossiers move too: see `merger.rs`.
                return self.merge_agency(by, &from, &into).await.map(|_| ());
            }
            AgencyChange::Move { code, parent } => {
                self.agency_in(code.clone(), &province).await?;
                if let Some(p) = &parent {
                    self.agency_in(p.clone(), &province).await?;
                }
                (
                    "agency.move",
                    code.clone(),
                    serde_json::Value::Null,
                    json!({"parent": parent}),
                    AdminChange::MoveAgency { code, parent },
                )
            }
        };
        let log = entry(by, action, &code, before, after);
        self.db()
            .admin_change(&store, &log, self.now())
            .await
            .map_err(|e| match e {
                StoreError::Conflict(why) => AppError::Invalid(why),
                other => other.into(),
            })
    }

    /// Loads (or reloads) the province's agency file.
    pub async fn import_agency_file(
        &self,
        by: &Actor,
        file: AgencyFile,
    ) -> Result<usize, AppError> {
        require_admin(by)?;
        let province = self.province_code().await?;
        if file.province != province {
            return Err(AppError::Invalid(format!(
                "tệp cơ quan của tỉnh {}, hệ thống phục vụ tỉnh {province}",
                file.province
            )));
        }
        // Only what the file changes: the agencies it adds or renames (or re-parents).
        let current: std::collections::HashMap<String, String> = self
            .db()
            .agencies(&province)
            .await?
            .into_iter()
            .map(|a| (a.code, a.name))
            .collect();
        let (mut before, mut after) = (serde_json::Map::new(), serde_json::Map::new());
        for a in &file.agencies {
            let old = current.get(a.code.as_str());
            if old != Some(&a.name) {
                if let Some(old) = old {
                    before.insert(a.code.to_string(), json!(old));
                }
                after.insert(a.code.to_string(), json!(a.name));
            }
        }
        let (before, after) = (
            serde_json::Value::Object(before),
            serde_json::Value::Object(after),
        );
        let n = file.agencies.len();
        let mergers: Vec<(String, String)> = file
            .agencies
            .iter()
            .filter_map(|a| {
                a.merged_into
                    .as_ref()
                    .map(|m| (a.code.to_string(), m.to_string()))
            })
            .collect();
        let log = entry(
            by,
            "agencies.import",
            &province,
            json!(before),
            json!(after),
        );
        self.db()
            .admin_change(&AdminChange::ImportAgencies(file), &log, self.now())
            .await
            .map_err(|e| match e {
                StoreError::NotFound => AppError::Invalid(
                    "tệp nhắc tới cơ quan cấp trên hoặc đơn vị hành chính không có".into(),
                ),
                other => other.into(),
            })?;
        // Former units the file names as merged: merged now, or left as they are when they
        // were before (a file loaded again).
        for (from, into) in mergers {
            self.merge_agency(by, &from, &into).await?;
        }
        Ok(n)
    }

    /// Makes this database serve the agency file's province: records the province and loads
    /// its agencies. Refused once a province is set.
    pub async fn set_up_province(&self, agencies: AgencyFile) -> Result<(), AppError> {
        let db = self.db();
        if let Some(code) = db.setting(PROVINCE_SETTING).await? {
            return Err(AppError::Invalid(format!(
                "cơ sở dữ liệu này đã được khởi tạo cho tỉnh {code}"
            )));
        }
        let province = agencies.province.clone();
        if db.admin_unit_name(&province).await?.is_none() {
            return Err(AppError::Invalid(format!(
                "không có tỉnh, thành phố mã {province} (hãy nạp đơn vị hành chính trước)"
            )));
        }
        let by = installer();
        let set = AdminChange::SetSetting {
            key: PROVINCE_SETTING.into(),
            value: province.clone(),
        };
        let log = entry(
            &by,
            "settings.set",
            PROVINCE_SETTING,
            serde_json::Value::Null,
            json!(province),
        );
        db.admin_change(&set, &log, self.now()).await?;
        self.import_agency_file(&by, agencies).await?;
        Ok(())
    }

    /// [`App::set_up_province`], then the first administrator with a one-time password.
    pub async fn init_province(
        &self,
        agencies: AgencyFile,
        admin_username: &str,
        admin_name: &str,
    ) -> Result<Issued, AppError> {
        check_username(admin_username)?;
        self.set_up_province(agencies).await?;
        self.create_staff(
            &installer(),
            NewStaff {
                username: admin_username.into(),
                full_name: admin_name.into(),
                role: Role::Administrator,
                units: vec![],
            },
        )
        .await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_place_line_drops_the_kind_of_unit() {
        let p = |name: &str| Province {
            code: "48".into(),
            name: name.into(),
        };
        assert_eq!(p("Thành phố Đà Nẵng").place(), "Đà Nẵng");
        assert_eq!(p("Thanh Hóa").place(), "Thanh Hóa");
        assert_eq!(p("Tỉnh Gia Lai").place(), "Gia Lai");
    }

    #[test]
    fn usernames_and_names_have_limits() {
        assert!(check_username("mc.haichau").is_ok());
        assert!(check_username("MC1").is_err());
        assert!(check_username(&"a".repeat(33)).is_err());
        assert!(check_name(&"A".repeat(101)).is_err());
        assert!(check_name("Lê Thị Hoa").is_ok());
    }
}
