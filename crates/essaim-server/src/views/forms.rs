//! The form kit's Rust side: what `templates/forms.html`'s macros read when a page builds its
//! fields in Rust (a list of fields, the choices of a group). A page whose fields are fixed
//! calls `forms::text_field` with its values straight from the template instead.

use essaim_core::FieldError;

/// A text field or a textarea, with its hint and its message (`forms::field`).
pub struct FieldView {
    /// Its id and name.
    pub name: &'static str,
    /// Its label: the page's own text, written unescaped by the kit, so `'static`: no
    /// value a user typed can reach it.
    pub label: &'static str,
    /// Its hint, empty for none (`'static`, as the label).
    pub hint: &'static str,
    /// What it holds.
    pub value: String,
    /// Its message, if refused.
    pub error: Option<String>,
    /// A textarea of that many rows; 0: an input.
    pub rows: usize,
    /// The input's `type`.
    pub kind: &'static str,
    /// Its `inputmode`, empty for none.
    pub inputmode: &'static str,
    /// Its `autocomplete`, empty for none.
    pub autocomplete: &'static str,
    /// Its `maxlength`, 0 for none.
    pub maxlength: usize,
    /// "(obligatoire)" after the label.
    pub required: bool,
    /// The HTML `required` attribute.
    pub required_attr: bool,
}

impl FieldView {
    /// A text input named `name`, with the message `errors` has for it.
    pub fn new(name: &'static str, label: &'static str, value: &str, errors: &[FieldError]) -> FieldView {
        FieldView {
            name,
            label,
            hint: "",
            value: value.to_owned(),
            error: error_of(errors, name),
            rows: 0,
            kind: "text",
            inputmode: "",
            autocomplete: "",
            maxlength: 0,
            required: false,
            required_attr: false,
        }
    }

    /// With a hint under its label.
    pub fn hint(mut self, hint: &'static str) -> FieldView {
        self.hint = hint;
        self
    }

    /// A textarea of `rows` rows.
    pub fn lines(mut self, rows: usize) -> FieldView {
        self.rows = rows;
        self
    }

    /// A number with decimals (the phones' keypad).
    pub fn decimal(mut self) -> FieldView {
        self.inputmode = "decimal";
        self
    }

    /// Of that input type (`email`, `password`…).
    pub fn kind(mut self, kind: &'static str) -> FieldView {
        self.kind = kind;
        self
    }

    /// With that `autocomplete`.
    pub fn autocomplete(mut self, autocomplete: &'static str) -> FieldView {
        self.autocomplete = autocomplete;
        self
    }

    /// With the HTML `required` attribute.
    pub fn required_attr(mut self) -> FieldView {
        self.required_attr = true;
        self
    }
}

/// One radio or checkbox of a group (`forms::choices`).
pub struct Choice {
    /// Its value; its id is the group's prefix, `-`, then this.
    pub value: String,
    /// Its label.
    pub label: String,
    /// Checked.
    pub checked: bool,
}

impl Choice {
    /// A choice of that value and label.
    pub fn new(value: impl Into<String>, label: impl Into<String>, checked: bool) -> Choice {
        Choice { value: value.into(), label: label.into(), checked }
    }
}

/// The message `errors` has for `field`, if any.
pub fn error_of(errors: &[FieldError], field: &str) -> Option<String> {
    errors.iter().find(|e| e.field == field).map(|e| e.message.clone())
}

/// No message: the `error` of a field or group that is never refused.
pub const NO_ERROR: Option<&str> = None;

/// Whether a macro's number or text parameter is given: neither empty nor 0. (A macro's
/// arguments reach it as values or as references, as the call is written; this reads both.)
pub fn given(value: impl std::fmt::Display) -> bool {
    let text = value.to_string();
    !text.is_empty() && text != "0"
}

/// The errors with each field's name replaced by the id its summary link goes to, for a page
/// whose inputs' ids are not the fields' names (`forms::error_summary` links to `#{field}`).
/// A message about the whole form (field "form") keeps its name: it is not linked.
pub fn linked(errors: &[FieldError], id_of: impl Fn(&str) -> String) -> Vec<FieldError> {
    errors
        .iter()
        .map(|e| FieldError {
            field: if e.field == "form" { e.field.clone() } else { id_of(&e.field) },
            message: e.message.clone(),
        })
        .collect()
}

/// A field's id: `id`, or its name when `id` is empty.
pub fn id_or(id: impl std::fmt::Display, name: impl std::fmt::Display) -> String {
    let id = id.to_string();
    if id.is_empty() {
        name.to_string()
    } else {
        id
    }
}
