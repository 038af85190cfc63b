//! Turning raw rows into contributions, every problem reported with its line.

use std::collections::{HashMap, HashSet};

use chrono::{DateTime, NaiveDate, NaiveDateTime};
use essaim_core::db::Id;
use essaim_core::domain::contribution::{clean_text, Author, NewContribution, Submitter, ValidContribution};
use essaim_core::domain::{Channel, ContributionKind};
use sha2::{Digest, Sha256};

use super::parse::RawRow;
use super::LineError;

/// Longest text accepted, in characters: the one limit of every channel.
pub const MAX_TEXT_CHARS: usize = essaim_core::domain::contribution::MAX_CONTRIBUTION_CHARS;

/// At most this many refused lines are kept (and listed); the count of the rest is kept.
pub const MAX_LISTED_ERRORS: usize = 1_000;

/// Lowercase, apostrophes unified, spaces folded: how names are compared.
pub fn name_key(name: &str) -> String {
    name.trim().replace('’', "'").to_lowercase().split_whitespace().collect::<Vec<_>>().join(" ")
}

/// What rows are checked against.
pub struct Context {
    /// The consultation receiving the rows.
    pub consultation_id: Id,
    /// Theme name key → theme id.
    pub themes: HashMap<String, Id>,
    /// The consultation's theme ids, for the core's checks.
    pub theme_ids: Vec<Id>,
    /// Territory code or name key → territory id.
    pub territories: HashMap<String, Id>,
    /// Organisation name key → organisation id.
    pub organisations: HashMap<String, Id>,
    /// External references of the rows being checked already stored for this consultation →
    /// their text (asked a batch at a time: the consultation may hold millions).
    pub existing: HashMap<String, String>,
    /// When the import runs (default `created_at`).
    pub now: NaiveDateTime,
}

/// What checking a row gives.
pub enum Checked {
    /// A contribution to write, checked by the core's rules.
    Valid(Box<ValidContribution>),
    /// Already imported with the same text: skipped, so a file can be imported again.
    AlreadyPresent,
    /// Refused, with why.
    Refused(LineError),
}

/// The references met so far in the file, kept as 128-bit digests: 16 bytes a line rather
/// than the text, and a false "already met" would need a collision of SHA-256 truncated to
/// 128 bits (about one in 10^28 for a million lines).
#[derive(Default)]
pub struct SeenRefs(HashSet<u128>);

impl SeenRefs {
    /// Whether `reference` is met for the first time (and remembers it).
    pub fn first_time(&mut self, reference: &str) -> bool {
        let digest = Sha256::digest(reference.as_bytes());
        let mut first = [0; 16];
        first.copy_from_slice(&digest[..16]);
        self.0.insert(u128::from_le_bytes(first))
    }
}

fn parse_kind(raw: &str) -> Option<ContributionKind> {
    match name_key(raw).as_str() {
        "" | "proposition" => Some(ContributionKind::Proposition),
        "constat" => Some(ContributionKind::Constat),
        "experience" | "expérience" | "bonne pratique" | "expérience / bonne pratique" => {
            Some(ContributionKind::Experience)
        }
        "question" => Some(ContributionKind::Question),
        _ => None,
    }
}

fn parse_channel(raw: &str) -> Option<Channel> {
    let key = name_key(raw);
    if key.is_empty() {
        return Some(Channel::Import);
    }
    Channel::parse(&key).or_else(|| Channel::ALL.iter().copied().find(|c| name_key(c.label()) == key))
}

fn parse_instant(raw: &str) -> Option<NaiveDateTime> {
    let raw = raw.trim();
    if let Ok(at) = DateTime::parse_from_rfc3339(raw) {
        return Some(at.naive_utc());
    }
    for format in ["%Y-%m-%d %H:%M:%S", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M"] {
        if let Ok(at) = NaiveDateTime::parse_from_str(raw, format) {
            return Some(at);
        }
    }
    ["%Y-%m-%d", "%d/%m/%Y"]
        .iter()
        .find_map(|f| NaiveDate::parse_from_str(raw, f).ok())
        .and_then(|d| d.and_hms_opt(0, 0, 0))
}

/// Checks a row against the consultation and the rows before it.
pub fn check_row(row: RawRow, context: &Context, seen: &mut SeenRefs) -> Checked {
    let mut reasons: Vec<String> = Vec::new();
    let reference = row.id.trim().to_owned();
    let text = match clean_text(&row.text) {
        Ok(text) => text,
        Err(_) if row.text.trim().is_empty() => String::new(),
        Err(_) => {
            reasons.push(format!("texte de plus de {MAX_TEXT_CHARS} caractères"));
            row.text.trim().to_owned()
        }
    };
    if reference.is_empty() {
        reasons.push("identifiant (id) vide".into());
    } else if !seen.first_time(&reference) {
        reasons.push(format!("identifiant « {reference} » déjà présent plus haut dans le fichier"));
    }
    if text.is_empty() {
        reasons.push("texte vide".into());
    }
    let theme_id = context.themes.get(&name_key(&row.theme)).copied();
    if theme_id.is_none() {
        reasons.push(if row.theme.trim().is_empty() {
            "thème vide".to_owned()
        } else {
            format!("thème inconnu « {} »", row.theme.trim())
        });
    }
    let kind = parse_kind(&row.kind);
    if kind.is_none() {
        reasons.push(format!("type « {} » inconnu (constat, proposition, expérience, question)", row.kind.trim()));
    }
    let channel = parse_channel(&row.channel);
    if channel.is_none() {
        reasons.push(format!("canal « {} » inconnu", row.channel.trim()));
    }
    let territory_id = match row.territory.trim() {
        "" => None,
        raw => {
            let found = context.territories.get(&name_key(raw)).copied();
            if found.is_none() {
                reasons.push(format!("territoire « {raw} » inconnu"));
            }
            found
        }
    };
    let created_at = match row.created_at.trim() {
        "" => Some(context.now),
        raw => {
            let parsed = parse_instant(raw);
            if parsed.is_none() {
                reasons.push(format!("date « {raw} » illisible (attendu AAAA-MM-JJ ou AAAA-MM-JJTHH:MM:SSZ)"));
            }
            parsed
        }
    };
    if let Some(previous) = context.existing.get(&reference) {
        if reasons.is_empty() && *previous == text {
            return Checked::AlreadyPresent;
        }
        reasons.push(format!("identifiant « {reference} » déjà importé avec un autre texte"));
    }
    let organisation = row.organisation.trim();
    let author = match (organisation.is_empty(), context.organisations.get(&name_key(organisation))) {
        (true, _) => Author::Anonymous,
        (false, Some(id)) => Author::Organisation(*id),
        (false, None) => Author::NamedOrganisation(organisation.to_owned()),
    };
    // Imported answers come from a source that collected them already: accepted on arrival.
    let mut input = NewContribution::new(
        context.consultation_id,
        channel.unwrap_or(Channel::Import),
        kind.unwrap_or(ContributionKind::Proposition),
        text,
        Submitter::Import,
    )
    .author(author)
    .received_at(created_at.unwrap_or(context.now))
    .external_ref(reference);
    input.theme_id = theme_id;
    input.territory_id = territory_id;
    if reasons.is_empty() {
        match input.validate(&context.theme_ids) {
            Ok(valid) => return Checked::Valid(Box::new(valid)),
            Err(errors) => reasons.extend(errors.0.into_iter().map(|e| e.message)),
        }
    }
    Checked::Refused(LineError { line: row.line, reason: reasons.join(" ; ") })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn context() -> Context {
        let theme = Id::new();
        Context {
            consultation_id: Id::new(),
            themes: HashMap::from([(name_key("Soutien et développement de l’emploi"), theme)]),
            theme_ids: vec![theme],
            territories: HashMap::from([("44".to_owned(), Id::new()), ("loire-atlantique".to_owned(), Id::new())]),
            organisations: HashMap::new(),
            existing: HashMap::from([("old".to_owned(), "Déjà là".to_owned())]),
            now: chrono::NaiveDate::from_ymd_opt(2016, 6, 28).unwrap().and_hms_opt(9, 0, 0).unwrap(),
        }
    }

    /// Checks rows in order: the contributions, how many were already present, the errors.
    fn check_rows(rows: Vec<RawRow>, context: &Context) -> (Vec<ValidContribution>, usize, Vec<LineError>) {
        let (mut valid, mut already, mut errors) = (Vec::new(), 0, Vec::new());
        let mut seen = SeenRefs::default();
        for row in rows {
            match check_row(row, context, &mut seen) {
                Checked::Valid(contribution) => valid.push(*contribution),
                Checked::AlreadyPresent => already += 1,
                Checked::Refused(error) => errors.push(error),
            }
        }
        (valid, already, errors)
    }

    fn row(line: usize, id: &str, theme: &str, text: &str) -> RawRow {
        RawRow { line, id: id.into(), theme: theme.into(), text: text.into(), ..Default::default() }
    }

    #[test]
    fn every_bad_line_is_reported_with_its_reason() {
        let theme = "soutien et développement de l'emploi";
        let mut bad_kind = row(6, "e", theme, "x");
        bad_kind.kind = "avis".into();
        let mut bad_place = row(7, "f", theme, "x");
        bad_place.territory = "99".into();
        bad_place.created_at = "hier".into();
        let rows = vec![
            row(2, "a", theme, "Des emplois non délocalisables"),
            row(3, "a", theme, "doublon"),
            row(4, "", "Inconnu", ""),
            row(5, "old", theme, "Déjà là"),
            bad_kind,
            bad_place,
            row(8, "old", theme, "Autre texte"),
        ];
        let (contributions, already_present, errors) = check_rows(rows, &context());
        assert_eq!(contributions.len(), 1);
        assert_eq!(already_present, 1);
        let lines: Vec<usize> = errors.iter().map(|e| e.line).collect();
        assert_eq!(lines, [3, 4, 6, 7, 8]);
        assert!(errors[0].reason.contains("déjà présent plus haut"));
        assert!(errors[1].reason.contains("identifiant (id) vide"));
        assert!(errors[1].reason.contains("thème inconnu « Inconnu »"));
        assert!(errors[1].reason.contains("texte vide"));
        assert!(errors[2].reason.contains("type « avis » inconnu"));
        assert!(errors[3].reason.contains("territoire « 99 » inconnu"));
        assert!(errors[3].reason.contains("date « hier » illisible"));
        assert!(errors[4].reason.contains("déjà importé avec un autre texte"));
    }

    #[test]
    fn optional_columns_are_read() {
        let mut r = row(2, "a", "Soutien et développement de l'emploi", "Texte");
        r.kind = "Expérience".into();
        r.channel = "Chasse aux trésors".into();
        r.territory = "Loire-Atlantique".into();
        r.created_at = "2016-06-28T14:05:00+02:00".into();
        r.organisation = "Les Ecossolies".into();
        let (contributions, _, _) = check_rows(vec![r], &context());
        let c = contributions[0].contribution();
        assert_eq!(c.kind, ContributionKind::Experience);
        assert_eq!(c.channel, Channel::TreasureHunt);
        assert!(c.territory_id.is_some());
        assert_eq!(c.created_at.to_string(), "2016-06-28 12:05:00");
        assert_eq!(c.author_name.as_deref(), Some("Les Ecossolies"));
        assert_eq!(c.external_ref.as_deref(), Some("a"));
    }
}
