//! The workshops of the demo consultation (docs/demo.md): the five launch workshops and the
//! five conference workshops of Pays de la Loire 2016, with facilitator accounts assigned.
//! Idempotent: when the demo consultation already has workshops, nothing changes.

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;
use essaim_core::clock::now;
use essaim_core::db::{write_transaction, DbConnection, Id};
use essaim_core::demo::DEMO_SLUG;
use essaim_core::domain::account::{find_account_by_email, NewAccount};
use essaim_core::domain::consultation::themes_of;
use essaim_core::domain::Channel;
use essaim_core::schema::{consultations, contributions, workshop_entries, workshop_facilitators, workshops};
use essaim_core::CoreResult;

use crate::workshops::{Workshop, WorkshopPhase, WorkshopState};

/// The demo facilitator accounts besides the core's (`animation@demo.essaim.fr`):
/// (e-mail, name, password). Their passwords are public, like every demo account's.
pub const DEMO_FACILITATORS: [(&str, &str, &str); 2] = [
    ("animation.lancement@demo.essaim.fr", "Hugo Animateur", "essaim-demo-animation-2"),
    ("animation.conference@demo.essaim.fr", "Léa Animatrice", "essaim-demo-animation-3"),
];

/// The core's demo facilitator.
const CORE_FACILITATOR: &str = "animation@demo.essaim.fr";

/// Launch workshops, one per theme, in a town of each département (the press file names no
/// place nor date for them: placeholders within the launch phase, April 2016).
const LAUNCH: [(&str, u32); 5] = [
    ("Nantes (44) — Maison de l'économie sociale et solidaire", 5),
    ("Angers (49) — Hôtel de Région, antenne", 7),
    ("Laval (53) — salle des associations", 12),
    ("Le Mans (72) — Maison des associations", 14),
    ("La Roche-sur-Yon (85) — salle du Conseil", 19),
];

/// Which facilitators (indexes: 0 the core's, 1 and 2 [`DEMO_FACILITATORS`]) run each theme's
/// launch and conference workshop.
const LAUNCH_TEAMS: [&[usize]; 5] = [&[0], &[0], &[0, 1], &[1], &[1]];
const CONFERENCE_TEAMS: [&[usize]; 5] = [&[0, 2], &[0], &[2], &[2], &[2, 1]];

fn at(day: u32, month: u32, hour: u32) -> Option<NaiveDateTime> {
    NaiveDate::from_ymd_opt(2016, month, day).and_then(|d| d.and_hms_opt(hour, 0, 0))
}

/// Seeds the demo workshops and their facilitators; returns how many workshops were created
/// (0 when they were already there, or when there is no demo consultation). The launch
/// workshops are closed, with the demo contributions of their channel and theme as entries;
/// the conference workshops are open, ready for live capture.
pub fn seed_demo_workshops(conn: &mut DbConnection) -> CoreResult<usize> {
    write_transaction(conn, |conn| {
        let Some(consultation) = consultations::table
            .filter(consultations::slug.eq(DEMO_SLUG))
            .select(consultations::id)
            .first::<Id>(conn)
            .optional()?
        else {
            return Ok(0);
        };
        let present: i64 =
            workshops::table.filter(workshops::consultation_id.eq(consultation)).count().get_result(conn)?;
        if present > 0 {
            return Ok(0);
        }
        let mut people = Vec::new();
        let Some(core) = find_account_by_email(conn, CORE_FACILITATOR)? else { return Ok(0) };
        people.push(core.id);
        for (email, name, password) in DEMO_FACILITATORS {
            let account = match find_account_by_email(conn, email)? {
                Some(account) => account,
                None => {
                    let input = NewAccount {
                        email: email.into(),
                        display_name: name.into(),
                        role: "facilitator".into(),
                        password: password.into(),
                    };
                    essaim_core::domain::scope::create_limited_account(conn, &input, &[consultation], None)?
                }
            };
            people.push(account.id);
        }
        let themes = themes_of(conn, consultation)?;
        let stamp = now();
        let mut created = 0;
        for (index, theme) in themes.iter().enumerate().take(5) {
            let (place, day) = LAUNCH[index];
            let plans = [
                (WorkshopPhase::Launch, place.to_owned(), at(day, 4, 14), WorkshopState::Closed, LAUNCH_TEAMS[index]),
                (
                    WorkshopPhase::Conference,
                    format!("Angers — Centre de congrès, salle {}", index + 1),
                    at(28, 6, 14),
                    WorkshopState::Open,
                    CONFERENCE_TEAMS[index],
                ),
            ];
            for (phase, place, starts_at, state, team) in plans {
                let workshop = Workshop {
                    id: Id::new(),
                    consultation_id: consultation,
                    theme_id: theme.id,
                    phase,
                    place,
                    starts_at,
                    state,
                    headcount: None,
                    organisations_present: String::new(),
                    report: String::new(),
                    created_at: stamp,
                    updated_at: stamp,
                };
                diesel::insert_into(workshops::table).values(workshop.clone()).execute(conn)?;
                for person in team.iter().filter_map(|i| people.get(*i)) {
                    diesel::insert_into(workshop_facilitators::table)
                        .values((
                            workshop_facilitators::workshop_id.eq(workshop.id),
                            workshop_facilitators::account_id.eq(*person),
                        ))
                        .execute(conn)?;
                }
                // The demo contributions of this channel and theme become its entries.
                if phase == WorkshopPhase::Launch {
                    let logged: Vec<(Id, NaiveDateTime)> = contributions::table
                        .filter(contributions::consultation_id.eq(consultation))
                        .filter(contributions::theme_id.eq(theme.id))
                        .filter(contributions::channel.eq(Channel::LaunchWorkshop))
                        .select((contributions::id, contributions::created_at))
                        .load(conn)?;
                    for (contribution, created_at) in logged {
                        diesel::insert_into(workshop_entries::table)
                            .values((
                                workshop_entries::id.eq(Id::new()),
                                workshop_entries::workshop_id.eq(workshop.id),
                                workshop_entries::contribution_id.eq(Some(contribution)),
                                workshop_entries::created_at.eq(created_at),
                            ))
                            .execute(conn)?;
                    }
                }
                created += 1;
            }
        }
        Ok(created)
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::workshops::workshops_of;
    use essaim_core::testing::{demo, TestDb};

    #[test]
    fn ten_workshops_once_with_their_facilitators() {
        let db = TestDb::new();
        let mut conn = db.conn();
        let (consultation, _) = demo(&mut conn);
        assert_eq!(seed_demo_workshops(&mut conn).unwrap(), 10);
        let first = workshops_of(&mut conn, consultation).unwrap();
        assert_eq!(seed_demo_workshops(&mut conn).unwrap(), 0, "a second run changes nothing");
        let second = workshops_of(&mut conn, consultation).unwrap();
        assert_eq!(first, second);
        let launch: Vec<_> = first.iter().filter(|s| s.workshop.phase == WorkshopPhase::Launch).collect();
        assert_eq!(launch.len(), 5);
        assert!(first.iter().all(|s| !s.facilitators.is_empty()));
        assert!(launch.iter().all(|s| s.entries >= 1), "the demo's launch contributions are their entries");
        let open = first.iter().filter(|s| s.workshop.state == WorkshopState::Open).count();
        assert_eq!(open, 5);
        for (email, ..) in DEMO_FACILITATORS {
            assert!(find_account_by_email(&mut conn, email).unwrap().is_some());
        }
    }
}
