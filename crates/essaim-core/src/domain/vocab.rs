//! The closed vocabularies of the domain (PRODUCT.md), codes in English, labels in French.

use crate::text_enum;

text_enum! {
    /// What an account may do. Actors have no account: they come through e-mailed links.
    Role {
        /// Sets up consultations and manages accounts.
        Admin => ("admin", "Administrateur"),
        /// Région / État staff: follows participation, moderates, runs the synthesis.
        Staff => ("staff", "Équipe Région / État"),
        /// Workshop facilitator: logs contributions live.
        Facilitator => ("facilitator", "Animateur"),
    }
}

text_enum! {
    /// The legal family of an ESS organisation.
    LegalFamily {
        /// Association loi 1901.
        Association => ("association", "Association"),
        /// Coopérative (SCOP, SCIC, coopérative d'usagers…).
        Cooperative => ("cooperative", "Coopérative"),
        /// Mutuelle.
        Mutuelle => ("mutuelle", "Mutuelle"),
        /// Fondation.
        Fondation => ("fondation", "Fondation"),
        /// Commercial company of the ESS (ESUS, art. 1 of the 2014 law).
        SocieteCommercialeEss => ("societe_commerciale_ess", "Société commerciale de l'ESS"),
    }
}

text_enum! {
    /// The kind of a contribution.
    ContributionKind {
        /// An observation of the current situation.
        Constat => ("constat", "Constat"),
        /// A proposal.
        Proposition => ("proposition", "Proposition"),
        /// An experience or good practice.
        Experience => ("experience", "Expérience / bonne pratique"),
        /// A question.
        Question => ("question", "Question"),
    }
}

text_enum! {
    /// How a contribution reached the platform.
    Channel {
        /// The questionnaire aux acteurs.
        Questionnaire => ("questionnaire", "Questionnaire aux acteurs"),
        /// A launch workshop.
        LaunchWorkshop => ("launch_workshop", "Atelier de lancement"),
        /// A workshop during the conference.
        ConferenceWorkshop => ("conference_workshop", "Atelier de la conférence"),
        /// A stand of the treasure hunt.
        TreasureHunt => ("treasure_hunt", "Chasse aux trésors"),
        /// The plenary debate.
        PlenaryDebate => ("plenary_debate", "Débat en plénière"),
        /// Online, outside the questionnaire.
        Online => ("online", "En ligne"),
        /// Imported from a file.
        Import => ("import", "Import"),
    }
}

text_enum! {
    /// Who speaks in a contribution.
    AuthorKind {
        /// An organisation.
        Organisation => ("organisation", "Organisation"),
        /// A person.
        Person => ("person", "Personne"),
        /// A group (a workshop table, for instance).
        Group => ("group", "Groupe"),
        /// Nobody named.
        Anonymous => ("anonymous", "Anonyme"),
    }
}

text_enum! {
    /// Moderation status of a contribution.
    ModerationStatus {
        /// Waiting for a moderator: neither read by the synthesis nor counted (docs/moderation.md).
        Pending => ("pending", "En attente de modération"),
        /// Accepted: read by the synthesis, counted, publishable once scrubbed. The stored
        /// code `published` predates the word and stays, so no row changes.
        Accepted => ("published", "Acceptée"),
        /// Rejected by moderation: kept, never read nor published.
        Rejected => ("rejected", "Rejetée"),
    }
}

text_enum! {
    /// Where a consultation stands (docs/consultation-json.md).
    ConsultationState {
        /// Being set up: seen by its staff only.
        Draft => ("draft", "En préparation"),
        /// Running: staff open and close each channel.
        Open => ("open", "Ouverte"),
        /// Every channel refuses new contributions; staff work goes on.
        Closed => ("closed", "Close"),
        /// Read-only.
        Archived => ("archived", "Archivée"),
    }
}

text_enum! {
    /// The phases of a consultation, in their usual order.
    PhaseKind {
        /// Launch workshops.
        LaunchWorkshops => ("launch_workshops", "Ateliers de lancement"),
        /// The questionnaire aux acteurs.
        Questionnaire => ("questionnaire", "Questionnaire aux acteurs"),
        /// The regional conference as a whole.
        Conference => ("conference", "Conférence régionale"),
        /// Plenary, part 1: orientations presented.
        PlenaryPart1 => ("plenary_part1", "Plénière, 1re partie"),
        /// The treasure hunt exhibition.
        TreasureHunt => ("treasure_hunt", "Chasse aux trésors"),
        /// Plenary, part 2: orientations debated.
        PlenaryPart2 => ("plenary_part2", "Plénière, 2e partie"),
        /// Synthesis.
        Synthesis => ("synthesis", "Synthèse"),
        /// Publication of the strategy.
        Publication => ("publication", "Publication"),
    }
}

text_enum! {
    /// Kinds of territory.
    TerritoryKind {
        /// A département.
        Departement => ("departement", "Département"),
        /// A région.
        Region => ("region", "Région"),
        /// Any other area.
        Other => ("other", "Autre"),
    }
}

text_enum! {
    /// Where a draft orientation stands.
    OrientationStatus {
        /// In the draft strategy.
        Draft => ("draft", "Projet"),
        /// Set aside by staff; its contributions stay traced to it.
        Discarded => ("discarded", "Écartée"),
    }
}

text_enum! {
    /// How a draft orientation came to be.
    OrientationOrigin {
        /// Proposed by a synthesis run.
        Proposed => ("proposed", "Proposée par la synthèse"),
        /// Added by hand by staff.
        Manual => ("manual", "Ajoutée par l'équipe"),
        /// Split off another one by staff.
        Split => ("split", "Détachée d'une autre orientation"),
    }
}

text_enum! {
    /// Who put a contribution where it stands in the draft.
    PlacedBy {
        /// A synthesis run.
        Run => ("run", "La synthèse"),
        /// Staff, by hand.
        Staff => ("staff", "L'équipe"),
    }
}

text_enum! {
    /// Why a synthesis run left a contribution out of every orientation.
    SetAsideReason {
        /// "RAS", "non", "je ne sais pas"…
        NoContent => ("no_content", "sans contenu (RAS, non, je ne sais pas…)"),
        /// No term in common with other contributions.
        NoSharedTerms => ("no_shared_terms", "aucun terme partagé avec d'autres contributions"),
        /// Too few contributions in the theme to group.
        TooFew => ("too_few", "trop peu de contributions dans le thème"),
    }
}

text_enum! {
    /// Kinds of background work (the `jobs` table).
    JobKind {
        /// The synthesis of one theme; the subject is the theme's id.
        SynthesisRun => ("synthesis_run", "Synthèse d'un thème"),
        /// The periodic purge of personal data past their retention; the subject is the day.
        RetentionPurge => ("retention_purge", "Purge des données personnelles"),
    }
}

text_enum! {
    /// Where a background job stands.
    JobState {
        /// Waiting for a worker.
        Queued => ("queued", "En attente"),
        /// A worker is on it (and beats its heartbeat).
        Running => ("running", "En cours"),
        /// Finished; its result is stored.
        Done => ("done", "Terminée"),
        /// Stopped on an error, kept with its message.
        Failed => ("failed", "Échouée"),
        /// Its worker stopped (crash, restart) before the end; nothing was half-written.
        Interrupted => ("interrupted", "Interrompue"),
    }
}

text_enum! {
    /// Where an e-mail of the outbox stands.
    MailState {
        /// To send, at `next_attempt_at`.
        Pending => ("pending", "À envoyer"),
        /// A worker is sending it.
        Sending => ("sending", "Envoi en cours"),
        /// Accepted by the mail server.
        Sent => ("sent", "Envoyé"),
        /// Given up after every retry, or refused for good; shown to staff.
        Failed => ("failed", "Échec"),
    }
}

impl ConsultationState {
    /// Where a consultation may go from here: a draft opens; an open one closes; a closed one
    /// reopens; either is archived, and an archived one stays so (its next edition is prepared
    /// from its set-up instead). A draft never comes back: what it received stays counted.
    pub fn next_states(self) -> &'static [ConsultationState] {
        match self {
            ConsultationState::Draft => &[ConsultationState::Open],
            ConsultationState::Open => &[ConsultationState::Closed, ConsultationState::Archived],
            ConsultationState::Closed => &[ConsultationState::Open, ConsultationState::Archived],
            ConsultationState::Archived => &[],
        }
    }
}

impl Default for ConsultationState {
    /// A consultation made without saying otherwise runs (an import, a test).
    fn default() -> Self {
        ConsultationState::Open
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_round_trip_and_unknown_codes_are_refused() {
        for role in Role::ALL {
            assert_eq!(Role::parse(role.as_str()), Some(*role));
        }
        assert_eq!(Role::parse("root"), None);
        assert!(LegalFamily::try_from("sarl".to_owned()).is_err());
        assert_eq!(Channel::TreasureHunt.label(), "Chasse aux trésors");
        let json = serde_json::to_string(&ContributionKind::Proposition).unwrap();
        assert_eq!(json, "\"proposition\"");
        assert!(serde_json::from_str::<ContributionKind>("\"avis\"").is_err());
    }
}
