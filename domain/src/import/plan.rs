//! Checking an import against itself and the directory, and working out the change.

use std::collections::{HashMap, HashSet};

use crate::people::{
    ChatUserId, DisplayName, Email, Person, Platform, Region, Role, TeamName, Timezone,
    TimezoneSource,
};
use crate::ports::{AuditEntry, DirectorySnapshot};

use super::{ImportOptions, ImportRow, Named, Problem};

/// Whether a change adds a person or updates one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ChangeKind {
    /// A new person.
    Created,
    /// An existing person; `fields` names the columns that changed (`active` when a
    /// deactivated person is back in the file).
    Updated {
        /// The changed columns.
        fields: Vec<&'static str>,
    },
}

/// The full desired state of one person after the import.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PersonChange {
    /// Created or updated.
    pub kind: ChangeKind,
    /// The key.
    pub email: Email,
    /// Name.
    pub name: DisplayName,
    /// Zone.
    pub timezone: Timezone,
    /// Who chose the zone: HR when the row gives one, else the default (for someone new) or
    /// whoever chose it before.
    pub timezone_source: TimezoneSource,
    /// Role.
    pub role: Role,
    /// Manager.
    pub manager: Option<Email>,
    /// Region.
    pub region: Option<Region>,
    /// `Some`: replace their memberships with these teams.
    pub teams: Option<Vec<TeamName>>,
    /// Accounts to set; each replaces the person's account on that platform.
    pub identities: Vec<(Platform, ChatUserId)>,
}

/// What an import will write.
#[derive(Debug, Clone, Default)]
pub struct ImportPlan {
    /// People to create or update (always active afterwards).
    pub changes: Vec<PersonChange>,
    /// Active people to deactivate.
    pub deactivate: Vec<Named>,
    /// Rows that match the directory already.
    pub unchanged: u64,
    /// The audit-log entry to write with the change.
    pub audit: Option<AuditEntry>,
}

impl ImportPlan {
    /// How many people the plan creates.
    pub fn created(&self) -> usize {
        self.changes
            .iter()
            .filter(|change| change.kind == ChangeKind::Created)
            .count()
    }

    /// Whether applying the plan writes nothing.
    pub fn is_empty(&self) -> bool {
        self.changes.is_empty() && self.deactivate.is_empty()
    }
}

/// Checks `rows` against each other and `snapshot`, and plans the change: every problem, or
/// the plan.
pub fn plan(
    rows: &[ImportRow],
    snapshot: &DirectorySnapshot,
    options: &ImportOptions,
) -> Result<ImportPlan, Vec<Problem>> {
    let directory: HashMap<&Email, &Person> = snapshot
        .people
        .iter()
        .map(|person| (&person.email, person))
        .collect();
    let mut problems = Vec::new();
    let rows = first_of_each_email(rows, &mut problems);
    let in_file: HashMap<&Email, &ImportRow> = rows.iter().map(|row| (&row.email, *row)).collect();

    check_managers(&rows, &in_file, &directory, options, &mut problems);
    check_manager_cycles(&rows, &in_file, snapshot, &mut problems);
    check_chat_ids(&rows, snapshot, &mut problems);
    if !problems.is_empty() {
        problems.sort_by_key(|problem| problem.line);
        return Err(problems);
    }

    let spelling = TeamSpelling::new(&rows, snapshot);
    let mut plan = ImportPlan::default();
    for row in managers_first(&rows, snapshot) {
        match directory.get(&row.email) {
            None => plan.changes.push(created(row, options, &spelling)),
            Some(person) => match updated(row, person, &spelling) {
                Some(change) => plan.changes.push(change),
                None => plan.unchanged += 1,
            },
        }
    }
    if options.deactivate_missing {
        plan.deactivate = snapshot
            .people
            .iter()
            .filter(|person| person.active && !in_file.contains_key(&person.email))
            .map(|person| Named {
                email: person.email.clone(),
                name: person.name.clone(),
            })
            .collect();
    }
    Ok(plan)
}

/// The rows ordered so that each person's manager, if in the file, comes before them: the
/// store checks the manager reference at the end of each statement, and writes in this
/// order. Call only once the rows are known to have no manager cycle.
fn managers_first<'r>(rows: &[&'r ImportRow], snapshot: &DirectorySnapshot) -> Vec<&'r ImportRow> {
    let in_file: HashMap<&Email, &ImportRow> = rows.iter().map(|row| (&row.email, *row)).collect();
    let stored: HashMap<&Email, Option<&Email>> = snapshot
        .people
        .iter()
        .map(|person| (&person.email, person.manager.as_ref()))
        .collect();
    let manager_of = |email: &Email| -> Option<&Email> {
        match in_file.get(email) {
            Some(row) => match &row.manager {
                Some(manager) => manager.as_ref(),
                None => stored.get(email).copied().flatten(),
            },
            None => None,
        }
    };
    // Depth in the file's part of the management chain: 0 for someone whose manager is not
    // in the file. Memoised, so the whole pass is linear.
    let mut depth: HashMap<&Email, usize> = HashMap::with_capacity(rows.len());
    for row in rows {
        let mut chain = vec![&row.email];
        while let Some(manager) = manager_of(chain[chain.len() - 1]) {
            if depth.contains_key(manager) || !in_file.contains_key(manager) {
                break;
            }
            chain.push(manager);
        }
        let top = chain[chain.len() - 1];
        let base = manager_of(top)
            .and_then(|manager| depth.get(manager))
            .map_or(0, |d| d + 1);
        for (level, email) in (base..).zip(chain.into_iter().rev()) {
            depth.entry(email).or_insert(level);
        }
    }
    let mut ordered = rows.to_vec();
    ordered.sort_by_key(|row| depth[&row.email]);
    ordered
}

/// Keeps the first row of each email and reports the repeats.
fn first_of_each_email<'r>(
    rows: &'r [ImportRow],
    problems: &mut Vec<Problem>,
) -> Vec<&'r ImportRow> {
    let mut first_line: HashMap<&Email, u64> = HashMap::with_capacity(rows.len());
    let mut kept = Vec::with_capacity(rows.len());
    for row in rows {
        match first_line.get(&row.email) {
            Some(first) => problems.push(Problem::new(
                row.line,
                "email",
                format!("{} appears again; it is first on line {first}", row.email),
            )),
            None => {
                first_line.insert(&row.email, row.line);
                kept.push(row);
            }
        }
    }
    kept
}

fn check_managers(
    rows: &[&ImportRow],
    in_file: &HashMap<&Email, &ImportRow>,
    directory: &HashMap<&Email, &Person>,
    options: &ImportOptions,
    problems: &mut Vec<Problem>,
) {
    for row in rows {
        let Some(Some(manager)) = &row.manager else {
            continue;
        };
        let reason = if *manager == row.email {
            "a person cannot be their own manager".to_owned()
        } else if in_file.contains_key(manager) {
            continue;
        } else {
            match directory.get(manager) {
                None => format!(
                    "no person {manager} in the file or in the directory; add a row for them"
                ),
                Some(person) if !person.active => format!(
                    "{manager} is deactivated; add a row for them to reactivate them, or name another manager"
                ),
                Some(_) if options.deactivate_missing => format!(
                    "{manager} is not in the file, so --deactivate-missing would deactivate a manager; add a row for them"
                ),
                Some(_) => continue,
            }
        };
        problems.push(Problem::new(row.line, "manager_email", reason));
    }
}

/// Reports every row whose manager chain, after the import, comes back to itself.
fn check_manager_cycles(
    rows: &[&ImportRow],
    in_file: &HashMap<&Email, &ImportRow>,
    snapshot: &DirectorySnapshot,
    problems: &mut Vec<Problem>,
) {
    // The manager of everyone after the import: the file's word, else the directory's.
    let mut manager_of: HashMap<&Email, &Email> = HashMap::new();
    for person in &snapshot.people {
        if let Some(manager) = &person.manager {
            manager_of.insert(&person.email, manager);
        }
    }
    for row in rows {
        match &row.manager {
            // Being one's own manager is reported on its own, not as a cycle.
            Some(Some(manager)) if *manager == row.email => {
                manager_of.remove(&row.email);
            }
            Some(Some(manager)) => {
                manager_of.insert(&row.email, manager);
            }
            Some(None) => {
                manager_of.remove(&row.email);
            }
            None => {}
        }
    }
    // Each person has at most one manager, so walking up from each row finds any cycle;
    // `settled` makes the whole walk linear.
    let mut settled: HashSet<&Email> = HashSet::new();
    for row in rows {
        let mut path: Vec<&Email> = Vec::new();
        let mut on_path: HashMap<&Email, usize> = HashMap::new();
        let mut current = &row.email;
        loop {
            if settled.contains(current) {
                break;
            }
            if let Some(&start) = on_path.get(current) {
                let cycle = &path[start..];
                let text = cycle
                    .iter()
                    .chain(std::iter::once(&cycle[0]))
                    .map(|email| email.as_str())
                    .collect::<Vec<_>>()
                    .join(" → ");
                for email in cycle {
                    if let Some(member) = in_file.get(email) {
                        problems.push(Problem::new(
                            member.line,
                            "manager_email",
                            format!("managers form a cycle: {text}"),
                        ));
                    }
                }
                break;
            }
            on_path.insert(current, path.len());
            path.push(current);
            match manager_of.get(current) {
                Some(manager) => current = manager,
                None => break,
            }
        }
        settled.extend(path);
    }
}

/// Reports chat ids that would belong to two people after the import.
fn check_chat_ids(rows: &[&ImportRow], snapshot: &DirectorySnapshot, problems: &mut Vec<Problem>) {
    enum Owner<'a> {
        Directory(&'a Email),
        Row(&'a Email, u64),
    }
    let mut owners: HashMap<(Platform, &ChatUserId), Owner<'_>> = HashMap::new();
    for person in &snapshot.people {
        for identity in &person.identities {
            owners.insert(
                (identity.platform, &identity.user_id),
                Owner::Directory(&person.email),
            );
        }
    }
    let claims = rows.iter().flat_map(|row| {
        [
            (Platform::Slack, &row.slack),
            (Platform::Discord, &row.discord),
        ]
        .into_iter()
        .filter_map(move |(platform, id)| Some((*row, platform, id.as_ref()?)))
    });
    // A row that sets someone's account on a platform releases the one they had there, so
    // two people may swap ids in one file.
    let released: HashSet<(&Email, Platform)> = claims
        .clone()
        .map(|(row, platform, _)| (&row.email, platform))
        .collect();
    owners.retain(|(platform, _), owner| match owner {
        Owner::Directory(email) => !released.contains(&(*email, *platform)),
        Owner::Row(..) => true,
    });
    for (row, platform, id) in claims {
        let column = match platform {
            Platform::Slack => "slack_user_id",
            Platform::Discord => "discord_user_id",
        };
        match owners.get(&(platform, id)) {
            Some(Owner::Row(email, line)) => problems.push(Problem::new(
                row.line,
                column,
                format!("{id} is also given to {email} on line {line}"),
            )),
            Some(Owner::Directory(email)) if *email != &row.email => problems.push(Problem::new(
                row.line,
                column,
                format!("{id} already belongs to {email} in the directory"),
            )),
            _ => {
                owners.insert((platform, id), Owner::Row(&row.email, row.line));
            }
        }
    }
}

/// How each team is spelt: as the directory has it, else as the file first writes it, so
/// that `Platform` and `platform` are one team.
struct TeamSpelling(HashMap<String, TeamName>);

impl TeamSpelling {
    fn new(rows: &[&ImportRow], snapshot: &DirectorySnapshot) -> Self {
        let mut spelling = HashMap::new();
        let known = snapshot.people.iter().flat_map(|person| &person.teams);
        let named = rows.iter().flat_map(|row| row.teams.iter().flatten());
        for team in known.chain(named) {
            spelling.entry(team.key()).or_insert_with(|| team.clone());
        }
        Self(spelling)
    }

    fn of(&self, teams: &[TeamName]) -> Vec<TeamName> {
        teams
            .iter()
            .map(|team| self.0.get(&team.key()).unwrap_or(team).clone())
            .collect()
    }
}

fn created(row: &ImportRow, options: &ImportOptions, spelling: &TeamSpelling) -> PersonChange {
    PersonChange {
        kind: ChangeKind::Created,
        email: row.email.clone(),
        name: row.name.clone(),
        timezone: row.timezone.unwrap_or(options.default_timezone),
        timezone_source: match row.timezone {
            Some(_) => TimezoneSource::Hr,
            None => TimezoneSource::Default,
        },
        role: row.role.unwrap_or_default(),
        manager: row.manager.clone().flatten(),
        region: row.region.clone().flatten(),
        teams: row
            .teams
            .as_deref()
            .map(|teams| spelling.of(teams))
            .filter(|teams| !teams.is_empty()),
        identities: claims_of(row),
    }
}

/// The change to `person` that `row` asks for, or `None` if it matches already.
fn updated(row: &ImportRow, person: &Person, spelling: &TeamSpelling) -> Option<PersonChange> {
    let mut fields = Vec::new();
    let mut differs = |changed: bool, field: &'static str| {
        if changed {
            fields.push(field);
        }
    };
    let (timezone, timezone_source) = zone_after(row, person);
    let role = row.role.unwrap_or(person.role);
    let manager = row
        .manager
        .clone()
        .unwrap_or_else(|| person.manager.clone());
    let region = row.region.clone().unwrap_or_else(|| person.region.clone());
    let teams = row
        .teams
        .as_deref()
        .map(|teams| spelling.of(teams))
        .filter(|teams| !same_teams(teams, &person.teams));
    let identities: Vec<_> = claims_of(row)
        .into_iter()
        .filter(|(platform, id)| {
            !person
                .identities
                .iter()
                .any(|identity| identity.platform == *platform && identity.user_id == *id)
        })
        .collect();
    differs(row.name != person.name, "name");
    differs(
        timezone != person.timezone || timezone_source != person.timezone_source,
        "timezone",
    );
    differs(role != person.role, "role");
    differs(manager != person.manager, "manager_email");
    differs(teams.is_some(), "team");
    differs(region != person.region, "region");
    for (platform, _) in &identities {
        differs(*platform == Platform::Slack, "slack_user_id");
        differs(*platform == Platform::Discord, "discord_user_id");
    }
    differs(!person.active, "active");
    if fields.is_empty() {
        return None;
    }
    Some(PersonChange {
        kind: ChangeKind::Updated { fields },
        email: row.email.clone(),
        name: row.name.clone(),
        timezone,
        timezone_source,
        role,
        manager,
        region,
        teams,
        identities,
    })
}

/// A zone the row gives becomes HR's, so Slack's sync no longer replaces it; a row that
/// repeats a zone someone chose (HR or the person) leaves it theirs. An empty cell keeps
/// the zone and who chose it.
fn zone_after(row: &ImportRow, person: &Person) -> (Timezone, TimezoneSource) {
    match row.timezone {
        Some(zone) if zone != person.timezone || person.timezone_source.is_automatic() => {
            (zone, TimezoneSource::Hr)
        }
        _ => (person.timezone, person.timezone_source),
    }
}

fn same_teams(wanted: &[TeamName], current: &[TeamName]) -> bool {
    wanted.len() == current.len() && wanted.iter().all(|team| current.contains(team))
}

fn claims_of(row: &ImportRow) -> Vec<(Platform, ChatUserId)> {
    let mut claims = Vec::new();
    if let Some(id) = &row.slack {
        claims.push((Platform::Slack, id.clone()));
    }
    if let Some(id) = &row.discord {
        claims.push((Platform::Discord, id.clone()));
    }
    claims
}
