//! Staff accounts (admin, staff, facilitator). Actors have none: they use e-mailed links.

use chrono::NaiveDateTime;
use diesel::prelude::*;
use serde::Serialize;

use crate::clock::now;
use crate::db::{write_transaction, DbConnection, Id};
use crate::domain::audit::{record, AuditEvent};
use crate::domain::vocab::Role;
use crate::error::{CoreError, CoreResult, ValidationErrors};
use crate::schema::accounts;
use crate::security::{check_password_policy, hash_password};
use crate::validation::{required_text, Email};

/// A staff account.
#[derive(Debug, Clone, PartialEq, Queryable, Selectable, Insertable, Serialize)]
#[diesel(table_name = accounts)]
pub struct Account {
    /// Identifier.
    pub id: Id,
    /// Normalised (lowercase) e-mail, unique.
    pub email: String,
    /// Name shown in the interface and the audit log.
    pub display_name: String,
    /// What the account may do.
    #[diesel(deserialize_as = String, serialize_as = String)]
    pub role: Role,
    /// argon2id PHC string; never serialised.
    #[serde(skip)]
    pub password_hash: Option<String>,
    /// When it was created.
    pub created_at: NaiveDateTime,
    /// Last successful login.
    pub last_login_at: Option<NaiveDateTime>,
    /// Set when the account may no longer log in.
    pub disabled_at: Option<NaiveDateTime>,
}

/// What is needed to create an account, as typed.
#[derive(Debug, Clone, Default)]
pub struct NewAccount {
    /// E-mail, as typed.
    pub email: String,
    /// Display name, as typed; defaults to the e-mail's local part.
    pub display_name: String,
    /// Role code, as typed.
    pub role: String,
    /// Password, as typed.
    pub password: String,
}

/// Creates an account after checking every field; errors name each rejected field in French.
pub fn create_account(conn: &mut DbConnection, input: &NewAccount, actor: Option<Id>) -> CoreResult<Account> {
    let mut errors = ValidationErrors::default();
    let email = Email::parse(&input.email).map_err(|m| errors.add("email", m)).ok();
    let role = Role::parse(input.role.trim());
    if role.is_none() {
        errors.add("role", "Choisissez un rôle : administrateur, équipe Région / État ou animateur.");
    }
    // The name is optional: left empty, the e-mail's local part stands in (and an invalid
    // e-mail already has its own message).
    let display_name = if input.display_name.trim().is_empty() {
        email.as_ref().map(|e| e.as_str().split('@').next().unwrap_or_default().to_owned())
    } else {
        required_text(&input.display_name, "le nom", 120).map_err(|m| errors.add("display_name", m)).ok()
    };
    if let Err(m) = check_password_policy(&input.password, email.as_ref().map(Email::as_str).unwrap_or("")) {
        errors.add("password", m);
    }
    errors.into_result()?;
    let (email, role, display_name) = match (email, role, display_name) {
        (Some(e), Some(r), Some(n)) => (e, r, n),
        _ => return Err(CoreError::Internal("validation incohérente".into())),
    };

    let account = Account {
        id: Id::new(),
        email: email.as_str().to_owned(),
        display_name,
        role,
        password_hash: Some(hash_password(&input.password)?),
        created_at: now(),
        last_login_at: None,
        disabled_at: None,
    };
    write_transaction(conn, |conn| {
        let taken = accounts::table.filter(accounts::email.eq(&account.email)).count().get_result::<i64>(conn)? > 0;
        if taken {
            return Err(CoreError::invalid("email", "Un compte existe déjà avec cette adresse e-mail."));
        }
        diesel::insert_into(accounts::table).values(account.clone()).execute(conn)?;
        record(
            conn,
            AuditEvent::new(actor, "account.create", "account", Some(account.id.to_string()))
                .with_details(serde_json::json!({ "role": account.role.as_str() })),
        )?;
        Ok(account.clone())
    })
}

/// Every account, by e-mail.
pub fn list_accounts(conn: &mut DbConnection) -> CoreResult<Vec<Account>> {
    Ok(accounts::table.order(accounts::email.asc()).select(Account::as_select()).load(conn)?)
}

/// One account by normalised e-mail.
pub fn find_account_by_email(conn: &mut DbConnection, email: &str) -> CoreResult<Option<Account>> {
    Ok(accounts::table
        .filter(accounts::email.eq(email.trim().to_lowercase()))
        .select(Account::as_select())
        .first(conn)
        .optional()?)
}

/// One account by id.
pub fn find_account(conn: &mut DbConnection, id: Id) -> CoreResult<Option<Account>> {
    Ok(accounts::table.find(id).select(Account::as_select()).first(conn).optional()?)
}

/// Disables an account (it can no longer log in and its sessions end) or enables it again.
/// An administrator cannot disable their own account, so that one always remains.
pub fn set_account_disabled(conn: &mut DbConnection, id: Id, disabled: bool, actor: Id) -> CoreResult<Account> {
    if disabled && id == actor {
        return Err(CoreError::Conflict("vous ne pouvez pas désactiver votre propre compte".into()));
    }
    write_transaction(conn, |conn| {
        let Some(mut account) = find_account(conn, id)? else {
            return Err(CoreError::NotFound("compte".into()));
        };
        account.disabled_at = if disabled { Some(account.disabled_at.unwrap_or_else(now)) } else { None };
        diesel::update(accounts::table.find(id)).set(accounts::disabled_at.eq(account.disabled_at)).execute(conn)?;
        if disabled {
            diesel::delete(crate::schema::sessions::table.filter(crate::schema::sessions::account_id.eq(id)))
                .execute(conn)?;
        }
        let action = if disabled { "account.disable" } else { "account.enable" };
        record(conn, AuditEvent::new(Some(actor), action, "account", Some(id.to_string())))?;
        Ok(account)
    })
}
