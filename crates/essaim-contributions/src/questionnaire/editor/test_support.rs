//! What the editor's tests share: the demo definition, its context, and reading a refusal's
//! message for one field.

use essaim_core::CoreError;

use super::{Context, QuestionInput};
use crate::questionnaire::definition::Definition;

pub(super) fn demo() -> Definition {
    crate::demo::demo_definition()
}

pub(super) fn context_of(definition: &Definition) -> Context {
    Context::of([definition], vec![1, 2, 3, 4, 5])
}

pub(super) fn text_input(label: &str) -> QuestionInput {
    QuestionInput { label: label.into(), ..QuestionInput::default() }
}

pub(super) fn field(error: CoreError, name: &str) -> String {
    match error {
        CoreError::Validation(errors) => {
            errors.get(name).unwrap_or_else(|| panic!("no message for {name}: {errors:?}")).to_owned()
        }
        other => panic!("not a validation error: {other:?}"),
    }
}
