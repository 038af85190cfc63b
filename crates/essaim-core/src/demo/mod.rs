//! The demo consultation, from the press file of the first conférence régionale de l'ESS
//! (Pays de la Loire, Angers, 28 June 2016). Seeding is idempotent: a present demo is left alone.

use std::collections::HashMap;

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;

use crate::db::{write_transaction, DbConnection, Id};
use crate::domain::account::{find_account_by_email, NewAccount};
use crate::domain::consultation::{themes_of, Theme};
use crate::domain::contribution::{record_bulk, Author, NewContribution, Submitter};
use crate::domain::organisation::{create_organisation, NewOrganisation};
use crate::domain::setup::{self, SetupFile, SetupSection};
use crate::domain::vocab::{Channel, ContributionKind};
use crate::error::{CoreError, CoreResult};
use crate::schema::{accounts, consultations, territories};

/// Slug of the demo consultation.
pub const DEMO_SLUG: &str = "ess-pays-de-la-loire-2016";
/// Title of the demo consultation.
pub const DEMO_TITLE: &str = "Stratégie régionale de l'ESS — Pays de la Loire 2016";

/// The five themes of the *socle*, in their exact wording (PRODUCT.md): the demo's set-up file
/// must give them so (a test).
pub const FIVE_THEMES: [&str; 5] = [
    "Acteurs de l'ESS et institutions publiques : une relation privilégiée ?",
    "Un mode d'entreprendre à essaimer et développer",
    "Soutien et développement de l'emploi",
    "Coopération, mutualisation et mise en réseau au profit des territoires",
    "Communication et promotion de l'ESS",
];

/// The demo's set-up file: the consultation, its phases, themes and territories, and the
/// modules' sections (docs/demo.md). Loaded through [`setup::import`], as any Région's.
pub const DEMO_SETUP: &str = include_str!("consultation.json");

/// The demo's set-up, parsed.
pub fn demo_setup() -> SetupFile {
    setup::parse(DEMO_SETUP).expect("the demo set-up file is valid")
}

/// One demo account per role: (role, e-mail, name, password). Shown at `serve --demo`.
pub const DEMO_ACCOUNTS: [(&str, &str, &str, &str); 3] = [
    ("admin", "admin@demo.essaim.fr", "Alice Administratrice", "essaim-demo-admin"),
    ("staff", "equipe@demo.essaim.fr", "Samuel Chargé de mission", "essaim-demo-equipe"),
    ("facilitator", "animation@demo.essaim.fr", "Fatou Animatrice", "essaim-demo-animation"),
];

/// Organisations named by the seed: (name, legal family, département).
const ORGANISATIONS: [(&str, &str, &str); 13] = [
    ("CRESS Pays de la Loire", "association", "44"),
    ("Les Ecossolies", "association", "44"),
    ("COTESS du Pays d'Ancenis", "association", "44"),
    ("Village Terre et Vie", "association", "44"),
    ("Coopérative Idéal", "cooperative", "44"),
    ("FONDES Pays de la Loire", "association", "44"),
    ("URSCOP Ouest", "association", "44"),
    ("IRESA — Inter Réseau de l'Economie Sociale en Anjou", "association", "49"),
    ("CEAS de la Sarthe", "association", "72"),
    ("Club ESS du Pays du Mans", "association", "72"),
    ("Label ESS 85", "association", "85"),
    ("Icroacoa", "association", "85"),
    ("FINANSOL", "association", ""),
];

/// Illustrative contributions, one per line (see the file's header).
const CONTRIBUTIONS: &str = include_str!("contributions.tsv");

/// When a demo contribution arrived, by channel (inside the phase it belongs to).
fn received_at(channel: Channel, line: usize) -> NaiveDateTime {
    let (month, day) = match channel {
        Channel::LaunchWorkshop => (4, 12),
        Channel::Questionnaire | Channel::Online => (5, 2 + (line % 28) as u32),
        _ => (6, 28),
    };
    NaiveDate::from_ymd_opt(2016, month, day)
        .and_then(|d| d.and_hms_opt(9 + (line % 8) as u32, (line * 7 % 60) as u32, 0))
        .unwrap_or_default()
}

fn seed_contributions(
    conn: &mut DbConnection,
    consultation: Id,
    themes: &[Theme],
    organisations: &HashMap<&str, Id>,
    facilitator: Option<Id>,
) -> CoreResult<()> {
    let territories: HashMap<String, Id> = territories::table
        .select((territories::code, territories::id))
        .load::<(String, Id)>(conn)?
        .into_iter()
        .collect();
    let theme_ids: Vec<Id> = themes.iter().map(|t| t.id).collect();
    let mut rows = Vec::new();
    let lines = CONTRIBUTIONS.lines().filter(|l| !l.starts_with('#') && !l.trim().is_empty());
    for (index, line) in lines.enumerate() {
        let fields: Vec<&str> = line.split('\t').collect();
        let [theme, kind, channel, territory, organisation, text] = fields[..] else {
            return Err(CoreError::Internal(format!("ligne de démonstration malformée : {line}")));
        };
        let theme_id = theme.parse::<usize>().ok().and_then(|p| themes.get(p - 1)).map(|t| t.id);
        let channel = Channel::parse(channel).unwrap_or(Channel::Questionnaire);
        let organisation_id = organisations.get(organisation).copied();
        let live = matches!(channel, Channel::LaunchWorkshop | Channel::ConferenceWorkshop | Channel::PlenaryDebate);
        // Workshop and plenary contributions are logged live by the facilitator; the others
        // stand for answers already collected and accepted.
        let submitter = match (live, facilitator) {
            (true, Some(account)) => Submitter::Account(account),
            _ => Submitter::Import,
        };
        let kind = ContributionKind::parse(kind).unwrap_or(ContributionKind::Proposition);
        let mut input = NewContribution::new(consultation, channel, kind, text, submitter)
            .author(organisation_id.map(Author::Organisation).unwrap_or_default())
            .received_at(received_at(channel, index))
            .external_ref(format!("demo-{:03}", index + 1));
        input.theme_id = theme_id;
        input.territory_id = territories.get(territory).copied();
        rows.push(input.validate(&theme_ids).map_err(CoreError::Validation)?);
    }
    let accepting = crate::domain::consultation::ensure_accepting(conn, consultation)?;
    record_bulk(conn, accepting, &rows)
}

/// Gives the demo consultation one module's section of the demo file, for a demo seeded
/// without it (the modules' own tests seed the core's part first). The module says whether
/// its part is there already.
pub fn seed_demo_section(conn: &mut DbConnection, section: &dyn SetupSection) -> CoreResult<()> {
    let file = demo_setup();
    let value = file.sections.get(section.key()).ok_or_else(|| {
        CoreError::Internal(format!("le fichier de démonstration n'a pas de section « {} »", section.key()))
    })?;
    write_transaction(conn, |conn| {
        let consultation = crate::domain::consultation::find_consultation(conn, DEMO_SLUG)?;
        let themes = themes_of(conn, consultation.id)?;
        let territories = crate::domain::consultation::territories_of(conn, consultation.id)?;
        let context = setup::SetupContext { consultation: &consultation, themes: &themes, territories: &territories };
        section.import(conn, &context, value)
    })
}

/// What seeding did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SeedOutcome {
    /// The demo was written now.
    Created,
    /// It was already there; nothing changed.
    AlreadyPresent,
}

/// Seeds the demo consultation from its set-up file (with the sections of the modules given),
/// its organisations, accounts and contributions, in one transaction.
pub fn seed_demo(conn: &mut DbConnection, sections: &[&dyn SetupSection]) -> CoreResult<SeedOutcome> {
    write_transaction(conn, |conn| {
        let present: i64 = consultations::table.filter(consultations::slug.eq(DEMO_SLUG)).count().get_result(conn)?;
        if present > 0 {
            return Ok(SeedOutcome::AlreadyPresent);
        }
        // Demo accounts have published passwords: never add them beside real accounts.
        let demo_emails: Vec<&str> = DEMO_ACCOUNTS.iter().map(|(_, email, _, _)| *email).collect();
        let others: i64 = accounts::table.filter(accounts::email.ne_all(&demo_emails)).count().get_result(conn)?;
        if others > 0 {
            return Err(CoreError::Conflict(
                "cette base contient déjà des comptes : les comptes de démonstration, dont les mots de passe sont publics, n'y sont pas ajoutés (utilisez une base neuve pour la démonstration)".into(),
            ));
        }
        let mut file = demo_setup();
        // The sections of modules not given here are left out: the core's own tests seed the
        // consultation without the questionnaire or the stands.
        file.sections.retain(|key, _| sections.iter().any(|s| s.key() == key));
        let consultation = setup::import(conn, &file, sections)?;
        let themes = themes_of(conn, consultation.id)?;

        let mut organisations = HashMap::new();
        for (name, family, territory) in ORGANISATIONS {
            let input = NewOrganisation {
                name: name.into(),
                legal_family: family.into(),
                siret: String::new(),
                territory_code: territory.into(),
            };
            organisations.insert(name, create_organisation(conn, &input)?.id);
        }

        let mut facilitator = None;
        for (role, email, name, password) in DEMO_ACCOUNTS {
            let account = match find_account_by_email(conn, email)? {
                Some(account) => account,
                None => {
                    let input = NewAccount {
                        email: email.into(),
                        display_name: name.into(),
                        role: role.into(),
                        password: password.into(),
                    };
                    // A facilitator runs the plenaries of their own consultations only.
                    let limits = if role == "facilitator" { vec![consultation.id] } else { Vec::new() };
                    crate::domain::scope::create_limited_account(conn, &input, &limits, None)?
                }
            };
            if role == "facilitator" {
                facilitator = Some(account.id);
            }
        }
        seed_contributions(conn, consultation.id, &themes, &organisations, facilitator)?;
        Ok(SeedOutcome::Created)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_demo_set_up_file_says_what_the_seed_says() {
        let file = demo_setup();
        assert_eq!(file.consultation.slug, DEMO_SLUG);
        assert_eq!(file.consultation.title, DEMO_TITLE);
        let themes: Vec<&str> = file.themes.iter().map(|t| t.title.as_str()).collect();
        assert_eq!(themes, FIVE_THEMES);
        let codes: Vec<&str> = file.territories.iter().map(|t| t.code.as_str()).collect();
        assert_eq!(codes, ["44", "49", "53", "72", "85"]);
    }
}
