//! Accounts limited to some consultations, checked once for every request before its handler:
//! the path says which consultation or record it is about (`/staff/consultations/{slug}/…`,
//! `/pleniere/{slug}/…`, `/staff/orientations/{id}/…`, `/ateliers/{id}/…`…), the core says
//! whether the signed-in account may act on it (`essaim_core::domain::scope`). A refusal is the
//! same 404 as an unknown record: a limited account learns nothing of other consultations.
//! Global pages that mix every consultation (the outbox of mails) are refused to a limited
//! account. A draft consultation's public pages, forms and API are its staff's alone.

use actix_web::body::{BoxBody, MessageBody};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::middleware::Next;
use actix_web::{web, Error, HttpMessage};
use essaim_core::db::Id;
use essaim_core::domain::scope::{is_limited, may_act_on_record, may_see_consultation, seen_past_draft, Scoped};
use essaim_core::domain::Account;

use crate::app::AppState;
use crate::auth::CurrentUser;
use crate::error::AppError;

/// What a path names, for the limits of accounts.
enum Named {
    /// A consultation's record, or the consultation itself.
    Record(Scoped),
    /// A page over every consultation.
    Global,
}

/// What the path of a staff or facilitator page names, if anything.
fn named(path: &str) -> Option<Named> {
    let parts: Vec<&str> = path.trim_start_matches('/').split('/').collect();
    let id = |raw: &str| raw.parse::<Id>().ok();
    match parts.as_slice() {
        ["staff", "consultations", slug, ..] | ["pleniere", slug, ..] => {
            Some(Named::Record(Scoped::Consultation((*slug).to_owned())))
        }
        ["staff", "orientations", raw, ..] => id(raw).map(|i| Named::Record(Scoped::Orientation(i))),
        ["staff", "contributions", raw, ..] => id(raw).map(|i| Named::Record(Scoped::Contribution(i))),
        ["staff", "stands", raw, ..] => id(raw).map(|i| Named::Record(Scoped::Stand(i))),
        ["staff", "ateliers", raw, ..] | ["ateliers", raw, ..] | ["api", "v1", "workshops", raw, ..] => {
            id(raw).map(|i| Named::Record(Scoped::Workshop(i)))
        }
        ["staff", "courriels", ..] => Some(Named::Global),
        _ => None,
    }
}

/// 404 when `account` is limited and `path` is about another consultation (or a page over
/// all of them). The session's pages go through [`scope_middleware`]; an API extractor that
/// reads the session itself calls this.
pub async fn refuse_out_of_scope(state: &AppState, account: &Account, path: &str) -> Result<(), AppError> {
    // A facilitator is refused every staff page by role (403, from the handler's extractor),
    // whatever their consultations: the limits have nothing to add there.
    if account.role == essaim_core::domain::Role::Facilitator && path.starts_with("/staff/") {
        return Ok(());
    }
    let Some(named) = named(path) else { return Ok(()) };
    let account = account.clone();
    let allowed = state
        .db(move |conn| -> Result<bool, AppError> {
            Ok(match named {
                Named::Record(scoped) => may_act_on_record(conn, &account, &scoped)?,
                Named::Global => !is_limited(conn, &account)?,
            })
        })
        .await?;
    if allowed {
        Ok(())
    } else {
        Err(AppError::NotFound)
    }
}

/// The consultation a public page or form is about (`/consultations/{slug}/…`, the API's
/// `/api/v1/consultations/{slug}/…`).
fn public_consultation(path: &str) -> Option<&str> {
    let parts: Vec<&str> = path.trim_start_matches('/').split('/').collect();
    match parts.as_slice() {
        ["consultations", slug, ..] | ["api", "v1", "consultations", slug, ..] if !slug.is_empty() => Some(slug),
        _ => None,
    }
}

/// Refuses, before the handler, a request of a limited account about another consultation,
/// and anyone but its staff on a draft consultation's public pages, forms and API.
pub async fn scope_middleware(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<BoxBody>, Error> {
    let account = req.extensions().get::<CurrentUser>().map(|u| u.0.clone());
    let state =
        req.app_data::<web::Data<AppState>>().cloned().ok_or_else(|| AppError::Internal("état absent".into()))?;
    let mut refusal = None;
    if let Some(account) = &account {
        refusal = refuse_out_of_scope(&state, account, req.path()).await.err();
    }
    let unseen = public_consultation(req.path()).filter(|slug| !seen_past_draft(slug));
    if let (None, Some(slug)) = (&refusal, unseen) {
        let (slug, who) = (slug.to_owned(), account.clone());
        // The database gone is answered here too (503), not raised past the routes' own
        // error handling.
        match state.db(move |conn| may_see_consultation(conn, who.as_ref(), &slug).map_err(AppError::from)).await {
            Ok(true) => {}
            Ok(false) => refusal = Some(AppError::NotFound),
            Err(unavailable) => refusal = Some(unavailable),
        }
    }
    if let Some(refused) = refusal {
        // Answered here, as the handler would have answered an unknown record.
        return Ok(crate::input::refuse(req, refused));
    }
    next.call(req).await.map(ServiceResponse::map_into_boxed_body)
}
