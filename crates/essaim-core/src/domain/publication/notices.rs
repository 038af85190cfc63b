//! Telling followers what became of their contributions when the strategy is published: one
//! mail per address (through the outbox, in the publication's transaction), listing the
//! answer of each contribution it follows. A follower is mailed again by a later version only
//! when one of these answers changed: what each was told is kept (`answer_notices`), so
//! publishing twice never mails twice. The mail holds no personal link (only the public
//! strategy's address): its copy in the outbox opens nothing.

use std::collections::{BTreeMap, HashMap};

use diesel::prelude::*;

use crate::clock::now;
use crate::db::{DbConnection, Id};
use crate::domain::audit::{record, AuditEvent};
use crate::error::CoreResult;
use crate::mail::outbox::{enqueue_mail_from, OutgoingMail};
use crate::mail::texts::{escape_html, mail_context, MailKind};
use crate::schema::{answer_notices, contributions, follow_contributions, follows, response_contributions, responses};

use super::answers::{answers_of, Answer};
use super::Snapshot;

/// One follow of a consultation with an address, and one contribution it follows.
fn followed_rows(conn: &mut DbConnection, consultation: Id) -> CoreResult<Vec<(Id, String, Id)>> {
    // An online contribution's follow keeps the address its link was mailed to.
    let mut rows: Vec<(Id, Option<String>, Id)> = follows::table
        .inner_join(follow_contributions::table.inner_join(contributions::table))
        .filter(follows::revoked_at.is_null())
        .filter(follows::email.is_not_null())
        .filter(contributions::consultation_id.eq(consultation))
        .select((follows::id, follows::email, contributions::id))
        .load(conn)?;
    // A questionnaire response names its follow and keeps its respondent's address.
    let through_responses: Vec<(Id, Option<String>, Id)> = responses::table
        .inner_join(follows::table.on(responses::follow_id.eq(follows::id.nullable())))
        .inner_join(response_contributions::table.on(response_contributions::response_id.eq(responses::id)))
        .inner_join(contributions::table.on(contributions::id.eq(response_contributions::contribution_id)))
        .filter(follows::revoked_at.is_null())
        .filter(responses::email.is_not_null())
        .filter(contributions::consultation_id.eq(consultation))
        .select((follows::id, responses::email, contributions::id))
        .load(conn)?;
    rows.extend(through_responses);
    Ok(rows
        .into_iter()
        .filter_map(|(follow, email, contribution)| {
            email.filter(|e| !e.trim().is_empty()).map(|e| (follow, e.trim().to_lowercase(), contribution))
        })
        .collect())
}

/// Queues one mail per follower address whose contributions' answers they were not told yet
/// (all of them at the first publication), and remembers what each was told. Returns how
/// many mails were queued. `strategy_url` is the public strategy's address. In the
/// publication's transaction.
pub fn notify_followers(
    conn: &mut DbConnection,
    consultation: Id,
    snapshot: &Snapshot,
    strategy_url: &str,
    actor: Option<Id>,
) -> CoreResult<usize> {
    let rows = followed_rows(conn, consultation)?;
    if rows.is_empty() {
        return Ok(0);
    }
    let contribution_ids: Vec<Id> = {
        let mut ids: Vec<Id> = rows.iter().map(|r| r.2).collect();
        ids.sort();
        ids.dedup();
        ids
    };
    let answers = answers_of(conn, &contribution_ids)?;
    let told: HashMap<(Id, Id), String> = answer_notices::table
        .inner_join(follows::table)
        .filter(follows::revoked_at.is_null())
        .select((answer_notices::follow_id, answer_notices::contribution_id, answer_notices::announced))
        .load::<(Id, Id, String)>(conn)?
        .into_iter()
        .filter(|(_, c, _)| answers.contains_key(c))
        .map(|(f, c, a)| ((f, c), a))
        .collect();
    // Per address: every (follow, contribution) with an answer, and whether one is news.
    let mut by_address: BTreeMap<String, (Vec<(Id, Id)>, bool)> = BTreeMap::new();
    for (follow, email, contribution) in rows {
        let Some(answer) = answers.get(&contribution) else { continue };
        let entry = by_address.entry(email).or_default();
        if !entry.0.contains(&(follow, contribution)) {
            entry.0.push((follow, contribution));
        }
        if told.get(&(follow, contribution)) != Some(&answer.fingerprint()) {
            entry.1 = true;
        }
    }
    let context = mail_context(conn, consultation, MailKind::StrategiePubliee)?;
    let titles: HashMap<Id, String> = snapshot.orientations().map(|(_, o)| (o.id, o.title.clone())).collect();
    let at = now();
    let mut queued = 0;
    for (address, (pairs, news)) in by_address {
        if !news {
            continue;
        }
        let rendered = context.render(&context.values().link("lien", strategy_url));
        let mut text = rendered.text;
        let mut html = rendered.html;
        let mut seen: Vec<Id> = Vec::new();
        for &(_, contribution) in &pairs {
            if seen.contains(&contribution) {
                continue;
            }
            seen.push(contribution);
            let answer = &answers[&contribution];
            let body: String = contributions::table.find(contribution).select(contributions::body).first(conn)?;
            let excerpt = excerpt(&body, 160);
            let mut line = answer.answer.label().to_owned();
            if let Some(title) = answer.orientation_id.and_then(|o| titles.get(&o)) {
                match answer.answer {
                    Answer::Retained => line.push_str(&format!(" : elle nourrit l'orientation « {title} »")),
                    Answer::Merged => line.push_str(&format!(" dans l'orientation « {title} »")),
                    _ => {}
                }
            }
            line.push('.');
            if !answer.text.is_empty() {
                line.push(' ');
                line.push_str(&answer.text);
            }
            text.push_str(&format!("Votre contribution « {excerpt} »\n  {}\n\n", line.replace('\n', "\n  ")));
            html.push_str(&format!(
                "<p><strong>Votre contribution « {} »</strong><br>{}</p>\n",
                escape_html(&excerpt),
                escape_html(&line).replace('\n', "<br>")
            ));
        }
        let html = format!(
            "<!DOCTYPE html>\n<html lang=\"fr\"><head><meta charset=\"utf-8\"><title>{}</title></head><body>\n{}</body></html>\n",
            escape_html(&rendered.subject),
            html
        );
        enqueue_mail_from(
            conn,
            &OutgoingMail {
                topic: MailKind::StrategiePubliee.code().into(),
                recipient: address,
                subject: rendered.subject,
                text,
                html: Some(html),
            },
            &context.sender,
        )?;
        queued += 1;
        for (follow, contribution) in pairs {
            let fingerprint = answers[&contribution].fingerprint();
            diesel::delete(answer_notices::table.find((follow, contribution))).execute(conn)?;
            diesel::insert_into(answer_notices::table)
                .values((
                    answer_notices::follow_id.eq(follow),
                    answer_notices::contribution_id.eq(contribution),
                    answer_notices::announced.eq(fingerprint),
                    answer_notices::announced_at.eq(at),
                ))
                .execute(conn)?;
        }
    }
    if queued > 0 {
        record(
            conn,
            AuditEvent::new(actor, "publication.notify", "consultation", Some(consultation.to_string()))
                .with_details(serde_json::json!({ "mails": queued })),
        )?;
    }
    Ok(queued)
}

/// The first `max` characters of a text on one line, with an ellipsis when cut.
pub fn excerpt(text: &str, max: usize) -> String {
    let line = text.split_whitespace().collect::<Vec<_>>().join(" ");
    if line.chars().count() <= max {
        line
    } else {
        format!("{}…", line.chars().take(max).collect::<String>().trim_end())
    }
}
