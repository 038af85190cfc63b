//! Responses: a draft saved page by page (or as one types), resumed from an e-mailed link as
//! often as needed, then submitted once — a refresh, a double click, a retry or a second tab
//! finds the same response and shows the same confirmation.

use std::collections::BTreeMap;

use chrono::NaiveDateTime;
use diesel::prelude::*;
use essaim_core::clock::now;
use essaim_core::db::{write_transaction, DbConnection, Id};
use essaim_core::domain::consultation::{ensure_accepting, frame_of, themes_of, Accepting, ConsultationFrame};
use essaim_core::domain::contribution::{
    record_bulk, record_contribution, Author, NewContribution, Submitter, ValidContribution,
};
use essaim_core::domain::{Channel, ContributionKind};
use essaim_core::mail::limits::{may_mail, Requester};
use essaim_core::schema::{invitations, questionnaires, response_contributions, responses};
use essaim_core::validation::Email;
use essaim_core::{CoreError, CoreResult};
use serde::{Deserialize, Serialize};

use super::answers::{check_all, Answers, FieldError};
use super::definition::{Definition, QuestionKind};
use super::follow::start_response_follow;
use super::store::{published_version, version, QuestionnaireStatus};

essaim_core::text_enum! {
    /// Where a response stands.
    ResponseStatus {
        /// Being written; can be resumed.
        Draft => ("draft", "Brouillon"),
        /// Sent: counted, and its open answers recorded as contributions.
        Submitted => ("submitted", "Envoyée"),
    }
}

/// A response, as stored.
#[derive(Debug, Clone, PartialEq, Queryable, Selectable)]
#[diesel(table_name = responses)]
pub struct Response {
    /// Identifier.
    pub id: Id,
    /// Its questionnaire.
    pub questionnaire_id: Id,
    /// The version it answers.
    pub version_id: Id,
    /// Its invitation (forgotten at submission in an anonymous questionnaire).
    pub invitation_id: Option<Id>,
    /// The answers, as JSON ([`StoredAnswers`]).
    pub answers: String,
    /// Bumped by every save.
    pub revision: i32,
    /// Draft or submitted.
    #[diesel(deserialize_as = String)]
    pub status: ResponseStatus,
    /// The client's idempotency key (a response submitted whole).
    pub submit_key: Option<String>,
    /// Where links and the copy go.
    pub email: Option<String>,
    /// Département, from the identity block at submission.
    pub territory_id: Option<Id>,
    /// Legal family, from the identity block at submission.
    pub legal_family: Option<String>,
    /// Created.
    pub created_at: NaiveDateTime,
    /// Last saved.
    pub updated_at: NaiveDateTime,
    /// Submitted.
    pub submitted_at: Option<NaiveDateTime>,
    /// What the respondent follows (when the response recorded contributions).
    pub follow_id: Option<Id>,
}

/// The answers column: the answers, and for each question the revision that last changed it
/// (so that a save from a tab opened earlier does not overwrite another tab's later answer).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct StoredAnswers {
    /// Field → values.
    pub answers: Answers,
    /// Question → revision of its last change.
    #[serde(default)]
    pub changed: BTreeMap<String, i32>,
    /// The page (1-based) the respondent saved last: where the resume link reopens the
    /// questionnaire, rather than at page 1 (issue 19).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_page: Option<usize>,
}

impl StoredAnswers {
    /// The page to reopen a draft at: the last one saved, if the questionnaire of `pages`
    /// pages still has it, else the first.
    pub fn resume_page(&self, pages: usize) -> usize {
        self.last_page.filter(|p| (1..=pages).contains(p)).unwrap_or(1)
    }
}

impl Response {
    /// The answers, read back.
    pub fn stored(&self) -> StoredAnswers {
        serde_json::from_str(&self.answers).unwrap_or_default()
    }
}

/// A response by id.
pub fn find_response(conn: &mut DbConnection, id: Id) -> CoreResult<Response> {
    responses::table
        .find(id)
        .select(Response::as_select())
        .first(conn)
        .optional()?
        .ok_or_else(|| CoreError::NotFound("réponse".into()))
}

fn insert_draft(
    conn: &mut DbConnection,
    questionnaire: Id,
    invitation: Option<Id>,
    email: Option<&str>,
    submit_key: Option<&str>,
    answers: &StoredAnswers,
) -> CoreResult<Option<Id>> {
    let version = published_version(conn, questionnaire)?
        .ok_or_else(|| CoreError::Conflict("le questionnaire n'est pas encore publié".into()))?;
    let id = Id::new();
    let at = now();
    let json = serde_json::to_string(answers).unwrap_or_else(|_| "{}".into());
    let values = (
        responses::id.eq(id),
        responses::questionnaire_id.eq(questionnaire),
        responses::version_id.eq(version.id),
        responses::invitation_id.eq(invitation),
        responses::answers.eq(json),
        responses::revision.eq(0),
        responses::status.eq(ResponseStatus::Draft),
        responses::submit_key.eq(submit_key),
        responses::email.eq(email),
        responses::created_at.eq(at),
        responses::updated_at.eq(at),
    );
    // With a submit key, a concurrent retry must not abort the caller's transaction (as a
    // unique violation would on PostgreSQL): the key is checked and written in one statement.
    // `MultiBackend` has no upsert, hence the match.
    let result = match (submit_key.is_some(), &mut *conn) {
        (true, DbConnection::Sqlite(c)) => diesel::insert_into(responses::table)
            .values(values)
            .on_conflict(responses::submit_key)
            .do_nothing()
            .execute(c),
        (true, DbConnection::Postgresql(c)) => diesel::insert_into(responses::table)
            .values(values)
            .on_conflict(responses::submit_key)
            .do_nothing()
            .execute(c),
        (false, conn) => diesel::insert_into(responses::table).values(values).execute(conn),
    };
    match result {
        Ok(1) => Ok(Some(id)),
        Ok(_) => Ok(None),
        // Another request (a second tab, a double click) created it first: theirs is the one.
        Err(diesel::result::Error::DatabaseError(diesel::result::DatabaseErrorKind::UniqueViolation, _)) => Ok(None),
        Err(e) => Err(e.into()),
    }
}

/// What an invitation link opens.
#[derive(Debug, Clone, PartialEq)]
pub enum InvitationState {
    /// Its response (a draft to go on with, or submitted in a named questionnaire).
    Response(Box<Response>),
    /// Submitted in an anonymous questionnaire: nothing links back to the response (an
    /// invitation forgot it; a resume link opens the confirmation only).
    SubmittedAnonymously,
}

/// The response of an invitation, created on first opening. However many tabs open it at
/// once, one response exists (a unique index, and the loser reads the winner's).
pub fn open_invitation(conn: &mut DbConnection, invitation: Id) -> CoreResult<InvitationState> {
    let (questionnaire, submitted_at, opened_at): (Id, Option<NaiveDateTime>, Option<NaiveDateTime>) =
        invitations::table
            .find(invitation)
            .select((invitations::questionnaire_id, invitations::submitted_at, invitations::opened_at))
            .first(conn)
            .optional()?
            .ok_or_else(|| CoreError::NotFound("invitation".into()))?;
    if opened_at.is_none() {
        diesel::update(invitations::table.find(invitation)).set(invitations::opened_at.eq(now())).execute(conn)?;
    }
    let existing = |conn: &mut DbConnection| -> CoreResult<Option<Response>> {
        Ok(responses::table
            .filter(responses::invitation_id.eq(invitation))
            .select(Response::as_select())
            .first(conn)
            .optional()?)
    };
    if let Some(response) = existing(conn)? {
        return Ok(InvitationState::Response(Box::new(response)));
    }
    if submitted_at.is_some() {
        return Ok(InvitationState::SubmittedAnonymously);
    }
    let (email, organisation, territory): (String, String, Option<Id>) = invitations::table
        .find(invitation)
        .select((invitations::email, invitations::organisation, invitations::territory_id))
        .first(conn)?;
    let answers = invited_identity(conn, questionnaire, &organisation, territory)?;
    insert_draft(conn, questionnaire, Some(invitation), Some(&email), None, &answers)?;
    existing(conn)?
        .map(|r| InvitationState::Response(Box::new(r)))
        .ok_or_else(|| CoreError::Internal("brouillon introuvable".into()))
}

/// What staff already know of an invited organisation, put in the questionnaire's identity
/// block before its first page opens: its name, and its territory when the invitation gave one.
/// The respondent corrects them like any answer.
fn invited_identity(
    conn: &mut DbConnection,
    questionnaire: Id,
    organisation: &str,
    territory: Option<Id>,
) -> CoreResult<StoredAnswers> {
    let mut stored = StoredAnswers::default();
    let Some(definition) = super::store::published_version(conn, questionnaire)?.map(|v| v.parsed()).transpose()?
    else {
        return Ok(stored);
    };
    let Some((_, block)) =
        definition.questions().find(|(_, q)| matches!(q.kind, super::definition::QuestionKind::Organisation))
    else {
        return Ok(stored);
    };
    stored.answers.0.insert(format!("{}.nom", block.id), vec![organisation.to_owned()]);
    if let Some(territory) = territory {
        let code: String = essaim_core::schema::territories::table
            .find(territory)
            .select(essaim_core::schema::territories::code)
            .first(conn)?;
        stored.answers.0.insert(format!("{}.departement", block.id), vec![code]);
    }
    Ok(stored)
}

/// Starts a response through the public link.
pub fn start_public(conn: &mut DbConnection, questionnaire: Id) -> CoreResult<Response> {
    let id = insert_draft(conn, questionnaire, None, None, None, &StoredAnswers::default())?
        .ok_or_else(|| CoreError::Internal("brouillon en double".into()))?;
    find_response(conn, id)
}

/// Records where a public respondent wants their links and copy sent.
pub fn set_email(conn: &mut DbConnection, response: Id, email: &str) -> CoreResult<()> {
    let email = Email::parse(email).map_err(|message| CoreError::invalid("email", message))?;
    diesel::update(responses::table.find(response))
        .filter(responses::status.eq(ResponseStatus::Draft))
        .set(responses::email.eq(email.as_str()))
        .execute(conn)?;
    Ok(())
}

/// What a save did.
#[derive(Debug, Clone, PartialEq)]
pub enum Saved {
    /// Stored; the response as it is now.
    Saved(Response),
    /// Stored, except these questions: another tab changed them after this one was opened.
    /// Their other answer is kept and shown; the respondent decides and saves again.
    Conflict(Response, Vec<String>),
    /// The response was already submitted: nothing changed.
    AlreadySubmitted(Response),
}

/// Saves the answers of one section (a page, or the draft saved as one types), as seen by a
/// page opened at `base_revision`.
pub fn save_section(
    conn: &mut DbConnection,
    response: Id,
    section: usize,
    posted: &Answers,
    base_revision: i32,
) -> CoreResult<Saved> {
    write_transaction(conn, |conn| {
        let current = find_response(conn, response)?;
        if current.status == ResponseStatus::Submitted {
            return Ok(Saved::AlreadySubmitted(current));
        }
        let definition = version(conn, current.version_id)?.parsed()?;
        let Some(questions) = definition.sections.get(section).map(|s| &s.questions) else {
            return Err(CoreError::invalid("section", "Cette page n'existe pas dans le questionnaire."));
        };
        let mut posted = posted.clone();
        posted.retain_known(&definition);
        let mut stored = current.stored();
        let revision = current.revision + 1;
        let mut conflicts = Vec::new();
        let mut changed = false;
        for question in questions {
            if posted.of_question(&question.id) == stored.answers.of_question(&question.id) {
                continue;
            }
            if stored.changed.get(&question.id).is_some_and(|r| *r > base_revision) {
                conflicts.push(question.id.clone());
                continue;
            }
            stored.answers.replace_question(question, &posted);
            stored.changed.insert(question.id.clone(), revision);
            changed = true;
        }
        // Saving a page, even unchanged, is where the respondent stopped.
        let moved = stored.last_page != Some(section + 1);
        stored.last_page = Some(section + 1);
        if changed {
            stored.answers.clear_hidden(&definition);
            diesel::update(responses::table.find(response))
                .set((
                    responses::answers.eq(serde_json::to_string(&stored).unwrap_or_default()),
                    responses::revision.eq(revision),
                    responses::updated_at.eq(now()),
                ))
                .execute(conn)?;
        } else if moved {
            // No answer changed: the revision stays, so another tab's save is no conflict.
            diesel::update(responses::table.find(response))
                .set(responses::answers.eq(serde_json::to_string(&stored).unwrap_or_default()))
                .execute(conn)?;
        }
        let now_stored = find_response(conn, response)?;
        Ok(if conflicts.is_empty() { Saved::Saved(now_stored) } else { Saved::Conflict(now_stored, conflicts) })
    })
}

/// Why a submission was refused (the draft is kept as it is).
#[derive(Debug, Clone, PartialEq)]
pub enum Refused {
    /// The questionnaire is closed (or not open yet).
    Closed,
    /// Some answers do not hold: each with its section.
    Invalid(Vec<(usize, FieldError)>),
}

/// A submitted response.
#[derive(Debug, Clone, PartialEq)]
pub struct Submitted {
    /// The response.
    pub response: Response,
    /// Whether this call submitted it (false: it had been already; nothing new was written).
    pub first_time: bool,
    /// The follow link's token, when this call created it (it is e-mailed too).
    pub follow_token: Option<String>,
    /// The contributions its open answers recorded.
    pub contributions: Vec<Id>,
    /// The copy of the answers was not mailed to the address given: too many mails to it, or
    /// asked by this client, in the hour (`essaim_core::mail::limits`). The response is stored.
    pub mail_withheld: bool,
}

/// What submitting needs to know beyond the response.
pub struct SubmitContext<'a> {
    /// The platform's public address, for the links in the confirmation e-mail.
    pub base_url: &'a str,
    /// The client submitting: a public response's copy of the answers counts against the
    /// limits of anonymous mails (an invited organisation's goes to the address the staff
    /// gave, once per invitation, and is not counted); a response sent whole through the API
    /// counts against [`essaim_core::domain::throttle::Anonymous::Response`] (empty: not counted).
    pub requester: &'a Requester,
}

/// Submits a response: once. Every later call (a refresh, a double click, a retry, a second
/// tab, 50 at once) returns the same response with `first_time: false`. The claim is the first
/// statement of the transaction, so concurrent calls queue on it (SQLite's write lock,
/// PostgreSQL's row lock) and see it taken.
pub fn submit(
    conn: &mut DbConnection,
    response: Id,
    context: &SubmitContext<'_>,
) -> CoreResult<Result<Submitted, Refused>> {
    match write_transaction(conn, |conn| submit_in(conn, response, context)) {
        Ok(submitted) => Ok(Ok(submitted)),
        Err(SubmitError::Refused(refused)) => Ok(Err(refused)),
        Err(SubmitError::Store(e)) => Err(e),
    }
}

/// Why a submission did not go through. Inside a transaction a refusal is an error, so that
/// the claim (and, for a response submitted whole, the response itself) rolls back.
#[derive(Debug)]
pub enum SubmitError {
    /// Refused, with the reason to show.
    Refused(Refused),
    /// The database failed.
    Store(CoreError),
}

impl From<diesel::result::Error> for SubmitError {
    fn from(e: diesel::result::Error) -> Self {
        SubmitError::Store(e.into())
    }
}

impl From<CoreError> for SubmitError {
    fn from(e: CoreError) -> Self {
        SubmitError::Store(e)
    }
}

/// [`submit`], inside the caller's transaction.
pub fn submit_in(conn: &mut DbConnection, response: Id, context: &SubmitContext<'_>) -> Result<Submitted, SubmitError> {
    {
        let claimed = diesel::update(responses::table.find(response))
            .filter(responses::status.eq(ResponseStatus::Draft))
            .set((responses::status.eq(ResponseStatus::Submitted), responses::submitted_at.eq(now())))
            .execute(conn)?;
        let current = find_response(conn, response)?;
        if claimed == 0 {
            let contributions = response_contributions::table
                .filter(response_contributions::response_id.eq(response))
                .select(response_contributions::contribution_id)
                .load(conn)?;
            return Ok(Submitted {
                response: current,
                first_time: false,
                follow_token: None,
                contributions,
                mail_withheld: false,
            });
        }
        let (status, consultation): (String, Id) = questionnaires::table
            .find(current.questionnaire_id)
            .select((questionnaires::status, questionnaires::consultation_id))
            .first(conn)?;
        if QuestionnaireStatus::parse(&status) != Some(QuestionnaireStatus::Open) {
            return Err(SubmitError::Refused(Refused::Closed));
        }
        let definition = version(conn, current.version_id)?.parsed()?;
        let frame = frame_of(conn, consultation)?;
        let mut stored = current.stored();
        stored.answers.clear_hidden(&definition);
        let errors = check_all(&definition, &frame, &stored.answers);
        if !errors.is_empty() {
            return Err(SubmitError::Refused(Refused::Invalid(errors)));
        }
        let identity = Identity::of(&definition, &stored.answers);
        let territory =
            identity.departement.and_then(|code| frame.territories.iter().find(|t| t.code == code)).map(|t| t.id);
        let submitter =
            if current.invitation_id.is_some() { Submitter::InvitedOrganisation } else { Submitter::Public };
        let contributions = record_answers(
            conn,
            (consultation, current.id),
            &definition,
            &stored.answers,
            &identity,
            territory,
            submitter,
        )?;
        let anonymous = definition.anonymous;
        if let Some(invitation) = current.invitation_id {
            diesel::update(invitations::table.find(invitation))
                .set(invitations::submitted_at.eq(now()))
                .execute(conn)?;
        }
        let (follow_id, follow_token) = match contributions.is_empty() {
            true => (None, None),
            // Listed through `responses.follow_id`, set just below (follow.rs).
            false => start_response_follow(conn).map(|(id, token)| (Some(id), Some(token)))?,
        };
        diesel::update(responses::table.find(response))
            .set((
                responses::answers.eq(serde_json::to_string(&stored).unwrap_or_default()),
                responses::territory_id.eq(territory),
                responses::legal_family.eq(identity.legal_family.map(str::to_owned)),
                responses::follow_id.eq(follow_id),
                responses::updated_at.eq(now()),
            ))
            .execute(conn)?;
        if let (Some(follow), Some(email), false) = (follow_id, &current.email, anonymous) {
            super::follow::set_follow_address(conn, follow, email)?;
        }
        let mut mail_withheld = false;
        if let Some(email) = &current.email {
            // An invitation's address is the staff's, mailed once per invitation: not counted.
            if current.invitation_id.is_some() || may_mail(conn, email, context.requester)? {
                super::mail::enqueue_confirmation(
                    conn,
                    (consultation, email),
                    (&definition, &frame),
                    &stored.answers,
                    follow_token.as_deref(),
                    context,
                )?;
            } else {
                mail_withheld = true;
            }
        }
        if anonymous {
            // The invitation only records that it was used; the response forgets it and the
            // address it was sent to.
            diesel::update(responses::table.find(response))
                .set((responses::invitation_id.eq(None::<Id>), responses::email.eq(None::<String>)))
                .execute(conn)?;
        }
        // The resume link stays: opened again (a refresh, the back button), it shows the
        // confirmation, never "expired".
        let response = find_response(conn, response)?;
        Ok(Submitted { response, first_time: true, follow_token, contributions, mail_withheld })
    }
}

/// What the identity block says, for the contributions and the follow-up figures.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Identity<'a> {
    /// The organisation's name.
    pub name: Option<&'a str>,
    /// Its legal family's code.
    pub legal_family: Option<&'a str>,
    /// Its département's code.
    pub departement: Option<&'a str>,
}

impl<'a> Identity<'a> {
    /// Reads the identity block, if the definition has one.
    pub fn of(definition: &Definition, answers: &'a Answers) -> Identity<'a> {
        let Some((_, question)) = definition.questions().find(|(_, q)| matches!(q.kind, QuestionKind::Organisation))
        else {
            return Identity::default();
        };
        let id = &question.id;
        Identity {
            name: answers.value(&format!("{id}.nom")),
            legal_family: answers.value(&format!("{id}.famille")),
            departement: answers.value(&format!("{id}.departement")),
        }
    }
}

/// The contributions a response's open answers make: each answered open question linked to
/// the synthesis, with a key per response and question (a retried submission records nothing
/// twice), the organisation and its département.
fn contributions_of(
    (consultation, response): (Id, Id),
    themes: &[essaim_core::domain::consultation::Theme],
    definition: &Definition,
    answers: &Answers,
    identity: &Identity<'_>,
    territory: Option<Id>,
    submitter: Submitter,
) -> Vec<(String, NewContribution)> {
    let mut out = Vec::new();
    for (_, question) in definition.questions() {
        let (Some(link), Some(text)) = (&question.contribution, answers.value(&question.id)) else { continue };
        let kind = ContributionKind::parse(&link.kind).unwrap_or(ContributionKind::Proposition);
        let mut input = NewContribution::new(consultation, Channel::Questionnaire, kind, text, submitter)
            .idempotency_key(format!("reponse:{response}:{}", question.id));
        // A theme the consultation does not have leaves the contribution to classify.
        if let Some(theme) = link.theme.and_then(|p| themes.iter().find(|t| t.position == p)) {
            input = input.theme(theme.id);
        }
        if let Some(name) = identity.name {
            input = input.author(Author::NamedOrganisation(name.to_owned()));
        }
        if let Some(territory) = territory {
            input = input.territory(territory);
        }
        out.push((question.id.clone(), input));
    }
    out
}

/// Records a draft's contributions one by one through the core's entry point.
fn record_answers(
    conn: &mut DbConnection,
    (consultation, response): (Id, Id),
    definition: &Definition,
    answers: &Answers,
    identity: &Identity<'_>,
    territory: Option<Id>,
    submitter: Submitter,
) -> CoreResult<Vec<Id>> {
    let themes = themes_of(conn, consultation)?;
    let mut recorded = Vec::new();
    for (question, input) in
        contributions_of((consultation, response), &themes, definition, answers, identity, territory, submitter)
    {
        let contribution = record_contribution(conn, input)?.contribution().id;
        diesel::insert_into(response_contributions::table)
            .values((
                response_contributions::contribution_id.eq(contribution),
                response_contributions::response_id.eq(response),
                response_contributions::question_id.eq(&question),
            ))
            .execute(conn)?;
        recorded.push(contribution);
    }
    Ok(recorded)
}

/// The response a link opens (an invitation's, created on first opening; or a draft's).
pub fn response_for_link(
    conn: &mut DbConnection,
    token: &str,
) -> CoreResult<Result<InvitationState, super::links::LinkProblem>> {
    use super::links::{open_link, LinkProblem, LinkTarget};
    Ok(match open_link(conn, token)? {
        Ok(LinkTarget::Invitation(invitation)) => Ok(open_invitation(conn, invitation)?),
        Ok(LinkTarget::Resume(response)) => {
            let response = find_response(conn, response)?;
            // Once an anonymous response is sent, its resume link (mailed to an address) must
            // not read it back: it opens the confirmation only.
            if response.status == ResponseStatus::Submitted && version(conn, response.version_id)?.parsed()?.anonymous {
                Ok(InvitationState::SubmittedAnonymously)
            } else {
                Ok(InvitationState::Response(Box::new(response)))
            }
        }
        Ok(LinkTarget::Follow(_)) => Err(LinkProblem::Unknown),
        Err(problem) => Err(problem),
    })
}

/// What a request for a mail came to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mailed {
    /// Queued (or nothing to send, for fresh links to an unknown address: the page says the
    /// same either way).
    Queued,
    /// Withheld: too many mails to that address, or asked by that client, in the hour
    /// (`essaim_core::mail::limits`). What was asked to be recorded is recorded.
    Withheld,
}

/// Keeps the address a public respondent gave and mails them their resume link (`token`), in
/// one transaction; the mail counts against the limits of anonymous mails.
pub fn mail_resume_link(
    conn: &mut DbConnection,
    response: Id,
    email: &str,
    (title, token, base_url): (&str, &str, &str),
    requester: &Requester,
) -> CoreResult<Mailed> {
    write_transaction(conn, |conn| {
        set_email(conn, response, email)?;
        if !may_mail(conn, email, requester)? {
            return Ok(Mailed::Withheld);
        }
        let questionnaire = find_response(conn, response)?.questionnaire_id;
        let consultation = super::store::find_questionnaire(conn, questionnaire)?.consultation_id;
        super::mail::enqueue_resume_link(conn, (consultation, email.trim()), title, token, base_url)?;
        Ok(Mailed::Queued)
    })
}

/// Sends fresh links to an address that lost its own, in one mail: a new invitation link for
/// each open invitation to it, a new resume link for each draft it asked links for. Says
/// nothing of whether the address is known (the page shows the same sentence either way);
/// the mail counts against the limits of anonymous mails.
pub fn send_new_links(
    conn: &mut DbConnection,
    email: &str,
    base_url: &str,
    requester: &Requester,
) -> CoreResult<Mailed> {
    use super::links::{create_link, LinkTarget, RESUME_LINK_DAYS};
    let Ok(email) = Email::parse(email) else { return Ok(Mailed::Queued) };
    write_transaction(conn, |conn| {
        let invited: Vec<(Id, Id)> = invitations::table
            .filter(invitations::email.eq(email.as_str()))
            .filter(invitations::submitted_at.is_null())
            .select((invitations::id, invitations::questionnaire_id))
            .load(conn)?;
        let drafts: Vec<(Id, Id)> = responses::table
            .filter(responses::email.eq(email.as_str()))
            .filter(responses::status.eq(ResponseStatus::Draft))
            .filter(responses::invitation_id.is_null())
            .select((responses::id, responses::questionnaire_id))
            .load(conn)?;
        // Counted even when nothing is known of the address: the limit says nothing either.
        if !may_mail(conn, email.as_str(), requester)? {
            return Ok(Mailed::Withheld);
        }
        let mut links = Vec::new();
        for (target, questionnaire) in invited
            .into_iter()
            .map(|(i, q)| (LinkTarget::Invitation(i), q))
            .chain(drafts.into_iter().map(|(r, q)| (LinkTarget::Resume(r), q)))
        {
            let Some(title) =
                super::store::published_version(conn, questionnaire)?.and_then(|v| v.parsed().ok()).map(|d| d.title)
            else {
                continue;
            };
            let consultation = super::store::find_questionnaire(conn, questionnaire)?.consultation_id;
            let invitation = matches!(target, LinkTarget::Invitation(_));
            let valid_for = (!invitation).then(|| chrono::Duration::days(RESUME_LINK_DAYS));
            let token = create_link(conn, target, valid_for)?;
            let path = if invitation {
                format!("/questionnaire/invitation/{token}")
            } else {
                format!("/questionnaire/reprendre/{token}")
            };
            links.push((consultation, title, path));
        }
        if !links.is_empty() {
            super::mail::enqueue_new_links(conn, email.as_str(), &links, base_url)?;
        }
        Ok(Mailed::Queued)
    })
}

/// The longest idempotency key of a response submitted whole.
pub const MAX_SUBMIT_KEY_CHARS: usize = 200;

/// A response sent whole (the API), read and checked, ready to store: everything that only
/// reads is done here, outside the writing transaction, so that storing it is a few inserts.
pub struct PreparedResponse {
    questionnaire: Id,
    consultation: Id,
    version: Id,
    response: Id,
    key: String,
    email: Option<String>,
    stored: StoredAnswers,
    /// `stored` as the column holds it, serialised here rather than on the committing thread.
    answers_json: String,
    territory: Option<Id>,
    legal_family: Option<String>,
    contributions: Vec<(String, ValidContribution)>,
    confirmation: Option<(std::sync::Arc<Definition>, std::sync::Arc<ConsultationFrame>)>,
    /// The consultation took contributions when this was prepared (off the committing thread);
    /// otherwise the French refusal, which stands unless the key replays a stored response.
    accepting: Result<Accepting, String>,
}

/// Reads and checks a response sent whole: its answers against the published version, the
/// contributions its open answers make. A refusal here stores nothing.
pub fn prepare_whole(
    conn: &mut DbConnection,
    questionnaire_row: &super::store::Questionnaire,
    posted: &Answers,
    key: &str,
    email: Option<&str>,
) -> Result<PreparedResponse, SubmitError> {
    let key = key.trim();
    if key.is_empty() || key.chars().count() > MAX_SUBMIT_KEY_CHARS {
        return Err(SubmitError::Store(CoreError::invalid(
            "idempotency_key",
            format!("La clé d'idempotence est obligatoire et compte au plus {MAX_SUBMIT_KEY_CHARS} caractères."),
        )));
    }
    let email = match email.map(str::trim).filter(|e| !e.is_empty()) {
        Some(raw) => Some(Email::parse(raw).map_err(|m| SubmitError::Store(CoreError::invalid("email", m)))?),
        None => None,
    };
    let questionnaire = questionnaire_row.id;
    if questionnaire_row.status != QuestionnaireStatus::Open {
        return Err(SubmitError::Refused(Refused::Closed));
    }
    let (version, definition) =
        super::store::published_definition(conn, questionnaire)?.ok_or(SubmitError::Refused(Refused::Closed))?;
    let mut answers = posted.clone();
    answers.retain_known(&definition);
    answers.clear_hidden(&definition);
    let consultation = questionnaire_row.consultation_id;
    let accepting = match ensure_accepting(conn, consultation) {
        Ok(accepting) => Ok(accepting),
        // A retry of a response stored before the consultation closed is answered as it was
        // (`store_whole` replays it); anything new is refused there.
        Err(CoreError::Closed(message)) => {
            let stored: i64 = responses::table.filter(responses::submit_key.eq(key)).count().get_result(conn)?;
            if stored == 0 {
                return Err(SubmitError::Store(CoreError::Closed(message)));
            }
            Err(message)
        }
        Err(other) => return Err(SubmitError::Store(other)),
    };
    let frame = frame_of(conn, consultation)?;
    let errors = check_all(&definition, &frame, &answers);
    if !errors.is_empty() {
        return Err(SubmitError::Refused(Refused::Invalid(errors)));
    }
    let identity = Identity::of(&definition, &answers);
    let territory =
        identity.departement.and_then(|code| frame.territories.iter().find(|t| t.code == code)).map(|t| t.id);
    let themes = &frame.themes;
    let theme_ids: Vec<Id> = themes.iter().map(|t| t.id).collect();
    let response = Id::new();
    let mut contributions = Vec::new();
    for (question, input) in contributions_of(
        (consultation, response),
        themes,
        &definition,
        &answers,
        &identity,
        territory,
        Submitter::Public,
    ) {
        let valid = input.validate(&theme_ids).map_err(|e| SubmitError::Store(CoreError::Validation(e)))?;
        contributions.push((question, valid));
    }
    let legal_family = identity.legal_family.map(str::to_owned);
    let stored = StoredAnswers { answers, changed: BTreeMap::new(), last_page: None };
    let answers_json = serde_json::to_string(&stored).unwrap_or_default();
    Ok(PreparedResponse {
        questionnaire,
        consultation: questionnaire_row.consultation_id,
        version,
        response,
        key: key.to_owned(),
        email: email.map(|e| e.as_str().to_owned()),
        stored,
        answers_json,
        territory,
        legal_family,
        contributions,
        confirmation: if definition.anonymous { None } else { Some((definition, frame)) },
        accepting,
    })
}

/// Stores a prepared response, once per key: a handful of inserts, inside the caller's
/// transaction (the group commit). The same key again returns the stored response
/// (`first_time: false`); the same key with other answers is a conflict.
pub fn store_whole(
    conn: &mut DbConnection,
    prepared: PreparedResponse,
    context: &SubmitContext<'_>,
) -> Result<Submitted, SubmitError> {
    use super::links::{create_link, LinkTarget};
    use essaim_core::domain::throttle::{count_anonymous, Anonymous};
    use essaim_core::schema::follows;
    // Closed between the check and now: refused, stored nothing.
    if super::store::find_questionnaire(conn, prepared.questionnaire)?.status != QuestionnaireStatus::Open {
        return Err(SubmitError::Refused(Refused::Closed));
    }
    count_anonymous(conn, Anonymous::Response, &context.requester.0)?;
    let at = now();
    let follow = (!prepared.contributions.is_empty()).then(Id::new);
    if let Some(follow) = follow {
        diesel::insert_into(follows::table)
            .values((follows::id.eq(follow), follows::created_at.eq(at)))
            .execute(conn)?;
    }
    let answers_json = &prepared.answers_json;
    let values = (
        responses::id.eq(prepared.response),
        responses::questionnaire_id.eq(prepared.questionnaire),
        responses::version_id.eq(prepared.version),
        responses::answers.eq(answers_json),
        responses::revision.eq(0),
        responses::status.eq(ResponseStatus::Submitted),
        responses::submit_key.eq(&prepared.key),
        responses::email.eq(if prepared.confirmation.is_some() { prepared.email.as_deref() } else { None }),
        responses::territory_id.eq(prepared.territory),
        responses::legal_family.eq(prepared.legal_family.as_deref()),
        responses::created_at.eq(at),
        responses::updated_at.eq(at),
        responses::submitted_at.eq(at),
        responses::follow_id.eq(follow),
    );
    // The key is checked and written in one statement; `MultiBackend` has no upsert.
    let inserted = match conn {
        DbConnection::Sqlite(c) => diesel::insert_into(responses::table)
            .values(values)
            .on_conflict(responses::submit_key)
            .do_nothing()
            .execute(c)?,
        DbConnection::Postgresql(c) => diesel::insert_into(responses::table)
            .values(values)
            .on_conflict(responses::submit_key)
            .do_nothing()
            .execute(c)?,
    };
    if inserted == 0 {
        if let Some(follow) = follow {
            diesel::delete(follows::table.find(follow)).execute(conn)?;
        }
        return replay(conn, &prepared);
    }
    let rows: Vec<ValidContribution> = prepared.contributions.iter().map(|(_, c)| c.clone()).collect();
    let accepting = prepared.accepting.clone().map_err(CoreError::Closed)?;
    record_bulk(conn, accepting, &rows)?;
    let ids: Vec<Id> = rows.iter().map(|c| c.contribution().id).collect();
    let by_question: Vec<_> = prepared
        .contributions
        .iter()
        .zip(&ids)
        .map(|((question, _), id)| {
            (
                response_contributions::contribution_id.eq(*id),
                response_contributions::response_id.eq(prepared.response),
                response_contributions::question_id.eq(question.as_str()),
            )
        })
        .collect();
    // One statement each for all the rows (`MultiBackend` has no multi-row insert).
    match conn {
        DbConnection::Sqlite(c) => diesel::insert_into(response_contributions::table).values(by_question).execute(c)?,
        DbConnection::Postgresql(c) => {
            diesel::insert_into(response_contributions::table).values(by_question).execute(c)?
        }
    };
    // The follow reaches these contributions through `responses.follow_id` (follow.rs): no
    // row of its own for each.
    let follow_token = match follow {
        Some(follow) => Some(create_link(conn, LinkTarget::Follow(follow), None)?),
        None => None,
    };
    // Counted only when an address is given: no extra statement otherwise.
    let mut mail_withheld = false;
    if let (Some(email), Some((definition, frame))) = (&prepared.email, &prepared.confirmation) {
        if may_mail(conn, email.as_str(), context.requester)? {
            super::mail::enqueue_confirmation(
                conn,
                (prepared.consultation, email),
                (definition, frame),
                &prepared.stored.answers,
                follow_token.as_deref(),
                context,
            )?;
        } else {
            mail_withheld = true;
        }
    }
    let response = Response {
        id: prepared.response,
        questionnaire_id: prepared.questionnaire,
        version_id: prepared.version,
        invitation_id: None,
        answers: prepared.answers_json.clone(),
        revision: 0,
        status: ResponseStatus::Submitted,
        submit_key: Some(prepared.key.clone()),
        email: prepared.email.clone().filter(|_| prepared.confirmation.is_some()),
        territory_id: prepared.territory,
        legal_family: prepared.legal_family.clone(),
        created_at: at,
        updated_at: at,
        submitted_at: Some(at),
        follow_id: follow,
    };
    Ok(Submitted { response, first_time: true, follow_token, contributions: ids, mail_withheld })
}

/// The key was used before: the same answers are the same response, other answers a conflict.
fn replay(conn: &mut DbConnection, prepared: &PreparedResponse) -> Result<Submitted, SubmitError> {
    let existing: Response =
        responses::table.filter(responses::submit_key.eq(&prepared.key)).select(Response::as_select()).first(conn)?;
    if existing.questionnaire_id != prepared.questionnaire || existing.stored().answers != prepared.stored.answers {
        return Err(SubmitError::Store(CoreError::Conflict(
            "cette clé d'idempotence a déjà servi pour une autre réponse".into(),
        )));
    }
    let contributions = response_contributions::table
        .filter(response_contributions::response_id.eq(existing.id))
        .select(response_contributions::contribution_id)
        .load(conn)?;
    Ok(Submitted { response: existing, first_time: false, follow_token: None, contributions, mail_withheld: false })
}

/// Starts a public response with its resume link, in one transaction; returns the link's
/// token (shown once: the page's address, or the API's answer).
/// `client` is the anonymous client starting it (its pseudonym), counted against
/// [`Anonymous::Response`].
pub fn start_public_with_link(
    conn: &mut DbConnection,
    questionnaire: Id,
    client: &Requester,
) -> CoreResult<(Response, String)> {
    use super::links::{create_link, LinkTarget, RESUME_LINK_DAYS};
    use essaim_core::domain::throttle::{count_anonymous, Anonymous};
    write_transaction(conn, |conn| {
        count_anonymous(conn, Anonymous::Response, &client.0)?;
        if super::store::find_questionnaire(conn, questionnaire)?.status != QuestionnaireStatus::Open {
            return Err(CoreError::Conflict("le questionnaire n'accepte pas de réponses en ce moment".into()));
        }
        let response = start_public(conn, questionnaire)?;
        let token = create_link(conn, LinkTarget::Resume(response.id), Some(chrono::Duration::days(RESUME_LINK_DAYS)))?;
        Ok((response, token))
    })
}
