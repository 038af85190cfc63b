//! The constraints of request fields, as the OpenAPI document states them, built from the
//! domain's own constants and vocabularies (not retyped): a limit or a code changed there
//! changes the document with it. Each function is a field's `#[schema(schema_with = …)]`.
//!
//! The patterns are those the server's cleaning and trimming need. Every text first loses the
//! characters `essaim_core::text` drops (C0 controls but tab and line breaks, DEL, C1, the
//! bidirectional overrides and isolates, U+FFFE/U+FFFF): they are accepted anywhere and
//! removed. Then a text is refused when nothing but spaces is left of it, so it must hold at
//! least one other character; an organisation's name is on one line (no tab or line break but
//! at either end, which the server trims).

use essaim_contributions::questionnaire::responses::MAX_SUBMIT_KEY_CHARS;
use essaim_core::domain::contribution::{MAX_CONTRIBUTION_CHARS, MAX_IDEMPOTENCY_KEY_CHARS, MAX_ORGANISATION_CHARS};
use essaim_core::domain::plenary::Judgement;
use essaim_core::domain::vocab::ContributionKind;
use essaim_workshops::plenary::votes::MAX_AMENDMENT_CHARS;
use utoipa::openapi::schema::{KnownFormat, SchemaFormat, SchemaType};
use utoipa::openapi::{Object, ObjectBuilder, Type};

/// At least one character that is neither a space nor dropped by the cleaning (ECMA-262
/// regex, unanchored: it matches when found anywhere).
pub const VISIBLE: &str = r"[^\s\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\ufffe\uffff]";

/// One line: no tab or line break but at either end, among spaces and dropped characters,
/// which the cleaning and the trimming remove. The classes are spelled out rather than `\s`,
/// which regex engines read differently (Python's includes `\x1c`-`\x1f`, which Rust's `trim`
/// keeps).
pub const ONE_LINE: &str = concat!(
    r"^[\t\n\r \x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\ufffe\uffff]*",
    r"[^\t\n\r]*",
    r"[\t\n\r \x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\ufffe\uffff]*$"
);

fn string(description: &str) -> ObjectBuilder {
    ObjectBuilder::new().schema_type(Type::String).description(Some(description))
}

fn nullable_string(description: &str) -> ObjectBuilder {
    ObjectBuilder::new().schema_type(SchemaType::from_iter([Type::String, Type::Null])).description(Some(description))
}

/// A whole response's idempotency key.
pub fn submit_key() -> Object {
    string("La clé du client : la même clé renvoie la même réponse, jamais une seconde. Espaces de tête et de fin ignorés.")
        .min_length(Some(1))
        .max_length(Some(MAX_SUBMIT_KEY_CHARS))
        .pattern(Some(VISIBLE))
        .build()
}

/// The kind of a contribution (a stand's idea, a workshop's entry).
pub fn contribution_kind() -> Object {
    string("Le type de la contribution.").enum_values(Some(ContributionKind::ALL.iter().map(|k| k.as_str()))).build()
}

/// The text of a contribution.
pub fn contribution_body() -> Object {
    string("Le texte ; espaces de tête et de fin et caractères de contrôle (sauf saut de ligne et tabulation) retirés.")
        .min_length(Some(1))
        .max_length(Some(MAX_CONTRIBUTION_CHARS))
        .pattern(Some(VISIBLE))
        .build()
}

/// An optional organisation's name (empty or blank: none).
pub fn organisation() -> Object {
    string("L'organisation au nom de laquelle on parle (facultatif ; vide : aucune).")
        .max_length(Some(MAX_ORGANISATION_CHARS))
        .pattern(Some(ONE_LINE))
        .build()
}

/// The same, where `null` is taken too.
pub fn nullable_organisation() -> Object {
    nullable_string("L'organisation qui a parlé (facultatif ; vide ou null : aucune).")
        .max_length(Some(MAX_ORGANISATION_CHARS))
        .pattern(Some(ONE_LINE))
        .build()
}

const TERRITORY: &str = "Le code d'un territoire de la consultation, tel que `GET /api/v1/consultations/{slug}` les donne \
     (`territories[].code`, par exemple `44`), ou vide. Les territoires sont ceux que l'équipe a paramétrés : un autre code est \
     refusé en 422 `invalid_input` sur le champ `territory`.";

/// A territory of the consultation, by its code.
pub fn territory() -> Object {
    string(TERRITORY).build()
}

/// The same, where `null` is taken too.
pub fn nullable_territory() -> Object {
    nullable_string(TERRITORY).build()
}

/// A plenary vote's choice.
pub fn judgement() -> Object {
    string("`confirmed` (confirmée), `to_amend` (à amender) ou `not_confirmed` (non confirmée).")
        .enum_values(Some(Judgement::ALL.iter().map(|j| j.as_str())))
        .build()
}

/// A plenary vote's amendment.
pub fn amendment() -> Object {
    nullable_string("Un amendement, facultatif ; espaces de tête et de fin retirés.")
        .max_length(Some(MAX_AMENDMENT_CHARS))
        .build()
}

/// A plenary vote's voting code (the card's, when the plenary requires codes).
pub fn voting_code() -> Object {
    nullable_string(
        "Le code de vote de la carte du participant (`ABCD-EFGH`, casse, espaces et tirets indifférents), à envoyer avec le premier vote de l'appareil quand la plénière exige des codes ; ignoré sinon, et une fois le code utilisé par cet appareil.",
    )
    .build()
}

/// A stand idea's optional idempotency key (empty: none).
pub fn idea_key() -> Object {
    string(
        "Une clé faite par le client pour cette idée : la même clé ne réenregistre rien (facultatif ; vide : aucune).",
    )
    .max_length(Some(MAX_IDEMPOTENCY_KEY_CHARS))
    .pattern(Some(ONE_LINE))
    .build()
}

/// A workshop entry's device id.
pub fn device_uuid() -> Object {
    string("Un UUID fait par l'appareil (`crypto.randomUUID()`) : le renvoyer redonne la première réponse, jamais une seconde entrée.")
        .format(Some(SchemaFormat::KnownFormat(KnownFormat::Uuid)))
        .build()
}
