//! Ideas left at a stand by a visitor (a *chasseur*), from a phone, without an account.
//!
//! An idea is a contribution: channel [`Channel::TreasureHunt`], the stand's theme, submitter
//! [`Submitter::Public`] (so it waits for a moderator, docs/moderation.md), recorded through
//! the core's one entry point with the form's idempotency key (a double tap records one), and
//! linked to its stand (`stand_contributions`). One device and one address may only send so
//! many in a while ([`DEVICE_LIMIT`], [`ADDRESS_LIMIT`]): counters in the database
//! ([`essaim_core::domain::throttle`]), so several servers count as one.

use diesel::prelude::*;
use essaim_core::db::{write_transaction, DbConnection};
use essaim_core::domain::consultation::frame_of;
use essaim_core::domain::contribution::{
    find_by_idempotency_key, record_contribution, Contribution, ContributionForm, OrganisationField, Recorded,
    Submitter,
};
use essaim_core::domain::throttle::{hit, throttle_key, Limit, Verdict};
use essaim_core::domain::Channel;
use essaim_core::schema::stand_contributions;
use essaim_core::{CoreError, CoreResult};

use super::Stand;

/// Ideas one device may leave in ten minutes, all stands together.
pub const DEVICE_LIMIT: Limit = Limit { max: 10, window_secs: 600 };
/// Ideas one network address may send in ten minutes: generous, since a venue's Wi-Fi puts
/// hundreds of phones behind one address.
pub const ADDRESS_LIMIT: Limit = Limit { max: 200, window_secs: 600 };
/// Purpose of the per-device counter ([`throttle_key`]).
pub const DEVICE_PURPOSE: &str = "stand-idea-device";
/// Purpose of the per-address counter.
pub const ADDRESS_PURPOSE: &str = "stand-idea-address";

/// The idea as typed; every field a string, so a refused page shows it back.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct IdeaForm {
    /// The kind's code (`constat`, `proposition`, `experience`, `question`).
    pub kind: String,
    /// The text.
    pub body: String,
    /// The organisation one speaks for (optional).
    pub organisation: String,
    /// The code of a département of the consultation (optional).
    pub territory: String,
    /// The key made when the form was shown.
    pub idempotency_key: String,
}

/// Who sends, for the limits only: never stored in clear.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Sender {
    /// What identifies the device (a cookie of the browser, a client's id); empty if none.
    pub device: String,
    /// The network address.
    pub address: String,
}

/// What [`leave_idea`] did.
#[derive(Debug, Clone, PartialEq)]
pub enum IdeaOutcome {
    /// Recorded, waiting for a moderator; `again` when an earlier call with the same key
    /// stored it (nothing new was written, nothing counted).
    Recorded {
        /// The contribution as stored (boxed: the other variant is small).
        contribution: Box<Contribution>,
        /// True for a replay.
        again: bool,
    },
    /// Over a limit: nothing recorded; try again in `retry_after_secs` seconds.
    Limited {
        /// Seconds until the window ends.
        retry_after_secs: i64,
    },
}

/// Checks the form (the core's [`ContributionForm`]) and leaves the idea at `stand` (an active one). Refusals are
/// [`CoreError::Validation`], field by field in French (`kind`, `body`, `organisation`,
/// `territory`); a key already used for another text is a [`CoreError::Conflict`].
pub fn leave_idea(conn: &mut DbConnection, stand: &Stand, form: &IdeaForm, sender: &Sender) -> CoreResult<IdeaOutcome> {
    if !stand.is_active() {
        return Err(CoreError::NotFound("stand".into()));
    }
    let frame = frame_of(conn, stand.consultation_id)?;
    let checked = ContributionForm {
        kind: &form.kind,
        body: &form.body,
        organisation: &form.organisation,
        territory: &form.territory,
        organisation_field: OrganisationField::Optional,
    }
    .parse(&frame)
    .map_err(CoreError::Validation)?;
    let body = checked.body.clone();

    let key = form.idempotency_key.trim();
    if !key.is_empty() {
        // A replay (double tap, reload) gets its first answer and is not counted.
        if let Some(stored) = find_by_idempotency_key(conn, key)? {
            if stored.channel == Channel::TreasureHunt && stored.body == body && is_at(conn, &stored, stand)? {
                return Ok(IdeaOutcome::Recorded { contribution: Box::new(stored), again: true });
            }
            return Err(CoreError::Conflict("cette clé d'idempotence a déjà servi pour une autre idée".into()));
        }
    }
    if let Some(retry_after_secs) = over_limit(conn, sender)? {
        return Ok(IdeaOutcome::Limited { retry_after_secs });
    }

    let mut input =
        checked.into_new(stand.consultation_id, Channel::TreasureHunt, Submitter::Public).theme(stand.theme_id);
    if !key.is_empty() {
        input = input.idempotency_key(key);
    }
    write_transaction(conn, |conn| match record_contribution(conn, input)? {
        Recorded::New(contribution) => {
            diesel::insert_into(stand_contributions::table)
                .values((
                    stand_contributions::contribution_id.eq(contribution.id),
                    stand_contributions::stand_id.eq(stand.id),
                ))
                .execute(conn)?;
            Ok(IdeaOutcome::Recorded { contribution: Box::new(contribution), again: false })
        }
        Recorded::Again(contribution) => {
            Ok(IdeaOutcome::Recorded { contribution: Box::new(contribution), again: true })
        }
    })
}

/// Counts this attempt for the device and the address; the seconds to wait if either is over.
fn over_limit(conn: &mut DbConnection, sender: &Sender) -> CoreResult<Option<i64>> {
    if !sender.device.trim().is_empty() {
        if let Verdict::Refused { retry_after_secs } =
            hit(conn, &throttle_key(DEVICE_PURPOSE, sender.device.trim()), DEVICE_LIMIT)?
        {
            return Ok(Some(retry_after_secs));
        }
    }
    if let Verdict::Refused { retry_after_secs } =
        hit(conn, &throttle_key(ADDRESS_PURPOSE, &sender.address), ADDRESS_LIMIT)?
    {
        return Ok(Some(retry_after_secs));
    }
    Ok(None)
}

fn is_at(conn: &mut DbConnection, contribution: &Contribution, stand: &Stand) -> CoreResult<bool> {
    let n: i64 = stand_contributions::table
        .filter(stand_contributions::contribution_id.eq(contribution.id))
        .filter(stand_contributions::stand_id.eq(stand.id))
        .count()
        .get_result(conn)?;
    Ok(n > 0)
}

/// The idea left at `stand` under `key`, for its confirmation page; none if the key is unknown
/// or was used elsewhere.
pub fn idea_with_key(conn: &mut DbConnection, stand: &Stand, key: &str) -> CoreResult<Option<Contribution>> {
    let key = key.trim();
    if key.is_empty() {
        return Ok(None);
    }
    let Some(contribution) = find_by_idempotency_key(conn, key)? else { return Ok(None) };
    Ok(is_at(conn, &contribution, stand)?.then_some(contribution))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::stands::{create_stand, StandForm};
    use essaim_core::domain::consultation::find_consultation;
    use essaim_core::domain::contribution::{moderation_queue, QueueFilter, PAGE_SIZE};
    use essaim_core::domain::ModerationStatus;
    use essaim_core::testing::{demo, TestDb};

    fn stand(conn: &mut DbConnection) -> Stand {
        demo(conn);
        let consultation = find_consultation(conn, essaim_core::demo::DEMO_SLUG).unwrap();
        let form = StandForm {
            theme: "4".into(),
            position: "1".into(),
            title: "PTCE du Pays d'Ancenis".into(),
            organisation: "COTESS du Pays d'Ancenis".into(),
            description: "Un pôle territorial de coopération économique.".into(),
            location: "Allée des territoires".into(),
        };
        create_stand(conn, &consultation, &form, None).unwrap()
    }

    fn idea(text: &str, key: &str) -> IdeaForm {
        IdeaForm { kind: "proposition".into(), body: text.into(), idempotency_key: key.into(), ..IdeaForm::default() }
    }

    fn sender(device: &str) -> Sender {
        Sender { device: device.into(), address: "192.0.2.44".into() }
    }

    #[test]
    fn an_idea_is_a_pending_contribution_of_the_stand_theme_linked_to_its_stand_once_per_key() {
        let db = TestDb::new();
        let mut conn = db.conn();
        let stand = stand(&mut conn);
        let form =
            IdeaForm { territory: "44".into(), organisation: "Une SCIC".into(), ..idea("Mutualiser un local", "k-1") };
        let IdeaOutcome::Recorded { contribution, again } = leave_idea(&mut conn, &stand, &form, &sender("d")).unwrap()
        else {
            panic!("recorded")
        };
        assert!(!again);
        assert_eq!(contribution.channel, Channel::TreasureHunt);
        assert_eq!(contribution.moderation_status, ModerationStatus::Pending);
        assert_eq!(contribution.theme_id, Some(stand.theme_id));
        assert_eq!(contribution.author_name.as_deref(), Some("Une SCIC"));
        assert!(contribution.territory_id.is_some());
        let replay = leave_idea(&mut conn, &stand, &form, &sender("d")).unwrap();
        assert_eq!(replay, IdeaOutcome::Recorded { contribution: contribution.clone(), again: true });
        assert_eq!(idea_with_key(&mut conn, &stand, "k-1").unwrap(), Some(*contribution.clone()));
        // The moderation queue shows it.
        let filter =
            QueueFilter { status: Some(ModerationStatus::Pending), theme: None, after: None, limit: PAGE_SIZE };
        let queue = moderation_queue(&mut conn, stand.consultation_id, &filter).unwrap();
        assert_eq!(queue.items.iter().filter(|c| c.id == contribution.id).count(), 1);
        // The same key for another text is refused.
        let other = leave_idea(&mut conn, &stand, &idea("Autre chose", "k-1"), &sender("d"));
        assert!(matches!(other, Err(CoreError::Conflict(_))), "{other:?}");
    }

    #[test]
    fn a_refused_idea_says_why_and_records_nothing() {
        let db = TestDb::new();
        let mut conn = db.conn();
        let stand = stand(&mut conn);
        let form = IdeaForm { kind: "avis".into(), territory: "75".into(), ..idea("   ", "") };
        let Err(CoreError::Validation(errors)) = leave_idea(&mut conn, &stand, &form, &sender("d")) else {
            panic!("refused")
        };
        // One form for every channel (the core's): the same words as online.
        assert_eq!(errors.get("body"), Some("Écrivez votre contribution."));
        assert!(errors.get("kind").is_some() && errors.get("territory").is_some());
        assert_eq!(stand_contributions::table.count().get_result::<i64>(&mut conn).unwrap(), 0);
    }

    #[test]
    fn a_device_over_its_limit_is_refused_and_another_device_is_not() {
        let db = TestDb::new();
        let mut conn = db.conn();
        let stand = stand(&mut conn);
        for n in 0..DEVICE_LIMIT.max {
            let outcome =
                leave_idea(&mut conn, &stand, &idea(&format!("Idée {n}"), &format!("k{n}")), &sender("phone-1"));
            assert!(matches!(outcome, Ok(IdeaOutcome::Recorded { again: false, .. })), "{outcome:?}");
        }
        let over = leave_idea(&mut conn, &stand, &idea("Une de trop", "k-over"), &sender("phone-1")).unwrap();
        assert!(matches!(over, IdeaOutcome::Limited { retry_after_secs } if retry_after_secs > 0), "{over:?}");
        assert!(find_by_idempotency_key(&mut conn, "k-over").unwrap().is_none(), "nothing recorded");
        // A replay of an idea already recorded is still answered.
        assert!(matches!(
            leave_idea(&mut conn, &stand, &idea("Idée 0", "k0"), &sender("phone-1")).unwrap(),
            IdeaOutcome::Recorded { again: true, .. }
        ));
        let other = leave_idea(&mut conn, &stand, &idea("Un autre téléphone", "k-other"), &sender("phone-2")).unwrap();
        assert!(matches!(other, IdeaOutcome::Recorded { .. }));
    }

    #[test]
    fn an_address_over_its_limit_is_refused_whatever_the_device() {
        let db = TestDb::new();
        let mut conn = db.conn();
        let stand = stand(&mut conn);
        let key = throttle_key(ADDRESS_PURPOSE, "192.0.2.44");
        for _ in 0..ADDRESS_LIMIT.max {
            hit(&mut conn, &key, ADDRESS_LIMIT).unwrap();
        }
        let outcome = leave_idea(&mut conn, &stand, &idea("Depuis un nouvel appareil", "k"), &sender("new")).unwrap();
        assert!(matches!(outcome, IdeaOutcome::Limited { .. }), "{outcome:?}");
    }
}
