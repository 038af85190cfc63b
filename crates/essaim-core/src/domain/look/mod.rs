//! A consultation's look and legal pages (issue 17 item 8; docs/look-and-legal.md): its accent
//! colour ([`colour`]), the organisers' logo ([`logo`]), and the three legal pages every
//! footer links ([`legal`]), the consultation's and the installation's. Each write checks
//! everything first and changes nothing when anything is refused; each is audited.

pub mod colour;
pub mod legal;
pub mod logo;
pub mod setup;

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::clock::now;
use crate::db::{write_transaction, DbConnection, Id};
use crate::domain::audit::{record, AuditEvent};
use crate::domain::consultation::Consultation;
use crate::error::{CoreError, CoreResult, ValidationErrors};
use crate::schema::{consultation_looks, installation_settings, legal_pages};

pub use colour::check_accent;
pub use legal::{default_page, LegalKind};
pub use logo::prepare_logo;

/// What pages show of a consultation's look (the logo's bytes are read only to serve it).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Look {
    /// `#rrggbb`, checked; `None` for the stylesheet's own colour.
    pub accent_colour: Option<String>,
    /// The logo's text alternative when there is a logo.
    pub logo_alt: Option<String>,
    /// When it last changed (the logo's and stylesheet's addresses carry it, so a browser
    /// caches them as long as it likes).
    pub updated_at: Option<NaiveDateTime>,
}

impl Look {
    /// A number that changes with the look, for the addresses of the logo and the stylesheet.
    pub fn version(&self) -> i64 {
        self.updated_at.map_or(0, |t| t.and_utc().timestamp_millis())
    }
}

/// The look of a consultation (the default one when it has none).
pub fn look_of(conn: &mut DbConnection, consultation: Id) -> CoreResult<Look> {
    let row: Option<(Option<String>, bool, String, NaiveDateTime)> = consultation_looks::table
        .find(consultation)
        .select((
            consultation_looks::accent_colour,
            consultation_looks::logo.is_not_null(),
            consultation_looks::logo_alt,
            consultation_looks::updated_at,
        ))
        .first(conn)
        .optional()?;
    Ok(match row {
        None => Look::default(),
        Some((accent_colour, has_logo, alt, updated_at)) => {
            Look { accent_colour, logo_alt: has_logo.then_some(alt), updated_at: Some(updated_at) }
        }
    })
}

/// The logo of a consultation, a PNG, if it has one.
pub fn logo_of(conn: &mut DbConnection, consultation: Id) -> CoreResult<Option<Vec<u8>>> {
    Ok(consultation_looks::table
        .find(consultation)
        .select(consultation_looks::logo)
        .first::<Option<Vec<u8>>>(conn)
        .optional()?
        .flatten())
}

/// What a change of look sets; `None` leaves a part as it is.
#[derive(Debug, Clone, Default)]
pub struct LookChange {
    /// The accent colour: `Some("")` removes it.
    pub accent_colour: Option<String>,
    /// A new logo file (PNG or SVG).
    pub logo: Option<Vec<u8>>,
    /// The logo's text alternative (required when there is a logo).
    pub logo_alt: Option<String>,
    /// Removes the logo.
    pub remove_logo: bool,
}

/// Changes a consultation's look: everything is checked first, each refusal naming its field
/// (`accent_colour`, `logo`, `logo_alt`); nothing is written when one is refused.
pub fn change_look(
    conn: &mut DbConnection,
    actor: Option<Id>,
    consultation: Id,
    change: &LookChange,
) -> CoreResult<Look> {
    let mut errors = ValidationErrors::default();
    let accent = match change.accent_colour.as_deref().map(str::trim) {
        None => None,
        Some("") => Some(None),
        Some(raw) => match check_accent(raw) {
            Ok(colour) => Some(Some(colour)),
            Err(message) => {
                errors.add("accent_colour", message);
                None
            }
        },
    };
    let logo = match &change.logo {
        Some(bytes) => match prepare_logo(bytes) {
            Ok(prepared) => Some(prepared.png),
            Err(message) => {
                errors.add("logo", message);
                None
            }
        },
        None => None,
    };
    write_transaction(conn, |conn| {
        let current: Option<(Option<String>, Option<Vec<u8>>, String)> = consultation_looks::table
            .find(consultation)
            .select((consultation_looks::accent_colour, consultation_looks::logo, consultation_looks::logo_alt))
            .first(conn)
            .optional()?;
        let (old_accent, old_logo, old_alt) = current.clone().unwrap_or_default();
        let new_accent = accent.clone().unwrap_or(old_accent);
        let new_logo = if change.remove_logo { None } else { logo.clone().or(old_logo) };
        let new_alt = match &change.logo_alt {
            Some(raw) if new_logo.is_some() => match logo::check_alt(raw) {
                Ok(alt) => alt,
                Err(message) => {
                    errors.add("logo_alt", message);
                    String::new()
                }
            },
            _ if new_logo.is_none() => String::new(),
            _ if old_alt.is_empty() => {
                errors.add("logo_alt", logo::check_alt("").unwrap_err());
                String::new()
            }
            _ => old_alt,
        };
        std::mem::take(&mut errors).into_result()?;
        let at = now();
        if current.is_some() {
            diesel::update(consultation_looks::table.find(consultation))
                .set((
                    consultation_looks::accent_colour.eq(&new_accent),
                    consultation_looks::logo.eq(&new_logo),
                    consultation_looks::logo_alt.eq(&new_alt),
                    consultation_looks::updated_at.eq(at),
                ))
                .execute(conn)?;
        } else {
            diesel::insert_into(consultation_looks::table)
                .values((
                    consultation_looks::consultation_id.eq(consultation),
                    consultation_looks::accent_colour.eq(&new_accent),
                    consultation_looks::logo.eq(&new_logo),
                    consultation_looks::logo_alt.eq(&new_alt),
                    consultation_looks::updated_at.eq(at),
                ))
                .execute(conn)?;
        }
        record(
            conn,
            AuditEvent::new(actor, "consultation.look", "consultation", Some(consultation.to_string())).with_details(
                serde_json::json!({
                    "accent_colour": new_accent,
                    "logo": new_logo.as_ref().map(Vec::len),
                    "logo_alt": new_alt,
                }),
            ),
        )?;
        Ok(Look { accent_colour: new_accent, logo_alt: new_logo.is_some().then_some(new_alt), updated_at: Some(at) })
    })
}

/// A legal page as shown: its text, and whether someone wrote it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LegalPage {
    /// Which page.
    pub kind: LegalKind,
    /// Its text (see [`legal`] for its marks).
    pub body: String,
    /// False when it is the default text.
    pub customised: bool,
}

fn setting_name(kind: LegalKind) -> String {
    format!("legal_page:{}", kind.slug())
}

/// A consultation's legal page (`Some`), or the installation's (`None`).
pub fn legal_page(
    conn: &mut DbConnection,
    consultation: Option<&Consultation>,
    kind: LegalKind,
) -> CoreResult<LegalPage> {
    let written: Option<String> = match consultation {
        Some(c) => legal_pages::table.find((c.id, kind.slug())).select(legal_pages::body).first(conn).optional()?,
        None => installation_settings::table
            .find(setting_name(kind))
            .select(installation_settings::value)
            .first(conn)
            .optional()?,
    };
    Ok(match written {
        Some(body) => LegalPage { kind, body, customised: true },
        None => LegalPage { kind, body: default_page(kind, consultation), customised: false },
    })
}

/// The pages a consultation's staff wrote, in the footer's order.
pub fn customised_pages(conn: &mut DbConnection, consultation: Id) -> CoreResult<Vec<(LegalKind, String)>> {
    let rows: Vec<(String, String)> = legal_pages::table
        .filter(legal_pages::consultation_id.eq(consultation))
        .select((legal_pages::kind, legal_pages::body))
        .load(conn)?;
    let mut pages: Vec<(LegalKind, String)> =
        rows.into_iter().filter_map(|(kind, body)| Some((LegalKind::from_slug(&kind)?, body))).collect();
    pages.sort_by_key(|(kind, _)| *kind);
    Ok(pages)
}

/// Writes a legal page (`body`), or puts its default text back (`None`), of a consultation
/// (`Some`) or of the installation (`None`). A refusal names the field `body`.
pub fn set_legal_page(
    conn: &mut DbConnection,
    actor: Option<Id>,
    consultation: Option<Id>,
    kind: LegalKind,
    body: Option<&str>,
) -> CoreResult<()> {
    let body = match body {
        Some(raw) => Some(legal::check_page(kind, raw).map_err(|m| CoreError::invalid("body", m))?),
        None => None,
    };
    write_transaction(conn, |conn| {
        write_page(conn, consultation, kind, body.as_deref())?;
        record(
            conn,
            AuditEvent::new(
                actor,
                if body.is_some() { "legal_page.edit" } else { "legal_page.reset" },
                if consultation.is_some() { "consultation" } else { "installation" },
                consultation.map(|c| c.to_string()),
            )
            .with_details(serde_json::json!({ "kind": kind.slug() })),
        )?;
        Ok(())
    })
}

/// Writes or removes a checked page, inside the caller's transaction.
pub(crate) fn write_page(
    conn: &mut DbConnection,
    consultation: Option<Id>,
    kind: LegalKind,
    body: Option<&str>,
) -> CoreResult<()> {
    let at = now();
    match consultation {
        Some(id) => {
            diesel::delete(legal_pages::table.find((id, kind.slug()))).execute(conn)?;
            if let Some(body) = body {
                diesel::insert_into(legal_pages::table)
                    .values((
                        legal_pages::consultation_id.eq(id),
                        legal_pages::kind.eq(kind.slug()),
                        legal_pages::body.eq(body),
                        legal_pages::updated_at.eq(at),
                    ))
                    .execute(conn)?;
            }
        }
        None => {
            diesel::delete(installation_settings::table.find(setting_name(kind))).execute(conn)?;
            if let Some(body) = body {
                diesel::insert_into(installation_settings::table)
                    .values((
                        installation_settings::name.eq(setting_name(kind)),
                        installation_settings::value.eq(body),
                        installation_settings::updated_at.eq(at),
                    ))
                    .execute(conn)?;
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::consultation::find_consultation_by_id;
    use crate::domain::setup::{export, import};
    use crate::error::CoreError;
    use crate::schema::{audit_log, consultation_looks};

    fn fields(error: CoreError) -> Vec<(String, String)> {
        match error {
            CoreError::Validation(errors) => errors.0.into_iter().map(|e| (e.field, e.message)).collect(),
            other => panic!("not a refusal: {other:?}"),
        }
    }

    const SVG: &str = r##"<svg xmlns="http://www.w3.org/2000/svg" width="40" height="20"><rect width="40" height="20" fill="#0b5e57"/></svg>"##;

    #[test]
    fn a_refused_change_writes_nothing() {
        let db = crate::testing::TestDb::new();
        let mut conn = db.conn();
        let (id, _) = crate::testing::demo(&mut conn);
        let audited = |conn: &mut DbConnection| audit_log::table.count().get_result::<i64>(conn).unwrap();
        let before = audited(&mut conn);
        // A good colour with a script-bearing logo: both refused together, nothing kept.
        let change = LookChange {
            accent_colour: Some("#0b5e57".into()),
            logo: Some(br#"<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>"#.to_vec()),
            logo_alt: Some("Région".into()),
            remove_logo: false,
        };
        let refused = fields(change_look(&mut conn, None, id, &change).unwrap_err());
        assert_eq!(refused[0].0, "logo");
        assert_eq!(consultation_looks::table.count().get_result::<i64>(&mut conn).unwrap(), 0);
        let low = LookChange { accent_colour: Some("#777777".into()), ..LookChange::default() };
        let refused = fields(change_look(&mut conn, None, id, &low).unwrap_err());
        assert_eq!(refused[0].0, "accent_colour");
        assert!(refused[0].1.contains("4,48:1"));
        // A logo without its text alternative.
        let no_alt = LookChange { logo: Some(SVG.as_bytes().to_vec()), ..LookChange::default() };
        assert_eq!(fields(change_look(&mut conn, None, id, &no_alt).unwrap_err())[0].0, "logo_alt");
        assert_eq!(consultation_looks::table.count().get_result::<i64>(&mut conn).unwrap(), 0);
        assert_eq!(audited(&mut conn), before);

        let good = LookChange {
            accent_colour: Some("#1D4ED8".into()),
            logo: Some(SVG.as_bytes().to_vec()),
            logo_alt: Some("Région Bretagne".into()),
            remove_logo: false,
        };
        let look = change_look(&mut conn, None, id, &good).unwrap();
        assert_eq!(look.accent_colour.as_deref(), Some("#1d4ed8"));
        assert_eq!(look_of(&mut conn, id).unwrap().logo_alt.as_deref(), Some("Région Bretagne"));
        assert!(logo_of(&mut conn, id).unwrap().unwrap().starts_with(b"\x89PNG"));
        // Removing the colour and the logo.
        let cleared = LookChange { accent_colour: Some(String::new()), remove_logo: true, ..LookChange::default() };
        let look = change_look(&mut conn, None, id, &cleared).unwrap();
        assert_eq!((look.accent_colour, look.logo_alt), (None, None));
        assert_eq!(logo_of(&mut conn, id).unwrap(), None);
        assert_eq!(audited(&mut conn), before + 2);
    }

    #[test]
    fn pages_are_written_and_reset_and_travel_in_the_set_up_file() {
        let db = crate::testing::TestDb::new();
        let mut conn = db.conn();
        let (id, _) = crate::testing::demo(&mut conn);
        let consultation = find_consultation_by_id(&mut conn, id).unwrap();
        let page = legal_page(&mut conn, Some(&consultation), LegalKind::DonneesPersonnelles).unwrap();
        assert!(!page.customised);
        assert!(page.body.contains(&consultation.organisers), "the default names the controller");
        assert!(
            fields(set_legal_page(&mut conn, None, Some(id), LegalKind::MentionsLegales, Some(" ")).unwrap_err())[0].0
                == "body"
        );
        set_legal_page(&mut conn, None, Some(id), LegalKind::MentionsLegales, Some("## Éditeur\r\nRégion")).unwrap();
        let page = legal_page(&mut conn, Some(&consultation), LegalKind::MentionsLegales).unwrap();
        assert_eq!((page.body.as_str(), page.customised), ("## Éditeur\nRégion", true));
        // The installation's pages are apart.
        assert!(!legal_page(&mut conn, None, LegalKind::MentionsLegales).unwrap().customised);
        set_legal_page(&mut conn, None, None, LegalKind::Accessibilite, Some("Audit en cours.")).unwrap();
        assert_eq!(legal_page(&mut conn, None, LegalKind::Accessibilite).unwrap().body, "Audit en cours.");

        let look = LookChange {
            accent_colour: Some("#767676".into()),
            logo: Some(SVG.as_bytes().to_vec()),
            logo_alt: Some("Région".into()),
            remove_logo: false,
        };
        change_look(&mut conn, None, id, &look).unwrap();
        let mut file = export(&mut conn, &consultation.slug, &[]).unwrap();
        let exported = file.look.clone().unwrap();
        assert_eq!(exported.accent_colour.as_deref(), Some("#767676"));
        assert_eq!(exported.logo.as_ref().unwrap().media_type, "image/png");
        assert_eq!(file.legal_pages.mentions_legales.as_deref(), Some("## Éditeur\nRégion"));
        assert_eq!(file.legal_pages.accessibilite, None, "only the pages written");
        let json = serde_json::to_string(&file).unwrap();
        let mut again: crate::domain::setup::SetupFile = serde_json::from_str(&json).unwrap();
        again.consultation.slug = "copie-apparence".into();
        again.sections.clear();
        let copy = import(&mut conn, &again, &[]).unwrap();
        assert_eq!(look_of(&mut conn, copy.id).unwrap().accent_colour.as_deref(), Some("#767676"));
        assert_eq!(logo_of(&mut conn, copy.id).unwrap(), logo_of(&mut conn, id).unwrap());
        assert_eq!(legal_page(&mut conn, Some(&copy), LegalKind::MentionsLegales).unwrap().body, "## Éditeur\nRégion");

        // Refused in a file: each field named, nothing created.
        file.consultation.slug = "refusee".into();
        file.sections.clear();
        file.look = Some(setup::LookSetup {
            accent_colour: Some("#777777".into()),
            logo: Some(setup::LogoSetup {
                media_type: "image/svg+xml".into(),
                data: base64::Engine::encode(
                    &base64::engine::general_purpose::STANDARD,
                    r#"<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>"#,
                ),
                alt: "Logo".into(),
            }),
        });
        file.legal_pages.accessibilite = Some(String::new());
        let refused: Vec<String> =
            fields(import(&mut conn, &file, &[]).unwrap_err()).into_iter().map(|f| f.0).collect();
        assert_eq!(refused, ["look.accent_colour", "look.logo", "legal_pages.accessibilite"]);
        assert!(crate::domain::consultation::find_consultation(&mut conn, "refusee").is_err());
    }
}
