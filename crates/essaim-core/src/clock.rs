//! Time, always UTC, at the microsecond (PostgreSQL's precision, so both backends agree).

use chrono::{NaiveDateTime, SubsecRound, Utc};

/// Now, in UTC, truncated to the microsecond.
pub fn now() -> NaiveDateTime {
    Utc::now().naive_utc().trunc_subsecs(6)
}

/// "15 mars 2027", "1er avril 2027": a date as a French sentence writes it.
pub fn french_date(date: chrono::NaiveDate) -> String {
    use chrono::Datelike;
    const MONTHS: [&str; 12] = [
        "janvier",
        "février",
        "mars",
        "avril",
        "mai",
        "juin",
        "juillet",
        "août",
        "septembre",
        "octobre",
        "novembre",
        "décembre",
    ];
    let day = if date.day() == 1 { "1er".to_owned() } else { date.day().to_string() };
    format!("{day} {} {}", MONTHS[date.month0() as usize], date.year())
}
