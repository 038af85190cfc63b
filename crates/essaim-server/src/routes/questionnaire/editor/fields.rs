//! What the editor's forms share: a text field with its hint and message (the markup is
//! `editor_macros.html`), the confirmation page of a deletion and the move buttons' form.
//! Section and question pages are built from these so that every field reads the same.

use askama::Template;
use essaim_core::FieldError;
use serde::Deserialize;

use crate::views::Layout;

/// A text field or a textarea, with its hint and its message.
pub struct FieldView {
    pub(super) name: &'static str,
    pub(super) label: String,
    pub(super) hint: String,
    pub(super) value: String,
    pub(super) error: Option<String>,
    pub(super) rows: usize,
    pub(super) inputmode: &'static str,
}

impl FieldView {
    pub(super) fn new(name: &'static str, label: &str, value: &str, errors: &[FieldError]) -> FieldView {
        FieldView {
            name,
            label: label.to_owned(),
            hint: String::new(),
            value: value.to_owned(),
            error: errors.iter().find(|e| e.field == name).map(|e| e.message.clone()),
            rows: 0,
            inputmode: "",
        }
    }

    pub(super) fn hint(mut self, hint: &str) -> FieldView {
        self.hint = hint.to_owned();
        self
    }

    pub(super) fn lines(mut self, rows: usize) -> FieldView {
        self.rows = rows;
        self
    }

    pub(super) fn decimal(mut self) -> FieldView {
        self.inputmode = "decimal";
        self
    }

    /// Its `aria-describedby` (hint, then message), empty when neither.
    pub(super) fn described_by(&self) -> String {
        let mut ids = Vec::new();
        if !self.hint.is_empty() {
            ids.push(format!("{}-hint", self.name));
        }
        if self.error.is_some() {
            ids.push(format!("{}-error", self.name));
        }
        ids.join(" ")
    }
}

pub(super) fn error_of(errors: &[FieldError], field: &str) -> Option<String> {
    errors.iter().find(|e| e.field == field).map(|e| e.message.clone())
}

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
