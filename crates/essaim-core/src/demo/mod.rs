//! The demo consultation, from the press file of the first conférence régionale de l'ESS
//! (Pays de la Loire, Angers, 28 June 2016). Seeding is idempotent: a present demo is left alone.

use std::collections::HashMap;

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;

use crate::db::{write_transaction, DbConnection, Id};
use crate::domain::account::{create_account, find_account_by_email, NewAccount};
use crate::domain::consultation::{create_consultation, NewConsultation, Phase, Territory, Theme};
use crate::domain::contribution::{record_bulk, Author, NewContribution, Submitter};
use crate::domain::organisation::{create_organisation, NewOrganisation};
use crate::domain::vocab::{Channel, ContributionKind, PhaseKind, TerritoryKind};
use crate::error::{CoreError, CoreResult};
use crate::schema::{accounts, consultation_territories, consultations, phases, territories};

/// Slug of the demo consultation.
pub const DEMO_SLUG: &str = "ess-pays-de-la-loire-2016";
/// Title of the demo consultation.
pub const DEMO_TITLE: &str = "Stratégie régionale de l'ESS — Pays de la Loire 2016";

/// The five themes of the *socle*, in their exact wording (PRODUCT.md).
pub const FIVE_THEMES: [&str; 5] = [
    "Acteurs de l'ESS et institutions publiques : une relation privilégiée ?",
    "Un mode d'entreprendre à essaimer et développer",
    "Soutien et développement de l'emploi",
    "Coopération, mutualisation et mise en réseau au profit des territoires",
    "Communication et promotion de l'ESS",
];

/// The five départements of Pays de la Loire.
pub const DEPARTEMENTS: [(&str, &str); 5] =
    [("44", "Loire-Atlantique"), ("49", "Maine-et-Loire"), ("53", "Mayenne"), ("72", "Sarthe"), ("85", "Vendée")];

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
    record_bulk(conn, &rows)
}

fn date(y: i32, m: u32, d: u32) -> Option<NaiveDate> {
    NaiveDate::from_ymd_opt(y, m, d)
}

/// What seeding did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SeedOutcome {
    /// The demo was written now.
    Created,
    /// It was already there; nothing changed.
    AlreadyPresent,
}

/// Seeds the demo consultation, its territories, organisations and accounts, in one transaction.
pub fn seed_demo(conn: &mut DbConnection) -> CoreResult<SeedOutcome> {
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
        let input = NewConsultation {
            slug: DEMO_SLUG.to_owned(),
            title: DEMO_TITLE.to_owned(),
            region: "Pays de la Loire".to_owned(),
            description:
                "L'État et la Région Pays de la Loire réunissent les acteurs de l'économie sociale et solidaire \
                pour construire la stratégie régionale de l'ESS, valable cinq ans, à partir des ateliers de lancement, \
                du questionnaire aux acteurs et de la conférence régionale d'Angers."
                    .to_owned(),
            starts_on: date(2016, 4, 1),
            ends_on: date(2016, 11, 30),
            retention_until: date(2021, 11, 30),
        };
        let titles: Vec<String> = FIVE_THEMES.iter().map(|t| (*t).to_owned()).collect();
        let (consultation, themes) = create_consultation(conn, &input, &titles)?;

        for phase in demo_phases(consultation.id) {
            diesel::insert_into(phases::table).values(phase).execute(conn)?;
        }

        for (code, name) in DEPARTEMENTS {
            let existing = territories::table
                .filter(territories::code.eq(code))
                .select(territories::id)
                .first::<Id>(conn)
                .optional()?;
            let territory_id = match existing {
                Some(id) => id,
                None => {
                    let territory = Territory {
                        id: Id::new(),
                        code: code.to_owned(),
                        name: name.to_owned(),
                        kind: TerritoryKind::Departement,
                    };
                    diesel::insert_into(territories::table).values(territory.clone()).execute(conn)?;
                    territory.id
                }
            };
            diesel::insert_into(consultation_territories::table)
                .values((
                    consultation_territories::consultation_id.eq(consultation.id),
                    consultation_territories::territory_id.eq(territory_id),
                ))
                .execute(conn)?;
        }

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
                    create_account(conn, &input, None)?
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

/// The phases, from the press file: the conference is in Angers on 28 June 2016 (plenary part 1,
/// treasure hunt, plenary part 2) and the strategy is presented in the mois de l'ESS, November
/// 2016. The press file gives no dates for the launch workshops, the questionnaire and the
/// synthesis: the ones below are plausible placeholders (docs/demo.md).
fn demo_phases(consultation_id: Id) -> Vec<Phase> {
    let angers = Some("Angers".to_owned());
    let rows = [
        (PhaseKind::LaunchWorkshops, "Ateliers de lancement", date(2016, 4, 1), date(2016, 4, 30), None),
        (PhaseKind::Questionnaire, "Questionnaire aux acteurs", date(2016, 4, 15), date(2016, 6, 15), None),
        (PhaseKind::Conference, "Conférence régionale de l'ESS", date(2016, 6, 28), date(2016, 6, 28), angers.clone()),
        (
            PhaseKind::PlenaryPart1,
            "Plénière, 1re partie : présentation des propositions d'orientations",
            date(2016, 6, 28),
            date(2016, 6, 28),
            angers.clone(),
        ),
        (PhaseKind::TreasureHunt, "Chasse aux trésors de l'ESS", date(2016, 6, 28), date(2016, 6, 28), angers.clone()),
        (
            PhaseKind::PlenaryPart2,
            "Plénière, 2e partie : débat sur les orientations",
            date(2016, 6, 28),
            date(2016, 6, 28),
            angers,
        ),
        (PhaseKind::Synthesis, "Synthèse et rédaction de la stratégie", date(2016, 7, 1), date(2016, 10, 31), None),
        (
            PhaseKind::Publication,
            "Présentation de la stratégie — mois de l'ESS",
            date(2016, 11, 1),
            date(2016, 11, 30),
            None,
        ),
    ];
    rows.into_iter()
        .enumerate()
        .map(|(i, (kind, title, starts_on, ends_on, location))| Phase {
            id: Id::new(),
            consultation_id,
            position: i as i32 + 1,
            kind,
            title: title.to_owned(),
            starts_on,
            ends_on,
            location,
        })
        .collect()
}
