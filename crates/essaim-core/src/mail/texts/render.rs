//! Reading placeholders, checking a text, and rendering it to a text part and an HTML part.
//!
//! `{name}` is a placeholder, `{{` and `}}` a literal brace. A body's paragraphs are separated
//! by blank lines; a paragraph that uses a placeholder without a value for this mail (no
//! closing date known, no follow link, no organisers) is left out whole, so that no sentence
//! is left half-said.

use crate::error::ValidationErrors;

use super::{MailKind, MailText, MAX_BODY_CHARS, MAX_SUBJECT_CHARS};

/// A piece of a text: literal text, or a placeholder's name.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Piece {
    Literal(String),
    Placeholder(String),
}

/// Reads a text into pieces; an unclosed brace is refused with a French message.
fn parse(text: &str) -> Result<Vec<Piece>, String> {
    let mut pieces = Vec::new();
    let mut literal = String::new();
    let mut chars = text.char_indices().peekable();
    while let Some((at, c)) = chars.next() {
        match c {
            '{' if chars.peek().map(|(_, n)| *n) == Some('{') => {
                chars.next();
                literal.push('{');
            }
            '}' if chars.peek().map(|(_, n)| *n) == Some('}') => {
                chars.next();
                literal.push('}');
            }
            '{' => {
                let rest = &text[at + 1..];
                let Some(end) = rest.find(['}', '{', '\n']).filter(|e| rest[*e..].starts_with('}')) else {
                    let shown: String = text[at..].chars().take(20).collect();
                    return Err(format!(
                        "Accolade ouvrante sans accolade fermante : « {} ». Écrivez {{{{ pour une accolade seule.",
                        shown.trim_end()
                    ));
                };
                if !literal.is_empty() {
                    pieces.push(Piece::Literal(std::mem::take(&mut literal)));
                }
                pieces.push(Piece::Placeholder(rest[..end].trim().to_owned()));
                // Skip the name and its closing brace.
                for _ in 0..rest[..=end].chars().count() {
                    chars.next();
                }
            }
            c => literal.push(c),
        }
    }
    if !literal.is_empty() {
        pieces.push(Piece::Literal(literal));
    }
    Ok(pieces)
}

/// Checks a text of `kind`: not empty, not too long, every placeholder one the kind allows,
/// the body's link present. Each refusal names its field (`subject`, `body`) in French.
pub fn check_text(kind: MailKind, text: &MailText) -> Result<(), ValidationErrors> {
    let mut errors = ValidationErrors::default();
    let allowed: Vec<&str> = kind.placeholders().iter().map(|p| p.name).collect();
    let listed = allowed.iter().map(|n| format!("{{{n}}}")).collect::<Vec<_>>().join(", ");
    for (field, value, what, max) in
        [("subject", &text.subject, "L'objet", MAX_SUBJECT_CHARS), ("body", &text.body, "Le texte", MAX_BODY_CHARS)]
    {
        if value.trim().is_empty() {
            errors.add(field, format!("{what} du courriel est vide."));
            continue;
        }
        if value.chars().count() > max {
            errors.add(field, format!("{what} du courriel fait au plus {max} caractères."));
            continue;
        }
        if field == "subject" && value.contains(['\n', '\r']) {
            errors.add(field, "L'objet du courriel tient sur une ligne.");
            continue;
        }
        match parse(value) {
            Err(message) => errors.add(field, format!("{what} : {message}")),
            Ok(pieces) => {
                let mut unknown: Vec<String> = Vec::new();
                for piece in &pieces {
                    if let Piece::Placeholder(name) = piece {
                        if !allowed.contains(&name.as_str()) && !unknown.contains(name) {
                            unknown.push(name.clone());
                        }
                    }
                }
                if !unknown.is_empty() {
                    let names = unknown.iter().map(|n| format!("{{{n}}}")).collect::<Vec<_>>().join(", ");
                    errors.add(
                        field,
                        format!(
                            "{what} cite {names}, inconnu de ce courriel. Champs possibles : {listed}. Écrivez {{{{ et }}}} pour des accolades seules."
                        ),
                    );
                } else if field == "body" {
                    if let Some(required) = kind.required() {
                        if !pieces.iter().any(|p| matches!(p, Piece::Placeholder(n) if n == required)) {
                            errors.add(
                                field,
                                format!("Le texte du courriel doit citer {{{required}}} : sans lui, le courriel ne mène nulle part."),
                            );
                        }
                    }
                }
            }
        }
    }
    if errors.is_empty() {
        Ok(())
    } else {
        Err(errors)
    }
}

/// A placeholder's value for one mail.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Value {
    /// Text, escaped in the HTML part.
    Text(String),
    /// An address: whole in the text part, a link in the HTML part.
    Link(String),
    /// A list of (label, address).
    Links(Vec<(String, String)>),
}

impl Value {
    fn is_empty(&self) -> bool {
        match self {
            Value::Text(t) | Value::Link(t) => t.trim().is_empty(),
            Value::Links(links) => links.is_empty(),
        }
    }
}

/// The values of one mail's placeholders, by name; a name absent has no value.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Values(Vec<(String, Value)>);

impl Values {
    /// A text value.
    pub fn text(mut self, name: &str, value: impl Into<String>) -> Self {
        self.0.push((name.to_owned(), Value::Text(value.into())));
        self
    }

    /// A text value, if there is one.
    pub fn maybe_text(self, name: &str, value: Option<String>) -> Self {
        match value {
            Some(value) => self.text(name, value),
            None => self,
        }
    }

    /// A link.
    pub fn link(mut self, name: &str, url: impl Into<String>) -> Self {
        self.0.push((name.to_owned(), Value::Link(url.into())));
        self
    }

    /// A list of links.
    pub fn links(mut self, name: &str, links: Vec<(String, String)>) -> Self {
        self.0.push((name.to_owned(), Value::Links(links)));
        self
    }

    /// The value of `name`, unless absent or empty.
    pub fn get(&self, name: &str) -> Option<&Value> {
        self.0.iter().rev().find(|(n, _)| n == name).map(|(_, v)| v).filter(|v| !v.is_empty())
    }
}

/// A text rendered for one mail.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rendered {
    /// The subject, on one line.
    pub subject: String,
    /// The text part: paragraphs, each followed by a blank line.
    pub text: String,
    /// The HTML part's paragraphs (`<p>…</p>`), every value escaped.
    pub html: String,
}

/// Escapes text for HTML content and attribute values.
pub fn escape_html(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// Renders `text` (checked when it was saved) with `values`. A text that no longer reads is
/// shown as written rather than lost.
pub fn render(text: &MailText, values: &Values) -> Rendered {
    let pieces = |t: &str| parse(t).unwrap_or_else(|_| vec![Piece::Literal(t.to_owned())]);
    let mut subject = String::new();
    for piece in pieces(&text.subject) {
        match piece {
            Piece::Literal(l) => subject.push_str(&l),
            Piece::Placeholder(name) => match values.get(&name) {
                Some(Value::Text(t)) | Some(Value::Link(t)) => subject.push_str(t),
                Some(Value::Links(links)) => {
                    subject.push_str(&links.iter().map(|(l, _)| l.as_str()).collect::<Vec<_>>().join(", "))
                }
                None => {}
            },
        }
    }
    let subject = subject.split_whitespace().collect::<Vec<_>>().join(" ");

    let body = text.body.replace("\r\n", "\n").replace('\r', "\n");
    let mut paragraphs: Vec<String> = Vec::new();
    let mut current: Vec<&str> = Vec::new();
    for line in body.lines() {
        if line.trim().is_empty() {
            if !current.is_empty() {
                paragraphs.push(current.join("\n"));
                current.clear();
            }
        } else {
            current.push(line.trim_end());
        }
    }
    if !current.is_empty() {
        paragraphs.push(current.join("\n"));
    }
    let (mut text_part, mut html_part) = (String::new(), String::new());
    for paragraph in paragraphs {
        let pieces = pieces(&paragraph);
        let complete = pieces.iter().all(|p| match p {
            Piece::Placeholder(name) => values.get(name).is_some(),
            Piece::Literal(_) => true,
        });
        if !complete {
            continue;
        }
        let (mut t, mut h) = (String::new(), String::new());
        for piece in pieces {
            match piece {
                Piece::Literal(l) => {
                    t.push_str(&l);
                    h.push_str(&escape_html(&l).replace('\n', "<br>"));
                }
                Piece::Placeholder(name) => match values.get(&name) {
                    Some(Value::Text(v)) => {
                        t.push_str(v);
                        h.push_str(&escape_html(v).replace('\n', "<br>"));
                    }
                    Some(Value::Link(url)) => {
                        t.push_str(url);
                        h.push_str(&format!("<a href=\"{0}\">{0}</a>", escape_html(url)));
                    }
                    Some(Value::Links(links)) => {
                        t.push_str(
                            &links
                                .iter()
                                .map(|(label, url)| format!("{label} :\n{url}"))
                                .collect::<Vec<_>>()
                                .join("\n\n"),
                        );
                        h.push_str(
                            &links
                                .iter()
                                .map(|(label, url)| {
                                    format!("<a href=\"{}\">{}</a>", escape_html(url), escape_html(label))
                                })
                                .collect::<Vec<_>>()
                                .join("<br>"),
                        );
                    }
                    None => {}
                },
            }
        }
        text_part.push_str(&t);
        text_part.push_str("\n\n");
        html_part.push_str(&format!("<p>{h}</p>\n"));
    }
    Rendered { subject, text: text_part, html: html_part }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(subject: &str, body: &str) -> MailText {
        MailText { subject: subject.into(), body: body.into() }
    }

    #[test]
    fn an_unknown_placeholder_is_refused_naming_the_field_and_the_placeholder() {
        let refused = check_text(MailKind::Invitation, &text("Invitation {questionaire}", "Voici {lien}")).unwrap_err();
        assert_eq!(refused.0.len(), 1);
        assert_eq!(refused.0[0].field, "subject");
        assert!(refused.0[0].message.contains("{questionaire}") && refused.0[0].message.contains("inconnu"));
        let refused = check_text(MailKind::Invitation, &text("Invitation", "Voici {lien} pour {theme}")).unwrap_err();
        assert_eq!(refused.0[0].field, "body");
        assert!(refused.0[0].message.contains("{theme}"), "{refused:?}");
        // An unclosed brace, a missing link.
        let refused = check_text(MailKind::Invitation, &text("Objet {lien", "Sans lien")).unwrap_err();
        assert_eq!(refused.0.iter().map(|e| e.field.as_str()).collect::<Vec<_>>(), ["subject", "body"]);
        assert!(refused.0[0].message.contains("Accolade ouvrante"), "{refused:?}");
        assert!(refused.0[1].message.contains("{lien}"));
        // Doubled braces are literal ones.
        check_text(MailKind::Invitation, &text("{{Essaim}}", "Voici {lien} {{ }}")).unwrap();
        for kind in MailKind::ALL {
            check_text(kind, &kind.default_text()).unwrap_or_else(|e| panic!("{}: {e:?}", kind.code()));
        }
    }

    #[test]
    fn values_are_escaped_in_the_html_part_and_whole_in_the_text_part() {
        let values = Values::default()
            .text("organisation", "<script>alert(1)</script> & Cie")
            .link("lien", "https://essaim.exemple.fr/q/a?b=1&c=\"2\"");
        let r = render(&text("Pour {organisation}", "Bonjour {organisation},\nvoici :\n{lien}\n\n{{ fin }}"), &values);
        assert_eq!(r.subject, "Pour <script>alert(1)</script> & Cie");
        assert!(r.text.starts_with(
            "Bonjour <script>alert(1)</script> & Cie,\nvoici :\nhttps://essaim.exemple.fr/q/a?b=1&c=\"2\"\n\n"
        ));
        assert!(r.text.ends_with("{ fin }\n\n"));
        assert!(!r.html.contains("<script>"), "{}", r.html);
        assert!(r.html.contains("&lt;script&gt;alert(1)&lt;/script&gt; &amp; Cie,<br>voici :<br>"));
        assert!(r.html.contains(
            "<a href=\"https://essaim.exemple.fr/q/a?b=1&amp;c=&quot;2&quot;\">https://essaim.exemple.fr/q/a?b=1&amp;c=&quot;2&quot;</a>"
        ));
    }

    #[test]
    fn a_paragraph_citing_a_missing_value_is_left_out() {
        let values = Values::default().text("questionnaire", "Q").text("organisateurs", "  ");
        let r = render(
            &text(
                "{questionnaire}",
                "Bonjour.\n\nMenée par {organisateurs}.\n\nJusqu'au {date_limite}.\n\nFin de {questionnaire}.",
            ),
            &values,
        );
        assert_eq!(r.text, "Bonjour.\n\nFin de Q.\n\n");
        assert_eq!(r.html, "<p>Bonjour.</p>\n<p>Fin de Q.</p>\n");
    }
}
