//! Rows as the database returns them, and their conversion to domain types. Shared by both
//! backends: `FromRow` is derived for any row type.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use rhythm_domain::people::{
    ChatIdentity, ChatUserId, DisplayName, Email, Person, PersonId, Platform, Region, Role,
    TeamName, Timezone, TimezoneSource,
};
use rhythm_domain::schedule::{OutOfOffice, QuietHours, parse_date};
use sqlx::FromRow;

#[derive(FromRow)]
pub(crate) struct PersonRow {
    pub(crate) id: i64,
    pub(crate) email: String,
    pub(crate) name: String,
    pub(crate) timezone: String,
    pub(crate) timezone_source: String,
    pub(crate) role: String,
    pub(crate) manager_email: Option<String>,
    pub(crate) region: Option<String>,
    pub(crate) active: bool,
    pub(crate) quiet_hours: Option<String>,
    pub(crate) created_at: i64,
    pub(crate) updated_at: i64,
}

#[derive(FromRow)]
pub(crate) struct MembershipRow {
    pub(crate) person_id: i64,
    pub(crate) team: String,
}

#[derive(FromRow)]
pub(crate) struct AwayRow {
    pub(crate) person_id: i64,
    pub(crate) from_date: String,
    pub(crate) to_date: String,
}

#[derive(FromRow)]
pub(crate) struct IdentityRow {
    pub(crate) person_id: i64,
    pub(crate) platform: String,
    pub(crate) user_id: String,
    pub(crate) workspace_id: Option<String>,
}

pub(crate) fn assemble(
    rows: Vec<PersonRow>,
    memberships: Vec<MembershipRow>,
    identities: Vec<IdentityRow>,
    away: Vec<AwayRow>,
) -> anyhow::Result<Vec<Person>> {
    let mut people = Vec::with_capacity(rows.len());
    let mut index = HashMap::with_capacity(rows.len());
    for row in rows {
        index.insert(row.id, people.len());
        people.push(person(&row)?);
    }
    for membership in memberships {
        if let Some(&at) = index.get(&membership.person_id) {
            people[at]
                .teams
                .push(stored(TeamName::parse(&membership.team), "team name")?);
        }
    }
    for identity in identities {
        if let Some(&at) = index.get(&identity.person_id) {
            let platform = stored(Platform::parse(&identity.platform), "platform")?;
            people[at].identities.push(ChatIdentity {
                platform,
                workspace_id: identity.workspace_id,
                user_id: stored(
                    ChatUserId::parse(platform, &identity.user_id),
                    "chat user id",
                )?,
            });
        }
    }
    for range in away {
        if let Some(&at) = index.get(&range.person_id) {
            let from = stored(parse_date(&range.from_date, "date"), "out-of-office date")?;
            let to = stored(parse_date(&range.to_date, "date"), "out-of-office date")?;
            people[at]
                .out_of_office
                .push(stored(OutOfOffice::new(from, to), "out-of-office range")?);
        }
    }
    Ok(people)
}

fn person(row: &PersonRow) -> anyhow::Result<Person> {
    Ok(Person {
        id: PersonId(row.id),
        email: stored(Email::parse(&row.email), "email")?,
        name: stored(DisplayName::parse(&row.name), "name")?,
        timezone: stored(Timezone::parse(&row.timezone), "time zone")?,
        timezone_source: stored(
            TimezoneSource::parse(&row.timezone_source),
            "time zone source",
        )?,
        role: stored(Role::parse(&row.role), "role")?,
        manager: optional(row.manager_email.as_deref(), Email::parse, "manager email")?,
        teams: Vec::new(),
        region: optional(row.region.as_deref(), Region::parse, "region")?,
        active: row.active,
        identities: Vec::new(),
        quiet_hours: optional(row.quiet_hours.as_deref(), QuietHours::parse, "quiet hours")?,
        out_of_office: Vec::new(),
        created_at: instant(row.created_at)?,
        updated_at: instant(row.updated_at)?,
    })
}

/// A value read back from the database that no longer parses means the database was
/// written by something other than Rhythm.
fn stored<T>(parsed: Result<T, rhythm_domain::people::Invalid>, what: &str) -> anyhow::Result<T> {
    parsed.map_err(|invalid| anyhow::anyhow!("a stored {what} is invalid: {invalid}"))
}

/// A nullable stored value, re-parsed.
fn optional<T>(
    value: Option<&str>,
    parse: impl FnOnce(&str) -> Result<T, rhythm_domain::people::Invalid>,
    what: &str,
) -> anyhow::Result<Option<T>> {
    value.map(|text| stored(parse(text), what)).transpose()
}

/// An epoch-milliseconds column as an instant.
pub(crate) fn instant(millis: i64) -> anyhow::Result<DateTime<Utc>> {
    DateTime::from_timestamp_millis(millis)
        .ok_or_else(|| anyhow::anyhow!("stored instant {millis} is out of range"))
}
