//! Administration: accounts (admin only).

pub mod consultations;
pub mod journal;

use actix_web::http::{header, StatusCode};
use actix_web::{web, HttpRequest, HttpResponse};
use askama::Template;
use essaim_core::db::Id;
use essaim_core::domain::consultation::list_consultations;
use essaim_core::domain::scope::create_limited_account;
use essaim_core::domain::{list_accounts, set_account_disabled, NewAccount, Role};
use essaim_core::{CoreError, FieldError};
use serde::Deserialize;

use crate::app::AppState;
use crate::error::AppError;
use crate::extract::{Admin, CsrfForm, NoFields};
use crate::views::forms::{error_of, Choice, FieldView};
use crate::views::{french_instant, render, Layout};

struct AccountLine {
    id: String,
    disabled: bool,
    is_self: bool,
    name: String,
    email: String,
    role_label: &'static str,
    last_login: String,
}

#[derive(Template)]
#[template(path = "admin/accounts.html")]
struct AccountsPage {
    layout: Layout,
    accounts: Vec<AccountLine>,
    /// The e-mail of the account just created, read back from the database by its id: never
    /// text taken from the address.
    created: Option<String>,
    changed: Option<&'static str>,
}

/// Query of the accounts page.
#[derive(Deserialize)]
pub struct AccountsQuery {
    created: Option<String>,
    changed: Option<String>,
}

/// `GET /admin`: the accounts.
pub async fn accounts(
    req: HttpRequest,
    Admin(admin): Admin,
    state: web::Data<AppState>,
    query: web::Query<AccountsQuery>,
) -> Result<HttpResponse, AppError> {
    let accounts = state.db(|conn| list_accounts(conn).map_err(AppError::from)).await?;
    let created_id: Option<Id> = query.created.as_deref().and_then(|raw| raw.parse().ok());
    // Only an account created in the last minutes: an old link cannot announce an old account.
    let recent = essaim_core::clock::now() - chrono::Duration::minutes(10);
    let created = created_id
        .and_then(|id| accounts.iter().find(|a| a.id == id && a.created_at > recent))
        .map(|a| a.email.clone());
    let page = AccountsPage {
        layout: Layout::for_request(&req, "Administration — comptes", "admin"),
        accounts: accounts
            .into_iter()
            .map(|a| AccountLine {
                id: a.id.to_string(),
                disabled: a.disabled_at.is_some(),
                is_self: a.id == admin.id,
                name: a.display_name,
                email: a.email,
                role_label: a.role.label(),
                last_login: a.last_login_at.map(french_instant).unwrap_or_else(|| "jamais".to_owned()),
            })
            .collect(),
        created,
        changed: match query.changed.as_deref() {
            Some("disabled") => Some("Le compte a été désactivé : ses sessions sont fermées."),
            Some("enabled") => Some("Le compte a été réactivé."),
            _ => None,
        },
    };
    render(&page, StatusCode::OK)
}

#[derive(Template)]
#[template(path = "admin/account_new.html")]
struct NewAccountPage {
    layout: Layout,
    errors: Vec<FieldError>,
    text_fields: Vec<FieldView>,
    role_error: Option<String>,
    roles: Vec<Choice>,
    /// The consultations an account may be limited to.
    consultations: Vec<Choice>,
}

/// The account form, as typed.
#[derive(Deserialize, Default)]
pub struct AccountForm {
    #[serde(default)]
    email: String,
    #[serde(default)]
    display_name: String,
    #[serde(default)]
    role: String,
    #[serde(default)]
    password: String,
    /// The short ids of the consultations it is limited to (none: every consultation).
    #[serde(default)]
    consultation: Vec<String>,
}

fn new_account_page(
    req: &HttpRequest,
    form: &AccountForm,
    errors: Vec<FieldError>,
    consultations: Vec<(String, String)>,
) -> NewAccountPage {
    NewAccountPage {
        layout: Layout::for_request(req, "Créer un compte", "admin"),
        text_fields: vec![
            FieldView::new("email", "Adresse e-mail", &form.email, &errors)
                .kind("email")
                .autocomplete("off")
                .required_attr(),
            FieldView::new("display_name", "Nom affiché", &form.display_name, &errors)
                .hint("Par exemple : Claire Martin. Laissé vide, la première partie de l'adresse e-mail est utilisée.")
                .autocomplete("off"),
            // The password is never sent back into the page.
            FieldView::new("password", "Mot de passe", "", &errors)
                .hint("Au moins 12 caractères. Une phrase facile à retenir convient très bien.")
                .kind("password")
                .autocomplete("new-password")
                .required_attr(),
        ],
        role_error: error_of(&errors, "role"),
        roles: Role::ALL.iter().map(|r| Choice::new(r.as_str(), r.label(), r.as_str() == form.role)).collect(),
        consultations: consultations
            .into_iter()
            .map(|(slug, title)| Choice { checked: form.consultation.contains(&slug), value: slug, label: title })
            .collect(),
        errors,
    }
}

/// Every consultation, (short id, title), for the limits of an account.
async fn consultation_choices(state: &AppState) -> Result<Vec<(String, String)>, AppError> {
    state
        .db(|conn| -> Result<_, AppError> {
            Ok(list_consultations(conn)?.into_iter().map(|c| (c.slug, c.title)).collect())
        })
        .await
}

/// `GET /admin/accounts/new`
pub async fn new_account_form(
    req: HttpRequest,
    _admin: Admin,
    state: web::Data<AppState>,
) -> Result<HttpResponse, AppError> {
    let choices = consultation_choices(&state).await?;
    render(&new_account_page(&req, &AccountForm::default(), Vec::new(), choices), StatusCode::OK)
}

/// `POST /admin/accounts`: creates an account or shows the form again with each error.
pub async fn create_account(
    req: HttpRequest,
    Admin(admin): Admin,
    state: web::Data<AppState>,
    form: CsrfForm<AccountForm>,
) -> Result<HttpResponse, AppError> {
    let form = form.into_inner();
    let input = NewAccount {
        email: form.email.clone(),
        display_name: form.display_name.clone(),
        role: form.role.clone(),
        password: form.password.clone(),
    };
    let slugs = form.consultation.clone();
    let created = state
        .db(move |conn| {
            let mut limits = Vec::new();
            for slug in &slugs {
                match essaim_core::domain::consultation::find_consultation(conn, slug) {
                    Ok(c) => limits.push(c.id),
                    Err(CoreError::NotFound(_)) => {
                        return Err(CoreError::invalid("consultations", "Choisissez des consultations de la liste."))
                    }
                    Err(other) => return Err(other),
                }
            }
            create_limited_account(conn, &input, &limits, Some(admin.id))
        })
        .await;
    match created {
        Ok(account) => {
            let target = format!("/admin?created={}", account.id);
            Ok(HttpResponse::SeeOther().insert_header((header::LOCATION, target)).finish())
        }
        Err(CoreError::Validation(errors)) => {
            let choices = consultation_choices(&state).await?;
            render(&new_account_page(&req, &form, errors.0, choices), StatusCode::UNPROCESSABLE_ENTITY)
        }
        Err(other) => Err(other.into()),
    }
}

async fn change_account(
    Admin(admin): Admin,
    state: web::Data<AppState>,
    id: web::Path<Id>,
    disabled: bool,
) -> Result<HttpResponse, AppError> {
    let id = id.into_inner();
    match state.db(move |conn| set_account_disabled(conn, id, disabled, admin.id)).await {
        Ok(_) => {
            let target = if disabled { "/admin?changed=disabled" } else { "/admin?changed=enabled" };
            Ok(HttpResponse::SeeOther().insert_header((header::LOCATION, target)).finish())
        }
        Err(CoreError::Conflict(_)) => {
            Err(AppError::Conflict("Vous ne pouvez pas désactiver votre propre compte.".into()))
        }
        Err(other) => Err(other.into()),
    }
}

/// `POST /admin/accounts/{id}/disable`
pub async fn disable_account(
    admin: Admin,
    state: web::Data<AppState>,
    id: web::Path<Id>,
    _form: CsrfForm<NoFields>,
) -> Result<HttpResponse, AppError> {
    change_account(admin, state, id, true).await
}

/// `POST /admin/accounts/{id}/enable`
pub async fn enable_account(
    admin: Admin,
    state: web::Data<AppState>,
    id: web::Path<Id>,
    _form: CsrfForm<NoFields>,
) -> Result<HttpResponse, AppError> {
    change_account(admin, state, id, false).await
}
