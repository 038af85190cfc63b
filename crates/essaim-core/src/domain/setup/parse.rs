//! Reading a set-up file: JSON, then the shape, each refusal in French naming its field.

use crate::error::{CoreError, CoreResult};

use super::file::SetupFile;

/// Largest set-up file read, in bytes: a set-up is a few hundred kilobytes at most (the
/// questionnaire is its largest part).
pub const MAX_SETUP_BYTES: usize = 4 * 1024 * 1024;

/// Reads a set-up file. Refusals are [`CoreError::Validation`] with the field's path
/// (`themes[2].title`, or `fichier` when it is not JSON at all).
pub fn parse(text: &str) -> CoreResult<SetupFile> {
    if text.len() > MAX_SETUP_BYTES {
        return Err(CoreError::invalid(
            "fichier",
            format!(
                "Le fichier dépasse {} Mio : ce n'est pas un fichier de paramétrage.",
                MAX_SETUP_BYTES / 1024 / 1024
            ),
        ));
    }
    let mut reader = serde_json::Deserializer::from_str(text);
    let file: SetupFile = serde_path_to_error::deserialize(&mut reader).map_err(|e| {
        let path = e.path().to_string();
        let inner = e.into_inner();
        let syntax = matches!(inner.classify(), serde_json::error::Category::Syntax | serde_json::error::Category::Eof);
        let field = if syntax || path == "." || path == "?" || path.is_empty() { "fichier".to_owned() } else { path };
        CoreError::invalid(&field, french(&inner))
    })?;
    reader.end().map_err(|e| CoreError::invalid("fichier", french(&e)))?;
    if file.format != super::FORMAT {
        return Err(CoreError::invalid(
            "format",
            format!(
                "Format « {} » inconnu : ce fichier doit commencer par \"format\": \"{}\".",
                file.format,
                super::FORMAT
            ),
        ));
    }
    Ok(file)
}

/// serde_json's messages are English; the ones a person can meet in a hand-edited file are
/// said again in French, with where it happened. Our own messages (values of a vocabulary)
/// are French already.
fn french(error: &serde_json::Error) -> String {
    let at = format!("(ligne {}, colonne {})", error.line(), error.column());
    let message = error.to_string();
    let message = message.rsplit_once(" at line ").map_or(message.as_str(), |(m, _)| m).to_owned();
    let quoted = |m: &str| m.split('`').nth(1).unwrap_or_default().to_owned();
    match error.classify() {
        serde_json::error::Category::Syntax | serde_json::error::Category::Eof => {
            format!("Ce fichier n'est pas du JSON valide {at}.")
        }
        serde_json::error::Category::Io => format!("Lecture impossible {at}."),
        serde_json::error::Category::Data => {
            if message.starts_with("missing field") {
                format!("Champ obligatoire absent : « {} » {at}.", quoted(&message))
            } else if message.starts_with("unknown field") {
                format!("Champ inconnu : « {} » {at}.", quoted(&message))
            } else if message.starts_with("invalid type") || message.starts_with("invalid value") {
                let expected = message.rsplit_once("expected ").map_or("", |(_, e)| e);
                format!("Valeur d'un type inattendu {at} (attendu : {}).", expected_in_french(expected))
            } else if message.starts_with("input contains invalid characters")
                || message.contains("premature end of input")
                || message.contains("trailing input")
            {
                format!("Date invalide {at} : écrivez-la AAAA-MM-JJ.")
            } else {
                format!("{message} {at}.")
            }
        }
    }
}

fn expected_in_french(expected: &str) -> &str {
    match expected {
        "a string" => "du texte entre guillemets",
        "a sequence" => "une liste entre crochets",
        "a boolean" => "true ou false",
        "a map" => "un objet entre accolades",
        "struct SetupFile"
        | "struct ConsultationSetup"
        | "struct PhaseSetup"
        | "struct ThemeSetup"
        | "struct TerritorySetup" => "un objet entre accolades",
        _ if expected.contains("date") || expected.contains("NaiveDate") => "une date AAAA-MM-JJ",
        other => other,
    }
}

/// The JSON Schema of the set-up file, derived from its types.
pub fn schema() -> String {
    let schema = schemars::schema_for!(SetupFile);
    serde_json::to_string_pretty(&schema).unwrap_or_default() + "\n"
}

#[cfg(test)]
mod tests {
    use super::*;

    fn refusal(text: &str) -> (String, String) {
        match parse(text) {
            Err(CoreError::Validation(errors)) => (errors.0[0].field.clone(), errors.0[0].message.clone()),
            other => panic!("refused expected, got {other:?}"),
        }
    }

    #[test]
    fn bad_files_are_refused_in_french_naming_the_field() {
        let (field, message) = refusal("{ pas du json");
        assert_eq!(field, "fichier");
        assert!(message.starts_with("Ce fichier n'est pas du JSON valide (ligne 1"), "{message}");
        let (field, message) = refusal(r#"{"format": "essaim-consultation/1", "consultation": {"slug": "x"}}"#);
        assert_eq!(field, "consultation");
        assert!(message.contains("Champ obligatoire absent : « title »"), "{message}");
        let (field, message) = refusal(
            r#"{"format": "essaim-consultation/1", "consultation": {"slug": "abc", "title": "T"},
               "themes": [{"title": "A", "couleur": 3}], "territories": []}"#,
        );
        assert_eq!(field, "themes[0].couleur");
        assert!(message.contains("Champ inconnu : « couleur »"), "{message}");
        let (field, message) = refusal(
            r#"{"format": "essaim-consultation/1", "consultation": {"slug": "abc", "title": "T", "state": "ouverte"},
               "themes": [], "territories": []}"#,
        );
        assert_eq!(field, "consultation.state");
        assert!(
            message.contains("valeur inconnue « ouverte » (valeurs possibles : draft, open, closed, archived)"),
            "{message}"
        );
        let (field, message) = refusal(
            r#"{"format": "essaim-consultation/1", "consultation": {"slug": "abc", "title": "T", "starts_on": "28/06/2016"},
               "themes": [], "territories": []}"#,
        );
        assert_eq!(field, "consultation.starts_on");
        assert!(message.contains("AAAA-MM-JJ"), "{message}");
        let (field, _) = refusal(
            r#"{"format": "autre/2", "consultation": {"slug": "abc", "title": "T"}, "themes": [], "territories": []}"#,
        );
        assert_eq!(field, "format");
    }

    #[test]
    fn the_documented_schema_is_the_one_the_types_give() {
        let documented = include_str!("../../../../../docs/consultation.schema.json");
        assert_eq!(documented, schema(), "run `essaim consultation schema > docs/consultation.schema.json`");
    }
}
