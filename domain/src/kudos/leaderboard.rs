//! Leaderboards for a period: who was recognised and who recognised, per value, and the
//! spread — how many distinct people were recognised, per team — so that the same names at
//! the top do not hide a silent team. Only public kudos that stand are counted: a private
//! kudos is for its recipient and their manager, and even a count would show it.

use std::collections::{BTreeMap, HashMap, HashSet};

use chrono::{DateTime, Datelike as _, Days, Months, NaiveDate, NaiveTime, TimeZone as _, Utc};
use chrono_tz::Tz;

use super::command::BoardPeriod;
use super::policy::KudosPolicy;
use crate::people::{Person, PersonId, TeamName};
use crate::ports::{
    Directory, Kudos, KudosFilter, KudosRecord, PeopleFilter, StoreError, Visibility,
};

/// How many names a board lists.
pub const TOP: usize = 5;

impl BoardPeriod {
    /// When the current period around `now` began and when it ends, in `zone`.
    pub fn window(self, now: DateTime<Utc>, zone: Tz) -> (DateTime<Utc>, DateTime<Utc>) {
        let today = now.with_timezone(&zone).date_naive();
        let (first, next) = match self {
            Self::Week => {
                let monday = today - Days::new(u64::from(today.weekday().num_days_from_monday()));
                (monday, monday + Days::new(7))
            }
            Self::Month => {
                let first = today.with_day(1).unwrap_or(today);
                (first, first + Months::new(1))
            }
            Self::Quarter => {
                let month = (today.month0() / 3) * 3 + 1;
                let first = NaiveDate::from_ymd_opt(today.year(), month, 1).unwrap_or(today);
                (first, first + Months::new(3))
            }
        };
        (midnight(first, zone, now), midnight(next, zone, now))
    }
}

/// The first instant of `day` in `zone`.
pub(crate) fn midnight(day: NaiveDate, zone: Tz, fallback: DateTime<Utc>) -> DateTime<Utc> {
    (0..3)
        .find_map(|hour| {
            zone.from_local_datetime(&day.and_time(NaiveTime::from_hms_opt(hour, 0, 0)?))
                .earliest()
        })
        .map_or(fallback, |local| local.with_timezone(&Utc))
}

/// One line of a board: who (or which value) and how many.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Entry {
    /// A person's name, or a value's.
    pub name: String,
    /// Kudos.
    pub count: u32,
}

/// How widely a team was recognised.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct TeamSpread {
    /// The team.
    pub team: String,
    /// Its active members.
    pub members: u32,
    /// How many of them were recognised at least once.
    pub recognised: u32,
    /// Kudos its members received.
    pub kudos: u32,
}

/// A leaderboard.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Board {
    /// Which period, in words (`this month`).
    pub period: String,
    /// Only this team.
    pub team: Option<String>,
    /// The period's first instant.
    pub from: DateTime<Utc>,
    /// The instant after its last.
    pub to: DateTime<Utc>,
    /// Kudos counted.
    pub kudos: u32,
    /// Most recognised, most first.
    pub receivers: Vec<Entry>,
    /// Most recognising.
    pub givers: Vec<Entry>,
    /// Kudos per company value.
    pub values: Vec<Entry>,
    /// Distinct people recognised.
    pub recognised: u32,
    /// Active people in scope.
    pub people: u32,
    /// Per team, least recognised first.
    pub teams: Vec<TeamSpread>,
}

/// The board for `period` (`[from, to)`), for `team` or everyone, read from `store`.
pub async fn read<S: Kudos + Directory>(
    store: &S,
    period: BoardPeriod,
    (from, to): (DateTime<Utc>, DateTime<Utc>),
    team: Option<&TeamName>,
) -> Result<Board, StoreError> {
    let filter = KudosFilter {
        from,
        to,
        person: None,
    };
    let kudos = store.kudos_list(&filter).await?;
    let people = store.people(&PeopleFilter::default()).await?;
    let policy = store.kudos_policy().await?;
    Ok(board(&kudos, &people, &policy, period, (from, to), team))
}

/// The board for `period` of `kudos` (given in `[from, to)`), over `people` (everyone, for
/// names and teams), for `team` or everyone.
pub fn board(
    kudos: &[KudosRecord],
    people: &[Person],
    policy: &KudosPolicy,
    period: BoardPeriod,
    (from, to): (DateTime<Utc>, DateTime<Utc>),
    team: Option<&TeamName>,
) -> Board {
    let by_id: HashMap<PersonId, &Person> = people.iter().map(|p| (p.id, p)).collect();
    let in_team = |id: &PersonId| {
        team.is_none_or(|team| {
            by_id
                .get(id)
                .is_some_and(|person| person.teams.iter().any(|t| t.key() == team.key()))
        })
    };
    let counted: Vec<&KudosRecord> = kudos
        .iter()
        .filter(|k| k.stands() && k.visibility == Visibility::Public)
        .filter(|k| k.given_at >= from && k.given_at < to)
        .filter(|k| in_team(&k.giver) || k.recipients.iter().any(&in_team))
        .collect();
    let mut received: HashMap<PersonId, u32> = HashMap::new();
    let mut given: HashMap<PersonId, u32> = HashMap::new();
    let mut values: HashMap<&str, u32> = HashMap::new();
    for kudos in &counted {
        if in_team(&kudos.giver) {
            *given.entry(kudos.giver).or_default() += 1;
        }
        for recipient in kudos.recipients.iter().filter(|id| in_team(id)) {
            *received.entry(*recipient).or_default() += 1;
        }
        for tag in &kudos.values {
            *values.entry(tag.as_str()).or_default() += 1;
        }
    }
    let name = |id: &PersonId| {
        by_id
            .get(id)
            .map_or("someone", |p| p.name.as_str())
            .to_owned()
    };
    let top = |counts: &HashMap<PersonId, u32>| {
        let mut entries: Vec<Entry> = counts
            .iter()
            .map(|(id, count)| Entry {
                name: name(id),
                count: *count,
            })
            .collect();
        entries.sort_by(|a, b| b.count.cmp(&a.count).then_with(|| a.name.cmp(&b.name)));
        entries.truncate(TOP);
        entries
    };
    let mut value_entries: Vec<Entry> = values
        .iter()
        .map(|(tag, count)| Entry {
            name: policy
                .values
                .iter()
                .find(|value| value.tag.as_str() == *tag)
                .map_or_else(|| format!("#{tag}"), |value| value.name.clone()),
            count: *count,
        })
        .collect();
    value_entries.sort_by(|a, b| b.count.cmp(&a.count).then_with(|| a.name.cmp(&b.name)));
    let active: Vec<&Person> = people
        .iter()
        .filter(|p| p.active && in_team(&p.id))
        .collect();
    Board {
        period: period.this().to_owned(),
        team: team.map(ToString::to_string),
        from,
        to,
        kudos: u32::try_from(counted.len()).unwrap_or(u32::MAX),
        receivers: top(&received),
        givers: top(&given),
        values: value_entries,
        recognised: u32::try_from(received.len()).unwrap_or(u32::MAX),
        people: u32::try_from(active.len()).unwrap_or(u32::MAX),
        teams: spread(&active, &received, team),
    }
}

/// Each team's spread, least recognised (by share of members) first.
fn spread(
    active: &[&Person],
    received: &HashMap<PersonId, u32>,
    only: Option<&TeamName>,
) -> Vec<TeamSpread> {
    let mut teams: BTreeMap<String, (HashSet<PersonId>, u32, u32)> = BTreeMap::new();
    for person in active {
        for team in &person.teams {
            if only.is_some_and(|only| team.key() != only.key()) {
                continue;
            }
            let entry = teams.entry(team.to_string()).or_default();
            entry.0.insert(person.id);
            let count = received.get(&person.id).copied().unwrap_or_default();
            entry.1 += u32::from(count > 0);
            entry.2 += count;
        }
    }
    let mut spread: Vec<TeamSpread> = teams
        .into_iter()
        .map(|(team, (members, recognised, kudos))| TeamSpread {
            team,
            members: u32::try_from(members.len()).unwrap_or(u32::MAX),
            recognised,
            kudos,
        })
        .collect();
    spread.sort_by(|a, b| {
        let share = |t: &TeamSpread| f64::from(t.recognised) / f64::from(t.members.max(1));
        share(a)
            .total_cmp(&share(b))
            .then_with(|| a.team.cmp(&b.team))
    });
    spread
}
