//! Participation figures, as staff follow them.

use diesel::dsl::count_star;
use diesel::prelude::*;
use essaim_core::db::{DbConnection, Id};
use essaim_core::domain::Channel;
use essaim_core::schema::contributions;
use essaim_core::CoreResult;
use serde::Serialize;

/// How many contributions came through one channel.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ChannelCount {
    /// The channel.
    pub channel: Channel,
    /// How many contributions.
    pub count: i64,
}

/// Contributions per channel for a consultation, every channel listed (zero included), in
/// the channels' display order.
pub fn participation_by_channel(conn: &mut DbConnection, consultation: Id) -> CoreResult<Vec<ChannelCount>> {
    let rows: Vec<(String, i64)> = contributions::table
        .filter(contributions::consultation_id.eq(consultation))
        .group_by(contributions::channel)
        .select((contributions::channel, count_star()))
        .load(conn)?;
    Ok(Channel::ALL
        .iter()
        .map(|channel| ChannelCount {
            channel: *channel,
            count: rows.iter().find(|(code, _)| code == channel.as_str()).map(|(_, n)| *n).unwrap_or(0),
        })
        .collect())
}
