//! The texts of the mails, per consultation (docs/mails.md). Every kind of mail has a default
//! French subject and body; staff may change both for one consultation, with named
//! placeholders (`{organisation}`, `{lien}`, `{date_limite}`…) from a closed list per kind.
//! A text is checked when it is saved or imported ([`check_text`]): an unknown placeholder or
//! an unclosed brace is refused, naming the field. It is rendered ([`render`]) to a text part
//! and an HTML part where every value is escaped; the modules append what is not editable
//! (a copy of the answers, the contribution's text) after it.
//!
//! The sender's name and address are set per consultation too ([`Sender`]); a queued message
//! carries them, and the mail worker uses the installation's `ESSAIM_FROM` for what is empty.

mod render;
mod setup;
mod store;

pub use render::{check_text, escape_html, render, Rendered, Value, Values};
pub use setup::{check_mails, export_mails, import_mails, MailTextSetup};
pub use store::{
    check_sender, mail_context, questionnaire_closing, reset_text, save_text, sender_of, set_sender, text_for,
    texts_of, KindText, MailContext, Sender,
};

/// Longest subject, in characters.
pub const MAX_SUBJECT_CHARS: usize = 200;
/// Longest body, in characters.
pub const MAX_BODY_CHARS: usize = 10_000;

/// A kind of mail, by its stable code (the outbox's topic, the set-up file's key).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum MailKind {
    /// An organisation invited to the questionnaire, with its personal link.
    Invitation,
    /// A reminder to an invited organisation that has not answered.
    Relance,
    /// A public respondent's link to resume a draft.
    LienReprise,
    /// Fresh links to an address that lost its own.
    NouveauxLiens,
    /// The confirmation of a questionnaire response, with the follow link and a copy of the answers.
    CopieReponses,
    /// The confirmation of an online contribution, with its follow link.
    ContributionEnLigne,
    /// The strategy is published: what became of each followed contribution.
    StrategiePubliee,
}

/// A placeholder a kind of mail allows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Placeholder {
    /// Its name, written `{name}` in a text.
    pub name: &'static str,
    /// What it becomes, in French (the edit page's help).
    pub description: &'static str,
    /// The value a preview shows.
    pub sample: &'static str,
}

const ORGANISATION: Placeholder =
    Placeholder { name: "organisation", description: "le nom de l'organisation invitée", sample: "Les Écossolies" };
const CONSULTATION: Placeholder = Placeholder {
    name: "consultation",
    description: "le titre de la consultation",
    sample: "Stratégie régionale de l'ESS — Bretagne 2027",
};
const ORGANISATEURS: Placeholder = Placeholder {
    name: "organisateurs",
    description: "qui mène la consultation (un paragraphe qui le cite est omis s'il n'est pas renseigné)",
    sample: "la Région Bretagne et l'État",
};
const QUESTIONNAIRE: Placeholder = Placeholder {
    name: "questionnaire",
    description: "le titre du questionnaire",
    sample: "Questionnaire aux acteurs de l'ESS",
};
const DATE_LIMITE: Placeholder = Placeholder {
    name: "date_limite",
    description: "la date de clôture : fin de l'étape « questionnaire », sinon fin de la consultation (un paragraphe qui la cite est omis si aucune n'est connue)",
    sample: "15 mars 2027",
};
const LIEN_INVITATION: Placeholder = Placeholder {
    name: "lien",
    description: "le lien personnel vers le questionnaire",
    sample: "https://essaim.exemple.fr/questionnaire/invitation/0123456789abcdef0123456789abcdef",
};
const LIEN_REPRISE: Placeholder = Placeholder {
    name: "lien",
    description: "le lien pour reprendre ses réponses",
    sample: "https://essaim.exemple.fr/questionnaire/reprendre/0123456789abcdef0123456789abcdef",
};
const LIEN_SUIVI: Placeholder = Placeholder {
    name: "lien",
    description: "le lien « Suivre mes contributions » (un paragraphe qui le cite est omis quand il n'y en a pas)",
    sample: "https://essaim.exemple.fr/suivi/0123456789abcdef0123456789abcdef",
};
const LIENS: Placeholder = Placeholder {
    name: "liens",
    description: "la liste des liens, un par questionnaire",
    sample: "Reprendre « Questionnaire aux acteurs de l'ESS » : https://essaim.exemple.fr/questionnaire/reprendre/0123456789abcdef0123456789abcdef",
};
const LIEN_STRATEGIE: Placeholder = Placeholder {
    name: "lien",
    description: "l'adresse publique de la stratégie publiée",
    sample: "https://essaim.exemple.fr/consultations/ess-bretagne-2027/strategie",
};
const THEME: Placeholder =
    Placeholder {
        name: "theme", description: "l'intitulé du thème de la contribution", sample: "Emploi et formation"
    };

impl MailKind {
    /// Every kind, in the order the pages list them.
    pub const ALL: [MailKind; 7] = [
        MailKind::Invitation,
        MailKind::Relance,
        MailKind::LienReprise,
        MailKind::NouveauxLiens,
        MailKind::CopieReponses,
        MailKind::ContributionEnLigne,
        MailKind::StrategiePubliee,
    ];

    /// The stable code: `invitation`, `relance`, `lien-reprise`, `nouveaux-liens`,
    /// `copie-reponses`, `contribution-en-ligne`.
    pub fn code(self) -> &'static str {
        match self {
            MailKind::Invitation => "invitation",
            MailKind::Relance => "relance",
            MailKind::LienReprise => "lien-reprise",
            MailKind::NouveauxLiens => "nouveaux-liens",
            MailKind::CopieReponses => "copie-reponses",
            MailKind::ContributionEnLigne => "contribution-en-ligne",
            MailKind::StrategiePubliee => "strategie-publiee",
        }
    }

    /// The kind of a code.
    pub fn parse(code: &str) -> Option<MailKind> {
        MailKind::ALL.into_iter().find(|k| k.code() == code)
    }

    /// Its French name.
    pub fn label(self) -> &'static str {
        match self {
            MailKind::Invitation => "Invitation au questionnaire",
            MailKind::Relance => "Relance d'une organisation invitée",
            MailKind::LienReprise => "Lien pour reprendre ses réponses",
            MailKind::NouveauxLiens => "Nouveaux liens demandés",
            MailKind::CopieReponses => "Confirmation d'une réponse au questionnaire (avec la copie des réponses)",
            MailKind::ContributionEnLigne => "Confirmation d'une contribution en ligne (avec le lien de suivi)",
            MailKind::StrategiePubliee => "Stratégie publiée : la suite donnée aux contributions suivies",
        }
    }

    /// What the module appends after the editable text, if anything (the edit page says it).
    pub fn appended(self) -> Option<&'static str> {
        match self {
            MailKind::CopieReponses => Some("la copie des réponses, question par question"),
            MailKind::ContributionEnLigne => Some("le texte de la contribution"),
            MailKind::StrategiePubliee => Some("la suite donnée à chacune des contributions suivies"),
            _ => None,
        }
    }

    /// The placeholders its texts may use.
    pub fn placeholders(self) -> &'static [Placeholder] {
        match self {
            MailKind::Invitation | MailKind::Relance => {
                &[ORGANISATION, CONSULTATION, ORGANISATEURS, QUESTIONNAIRE, DATE_LIMITE, LIEN_INVITATION]
            }
            MailKind::LienReprise => &[CONSULTATION, ORGANISATEURS, QUESTIONNAIRE, DATE_LIMITE, LIEN_REPRISE],
            MailKind::NouveauxLiens => &[CONSULTATION, ORGANISATEURS, LIENS],
            MailKind::CopieReponses => &[CONSULTATION, ORGANISATEURS, QUESTIONNAIRE, LIEN_SUIVI],
            MailKind::ContributionEnLigne => &[CONSULTATION, ORGANISATEURS, THEME, LIEN_SUIVI],
            MailKind::StrategiePubliee => &[CONSULTATION, ORGANISATEURS, LIEN_STRATEGIE],
        }
    }

    /// The placeholder the body must use, without which the mail is useless.
    pub fn required(self) -> Option<&'static str> {
        match self {
            MailKind::Invitation
            | MailKind::Relance
            | MailKind::LienReprise
            | MailKind::ContributionEnLigne
            | MailKind::StrategiePubliee => Some("lien"),
            MailKind::NouveauxLiens => Some("liens"),
            MailKind::CopieReponses => None,
        }
    }

    /// The default subject.
    pub fn default_subject(self) -> &'static str {
        match self {
            MailKind::Invitation => "Invitation : {questionnaire}",
            MailKind::Relance => "Relance : {questionnaire}",
            MailKind::LienReprise => "Reprendre vos réponses : {questionnaire}",
            MailKind::NouveauxLiens => "Vos liens vers le questionnaire",
            MailKind::CopieReponses => "Votre réponse : {questionnaire}",
            MailKind::ContributionEnLigne => "Votre contribution : {theme}",
            MailKind::StrategiePubliee => "La stratégie est publiée : {consultation}",
        }
    }

    /// The default body: paragraphs separated by blank lines.
    pub fn default_body(self) -> &'static str {
        match self {
            MailKind::Invitation => include_str!("defaults/invitation.txt"),
            MailKind::Relance => include_str!("defaults/relance.txt"),
            MailKind::LienReprise => include_str!("defaults/lien-reprise.txt"),
            MailKind::NouveauxLiens => include_str!("defaults/nouveaux-liens.txt"),
            MailKind::CopieReponses => include_str!("defaults/copie-reponses.txt"),
            MailKind::ContributionEnLigne => include_str!("defaults/contribution-en-ligne.txt"),
            MailKind::StrategiePubliee => include_str!("defaults/strategie-publiee.txt"),
        }
    }

    /// The default text.
    pub fn default_text(self) -> MailText {
        MailText { subject: self.default_subject().to_owned(), body: self.default_body().trim_end().to_owned() }
    }

    /// Values for a preview: each placeholder's sample.
    pub fn sample_values(self) -> Values {
        let mut values = Values::default();
        for p in self.placeholders() {
            values = match p.name {
                "lien" => values.link(p.name, p.sample),
                "liens" => values.links(
                    p.name,
                    vec![
                        (
                            "Reprendre « Questionnaire aux acteurs de l'ESS »".to_owned(),
                            "https://essaim.exemple.fr/questionnaire/reprendre/0123456789abcdef0123456789abcdef"
                                .to_owned(),
                        ),
                        (
                            "Reprendre « Questionnaire aux réseaux »".to_owned(),
                            "https://essaim.exemple.fr/questionnaire/invitation/fedcba9876543210fedcba9876543210"
                                .to_owned(),
                        ),
                    ],
                ),
                name => values.text(name, p.sample),
            };
        }
        values
    }
}

/// A subject and a body, as typed.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct MailText {
    /// The subject line, with placeholders.
    pub subject: String,
    /// The body: paragraphs separated by blank lines, with placeholders.
    pub body: String,
}

pub use crate::clock::french_date;
