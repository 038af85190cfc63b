//! What the editor's forms share: the confirmation page of a deletion and the move buttons'
//! form. Their text fields are the form kit's (`views::forms::FieldView`, `forms.html`), so
//! that every field reads the same.

use askama::Template;
use essaim_core::FieldError;
use serde::Deserialize;

pub(super) use crate::views::forms::{error_of, FieldView};
use crate::views::Layout;

/// Which way a move goes.
#[derive(Deserialize)]
pub struct MoveForm {
    #[serde(default)]
    pub(super) sens: String,
}

#[derive(Template)]
#[template(path = "questionnaire/editor_confirm.html")]
pub(super) struct ConfirmPage {
    pub(super) layout: Layout,
    pub(super) slug: String,
    pub(super) version_notice: String,
    pub(super) heading: String,
    pub(super) explanation: String,
    pub(super) action: String,
    pub(super) errors: Vec<FieldError>,
}
