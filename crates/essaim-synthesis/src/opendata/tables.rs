//! The tables of the open data, each with its Table Schema (docs/open-data.md is their data
//! dictionary: keep both in step).

use std::collections::{HashMap, HashSet};

use chrono::NaiveDateTime;
use diesel::prelude::*;
use essaim_core::db::{DbConnection, Id};
use essaim_core::domain::agreement::{room_agreement, Agreement};
use essaim_core::domain::consultation::Consultation;
use essaim_core::domain::plenary::Judgement;
use essaim_core::domain::publication::{Publication, Snapshot};
use essaim_core::domain::{AuthorKind, Channel, ContributionKind, ModerationStatus};
use essaim_core::schema::{contributions, organisations, territories, themes};
use essaim_core::CoreError;
use essaim_documents::datapackage::{Cell, DataTable, Field, FieldType, ForeignKey};

use crate::commitments::{CommitmentStatus, CommitmentWithNews};
use crate::scrub::Scrubber;

/// The orientations' table.
pub const ORIENTATIONS: &str = "orientations";
/// The links from orientations to contributions.
pub const LINKS: &str = "orientations-contributions";
/// The accepted contributions.
pub const CONTRIBUTIONS: &str = "contributions";
/// The plenary's votes.
pub const VOTES: &str = "votes-pleniere";
/// The commitments.
pub const COMMITMENTS: &str = "engagements";

/// One accepted contribution as the open data shows it: its text already scrubbed.
pub struct OpenContribution {
    id: Id,
    theme: Option<(i32, String)>,
    kind: ContributionKind,
    channel: Channel,
    territory: Option<(String, String)>,
    received: NaiveDateTime,
    organisation: Option<String>,
    text: String,
}

type Row = (
    Id,
    Option<i32>,
    Option<String>,
    String,
    String,
    Option<String>,
    Option<String>,
    NaiveDateTime,
    String,
    Option<String>,
    Option<String>,
    String,
);

/// The consultation's accepted contributions, oldest first, scrubbed of personal data with
/// the names of the persons known as authors. An organisation is kept only where the
/// contribution speaks for it (`author_name` is then the organisation's name, never a
/// person's).
pub(super) fn accepted_contributions(
    conn: &mut DbConnection,
    consultation: &Consultation,
) -> Result<Vec<OpenContribution>, CoreError> {
    let rows: Vec<Row> = contributions::table
        .left_join(themes::table)
        .left_join(territories::table)
        .left_join(organisations::table)
        .filter(contributions::consultation_id.eq(consultation.id))
        .filter(contributions::moderation_status.eq(ModerationStatus::Accepted))
        .order((contributions::created_at.asc(), contributions::id.asc()))
        .select((
            contributions::id,
            themes::position.nullable(),
            themes::title.nullable(),
            contributions::kind,
            contributions::channel,
            territories::code.nullable(),
            territories::name.nullable(),
            contributions::created_at,
            contributions::author_kind,
            organisations::name.nullable(),
            contributions::author_name,
            contributions::body,
        ))
        .load(conn)?;
    let names = crate::run::person_names(conn, consultation.id).map_err(|e| CoreError::Internal(e.to_string()))?;
    let scrubber = Scrubber::new(&names);
    let mut out = Vec::with_capacity(rows.len());
    for (id, position, theme, kind, channel, code, territory, received, author_kind, organisation, named, body) in rows
    {
        let (Some(kind), Some(channel)) = (ContributionKind::parse(&kind), Channel::parse(&channel)) else {
            continue;
        };
        let speaks_for_organisation = AuthorKind::parse(&author_kind) == Some(AuthorKind::Organisation);
        out.push(OpenContribution {
            id,
            theme: position.zip(theme),
            kind,
            channel,
            territory: code.zip(territory),
            received,
            // A registered organisation, or one known only by the name it gave.
            organisation: organisation.or(named).filter(|_| speaks_for_organisation),
            text: scrubber.scrub(&body),
        });
    }
    Ok(out)
}

fn id(name: &'static str, title: &'static str, description: &'static str) -> Field {
    Field::new(name, FieldType::String, title, description).required()
}

fn count(name: &'static str, title: &'static str, description: &'static str) -> Field {
    Field::new(name, FieldType::Integer, title, description).required().between(0, None)
}

fn codes<T: Copy>(all: &[T], code: impl Fn(T) -> &'static str) -> Vec<&'static str> {
    all.iter().map(|v| code(*v)).collect()
}

/// One row per published orientation, in the strategy's order.
pub fn orientations_table(publication: &Publication, snapshot: &Snapshot) -> DataTable {
    let scrubber = Scrubber::new::<&str>(&[]);
    let rows = snapshot
        .orientations()
        .map(|(theme, o)| {
            vec![
                o.id.to_string().into(),
                Cell::Integer(publication.version.into()),
                Cell::Integer(theme.position.into()),
                theme.title.clone().into(),
                o.title.clone().into(),
                o.text.clone().into(),
                o.verdict.map(|v| v.as_str().to_owned()).into(),
                o.verdict.map(|v| v.label().to_owned()).into(),
                Cell::Integer(o.support.contributions),
                Cell::Text(o.amendments.iter().map(|a| scrubber.scrub(a)).collect::<Vec<_>>().join("\n")),
            ]
        })
        .collect();
    DataTable {
        name: ORIENTATIONS,
        title: "Orientations publiées",
        description: "Une ligne par orientation de la stratégie publiée, dans l'ordre des thèmes.".into(),
        fields: vec![
            id("id", "Identifiant", "Identifiant stable de l'orientation (UUID)."),
            count("version", "Version", "Version publiée de la stratégie qui contient l'orientation."),
            Field::new("theme_position", FieldType::Integer, "Numéro du thème", "Rang du thème dans la consultation.")
                .required()
                .between(1, None),
            Field::new("theme", FieldType::String, "Thème", "Intitulé du thème.").required(),
            Field::new("title", FieldType::String, "Titre", "Titre de l'orientation.").required(),
            Field::new("text", FieldType::String, "Texte", "Texte de l'orientation, tel que publié."),
            Field::new("verdict", FieldType::String, "Verdict (code)", "Verdict de la plénière, s'il y a eu un vote.")
                .one_of(codes(Judgement::ALL, Judgement::as_str)),
            Field::new("verdict_label", FieldType::String, "Verdict", "Le verdict en toutes lettres."),
            count("contributions", "Contributions", "Nombre de contributions acceptées à l'origine de l'orientation."),
            Field::new(
                "amendments",
                FieldType::String,
                "Amendements retenus",
                "Textes des amendements retenus par la plénière, un par ligne.",
            ),
        ],
        primary_key: vec!["id"],
        foreign_keys: vec![],
        rows,
    }
}

/// One row per (orientation, contribution) link of the snapshot, for contributions still
/// accepted: the traceability of each orientation.
pub fn links_table(snapshot: &Snapshot, accepted: &[OpenContribution]) -> DataTable {
    let still: HashSet<Id> = accepted.iter().map(|c| c.id).collect();
    let rows = snapshot
        .orientations()
        .flat_map(|(_, o)| {
            let still = &still;
            o.contributions
                .iter()
                .filter(move |c| still.contains(c))
                .map(move |c| vec![o.id.to_string().into(), c.to_string().into()])
        })
        .collect();
    DataTable {
        name: LINKS,
        title: "Contributions à l'origine de chaque orientation",
        description: "Une ligne par contribution acceptée rattachée à une orientation publiée.".into(),
        fields: vec![
            id("orientation_id", "Orientation", "Identifiant de l'orientation (orientations.id)."),
            id("contribution_id", "Contribution", "Identifiant de la contribution (contributions.id)."),
        ],
        primary_key: vec!["orientation_id", "contribution_id"],
        foreign_keys: vec![
            ForeignKey { field: "orientation_id", resource: ORIENTATIONS, reference: "id" },
            ForeignKey { field: "contribution_id", resource: CONTRIBUTIONS, reference: "id" },
        ],
        rows,
    }
}

/// One row per accepted contribution, scrubbed.
pub fn contributions_table(consultation: &Consultation, accepted: &[OpenContribution]) -> DataTable {
    let rows = accepted
        .iter()
        .map(|c| {
            vec![
                c.id.to_string().into(),
                c.theme.as_ref().map(|(p, _)| Cell::Integer((*p).into())).unwrap_or(Cell::Empty),
                c.theme.as_ref().map(|(_, t)| t.clone()).into(),
                c.kind.as_str().into(),
                c.channel.as_str().into(),
                c.territory.as_ref().map(|(code, _)| code.clone()).into(),
                c.territory.as_ref().map(|(_, name)| name.clone()).into(),
                Cell::Text(consultation.local(c.received).format("%Y-%m-%d").to_string()),
                c.organisation.clone().into(),
                c.text.clone().into(),
            ]
        })
        .collect();
    DataTable {
        name: CONTRIBUTIONS,
        title: "Contributions acceptées",
        description: "Une ligne par contribution acceptée par la modération, tous canaux confondus, sans donnée \
                      personnelle : les courriels, téléphones et noms de personnes sont masqués dans le texte."
            .into(),
        fields: vec![
            id("id", "Identifiant", "Identifiant stable de la contribution (UUID)."),
            Field::new(
                "theme_position",
                FieldType::Integer,
                "Numéro du thème",
                "Rang du thème ; vide s'il reste à préciser.",
            )
            .between(1, None),
            Field::new("theme", FieldType::String, "Thème", "Intitulé du thème ; vide s'il reste à préciser."),
            Field::new("kind", FieldType::String, "Nature", "Constat, proposition, expérience ou question (code).")
                .required()
                .one_of(codes(ContributionKind::ALL, ContributionKind::as_str)),
            Field::new("channel", FieldType::String, "Canal", "Par où la contribution est arrivée (code).")
                .required()
                .one_of(codes(Channel::ALL, Channel::as_str)),
            Field::new(
                "territory_code",
                FieldType::String,
                "Code du territoire",
                "Code officiel géographique (INSEE) ou code propre à la consultation.",
            ),
            Field::new("territory", FieldType::String, "Territoire", "Nom du territoire."),
            Field::new("received_on", FieldType::Date, "Reçue le", "Jour de réception, à l'heure de la consultation.")
                .required(),
            Field::new(
                "organisation",
                FieldType::String,
                "Organisation",
                "La structure, seulement quand la contribution parle en son nom ; jamais une personne.",
            ),
            Field::new("text", FieldType::String, "Texte", "Le texte, données personnelles masquées.").required(),
        ],
        primary_key: vec!["id"],
        foreign_keys: vec![],
        rows,
    }
}

/// One row per published orientation that the plenary voted on.
pub fn votes_table(snapshot: &Snapshot) -> DataTable {
    let rows = snapshot
        .orientations()
        .filter_map(|(_, o)| {
            let votes = o.votes?;
            let room = room_agreement(&votes);
            Some(vec![
                o.id.to_string().into(),
                Cell::Integer(votes.confirmed),
                Cell::Integer(votes.to_amend),
                Cell::Integer(votes.not_confirmed),
                Cell::Integer(votes.total()),
                o.verdict.map(|v| v.as_str().to_owned()).into(),
                room.consensus.map_or(Cell::Empty, Cell::Number),
                room.agreement.as_str().to_owned().into(),
            ])
        })
        .collect();
    DataTable {
        name: VOTES,
        title: "Votes de la plénière",
        description: "Une ligne par orientation soumise au vote de la plénière : les voix de chaque choix, une fois \
                      le vote clos, et le verdict de la salle."
            .into(),
        fields: vec![
            id("orientation_id", "Orientation", "Identifiant de l'orientation (orientations.id)."),
            count("confirmed", "Confirmée", "Voix « confirmée »."),
            count("to_amend", "À amender", "Voix « à amender »."),
            count("not_confirmed", "Non confirmée", "Voix « non confirmée »."),
            count("total", "Total", "Toutes les voix exprimées."),
            Field::new("verdict", FieldType::String, "Verdict (code)", "Verdict enregistré par la plénière.")
                .one_of(codes(Judgement::ALL, Judgement::as_str)),
            Field::new(
                "consensus",
                FieldType::Number,
                "Consensus",
                "Mesure de consensus de Tastle et Wierman : de 0 (salle coupée en deux aux extrêmes) à 1 \
                 (unanimité) ; vide en dessous de 10 voix.",
            ),
            Field::new(
                "agreement",
                FieldType::String,
                "Accord de la salle (code)",
                "broad_agreement (consensus ≥ 0,65), divided (≤ 0,35), nuanced entre les deux, too_few_votes \
                 en dessous de 10 voix.",
            )
            .required()
            .one_of(codes(Agreement::ALL, Agreement::as_str)),
        ],
        primary_key: vec!["orientation_id"],
        foreign_keys: vec![ForeignKey { field: "orientation_id", resource: ORIENTATIONS, reference: "id" }],
        rows,
    }
}

/// One row per commitment of a published orientation, with its latest news.
pub fn commitments_table(snapshot: &Snapshot, commitments: &HashMap<Id, Vec<CommitmentWithNews>>) -> DataTable {
    let rows = snapshot
        .orientations()
        .flat_map(|(_, o)| commitments.get(&o.id).into_iter().flatten())
        .map(|c| {
            let latest = c.news.first();
            vec![
                c.commitment.id.to_string().into(),
                c.commitment.orientation_id.to_string().into(),
                c.commitment.action.clone().into(),
                c.commitment.carrier.clone().into(),
                c.commitment.status.as_str().into(),
                Cell::Integer(c.commitment.progress.into()),
                latest.map(|n| n.happened_on.format("%Y-%m-%d").to_string()).into(),
                latest.map(|n| n.body.clone()).into(),
            ]
        })
        .collect();
    DataTable {
        name: COMMITMENTS,
        title: "Engagements",
        description: "Une ligne par engagement pris pour mettre en œuvre une orientation publiée.".into(),
        fields: vec![
            id("id", "Identifiant", "Identifiant stable de l'engagement (UUID)."),
            id("orientation_id", "Orientation", "Identifiant de l'orientation (orientations.id)."),
            Field::new("action", FieldType::String, "Action", "Ce qui sera fait.").required(),
            Field::new("carrier", FieldType::String, "Porteur", "Qui porte l'action.").required(),
            Field::new("status", FieldType::String, "Statut (code)", "Prévu, en cours, réalisé ou abandonné (code).")
                .required()
                .one_of(codes(CommitmentStatus::ALL, CommitmentStatus::as_str)),
            Field::new("progress", FieldType::Integer, "Avancement (%)", "Avancement en pourcentage.")
                .required()
                .between(0, Some(100)),
            Field::new(
                "latest_news_on",
                FieldType::Date,
                "Dernière actualité (date)",
                "Date de la dernière actualité.",
            ),
            Field::new("latest_news", FieldType::String, "Dernière actualité", "Texte de la dernière actualité."),
        ],
        primary_key: vec!["id"],
        foreign_keys: vec![ForeignKey { field: "orientation_id", resource: ORIENTATIONS, reference: "id" }],
        rows,
    }
}
