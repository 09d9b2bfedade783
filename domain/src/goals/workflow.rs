//! The goals workflow, once for every platform: `/goals` (mine, my team's, add), the forms
//! for a new goal and for progress, and the goal review's DM. Who may do what:
//!
//! - anyone sets and updates their own goals; a manager updates their reports' too;
//! - a team's goals are set by its managers (a manager who is a member) and HR, and updated
//!   by its members and HR;
//! - the company's goals are set and updated by HR.

use std::collections::{BTreeMap, HashMap};

use chrono::{DateTime, Utc};

use super::messages::{self, ADD, CREATE, Group, PROGRESS, RESULT_FIELDS, UPDATE};
use super::model::{GoalId, GoalOwner, GoalPeriod, GoalStatus, GoalTitle, Measure, description};
use super::parse::{self, AddFor, GoalsCommand, HELP};
use crate::chat::{Interaction, Message, Reply};
use crate::people::{Person, PersonId, Role, TeamName};
use crate::ports::{
    AddGoal, Directory, Goal, GoalFilter, GoalUpdate, Goals, NewGoal, Outgoing, PeopleFilter,
    StoreError,
};

/// Answers `/goals` from `person`.
pub async fn run<S: Goals + Directory>(
    store: &S,
    person: &Person,
    command: GoalsCommand,
    now: DateTime<Utc>,
) -> Result<Reply, StoreError> {
    let period = GoalPeriod::current(now, person.timezone.tz());
    match command {
        GoalsCommand::Help => Ok(Reply::Private(HELP.to_owned())),
        GoalsCommand::Mine => Ok(Reply::Update(own(store, person, "", now).await?)),
        GoalsCommand::Team => Ok(Reply::Update(team(store, person, period, now).await?)),
        GoalsCommand::Add(whose) => match allowed_to_add(store, person, &whose).await? {
            Ok(heading) => Ok(Reply::Open(messages::new_goal_form(
                &owner_value(&whose),
                &heading,
                period,
            ))),
            Err(refusal) => Ok(Reply::Private(refusal)),
        },
    }
}

/// `person`'s own goals this quarter, as `/goals` and the goal review show them.
pub async fn own<S: Goals>(
    store: &S,
    person: &Person,
    intro: &str,
    now: DateTime<Utc>,
) -> Result<Message, StoreError> {
    let zone = person.timezone.tz();
    let period = GoalPeriod::current(now, zone);
    let goals = of_person(store, person.id, period, false).await?;
    let parents = parent_labels(store, &goals).await?;
    let today = now.with_timezone(&zone).date_naive();
    Ok(messages::own_goals(
        intro, period, &goals, &parents, today, now,
    ))
}

/// `person`'s own goals for `period`, dropped ones too unless `skip_dropped`.
pub async fn of_person<S: Goals>(
    store: &S,
    person: PersonId,
    period: GoalPeriod,
    skip_dropped: bool,
) -> Result<Vec<Goal>, StoreError> {
    store
        .goals(&GoalFilter {
            owners: vec![GoalOwner::Person(person)],
            period: Some(period),
            skip_dropped,
            ..GoalFilter::default()
        })
        .await
}

/// The goal review's DM for `delivery`: the recipient's goals this quarter, each with its
/// *Update* button.
pub async fn review<S: Goals + Directory>(
    store: &S,
    delivery: &Outgoing,
) -> Result<Message, StoreError> {
    let filter = PeopleFilter {
        id: Some(delivery.person),
        ..PeopleFilter::default()
    };
    let intro = format!(
        "Time for your goal review ({}): record where each goal stands, with a comment if \
         something moved or is in the way.",
        delivery.schedule
    );
    match store.people(&filter).await?.into_iter().next() {
        Some(person) => own(store, &person, &intro, delivery.due_at).await,
        None => Ok(Message {
            summary: intro.clone(),
            blocks: vec![crate::chat::Block::Text(intro)],
        }),
    }
}

/// `/goals team`: the teams `person` is in (their goals and their members'), and their
/// reports'.
async fn team<S: Goals + Directory>(
    store: &S,
    person: &Person,
    period: GoalPeriod,
    now: DateTime<Utc>,
) -> Result<Message, StoreError> {
    let mut people: Vec<Person> = Vec::new();
    for name in &person.teams {
        let members = store
            .people(&PeopleFilter {
                team: Some(name.to_string()),
                active_only: true,
                ..PeopleFilter::default()
            })
            .await?;
        people.extend(members);
    }
    people.extend(reports(store, person).await?);
    people.sort_by(|a, b| a.name.as_str().cmp(b.name.as_str()));
    people.dedup_by_key(|member| member.id);
    let mut owners: Vec<GoalOwner> = person.teams.iter().cloned().map(GoalOwner::Team).collect();
    owners.extend(people.iter().map(|member| GoalOwner::Person(member.id)));
    let goals = store
        .goals(&GoalFilter {
            owners,
            period: Some(period),
            skip_dropped: true,
            ..GoalFilter::default()
        })
        .await?;
    let mut groups: Vec<Group<'_>> = person
        .teams
        .iter()
        .map(|name| Group {
            heading: format!("Team {name}"),
            goals: goals
                .iter()
                .filter(|goal| matches!(&goal.owner, GoalOwner::Team(team) if team == name))
                .collect(),
        })
        .collect();
    groups.extend(people.iter().map(|member| {
        Group {
            heading: member.name.to_string(),
            goals: goals
                .iter()
                .filter(|goal| goal.owner == GoalOwner::Person(member.id))
                .collect(),
        }
    }));
    let today = now.with_timezone(&person.timezone.tz()).date_naive();
    Ok(messages::team_goals(period, &groups, today))
}

/// `person`'s active reports.
async fn reports<S: Directory>(store: &S, person: &Person) -> Result<Vec<Person>, StoreError> {
    if person.role == Role::Employee {
        return Ok(Vec::new());
    }
    let everyone = store
        .people(&PeopleFilter {
            active_only: true,
            ..PeopleFilter::default()
        })
        .await?;
    Ok(everyone
        .into_iter()
        .filter(|other| other.manager.as_ref() == Some(&person.email))
        .collect())
}

/// `#3 Grow revenue` for each goal's parent.
async fn parent_labels<S: Goals>(
    store: &S,
    goals: &[Goal],
) -> Result<HashMap<GoalId, String>, StoreError> {
    let mut labels = HashMap::new();
    for id in goals.iter().filter_map(|goal| goal.parent) {
        if !labels.contains_key(&id)
            && let Some(parent) = store.goal(id).await?
        {
            labels.insert(id, messages::label(&parent));
        }
    }
    Ok(labels)
}

/// Whose goal a form sets, as its value carries it: `me`, `team:Platform`, `company`.
pub fn owner_value(whose: &AddFor) -> String {
    match whose {
        AddFor::Me => "me".to_owned(),
        AddFor::Team(team) => format!("team:{team}"),
        AddFor::Company => "company".to_owned(),
    }
}

/// Reads [`owner_value`] back.
fn read_owner_value(value: &str) -> Option<AddFor> {
    match value {
        "me" => Some(AddFor::Me),
        "company" => Some(AddFor::Company),
        _ => value
            .strip_prefix("team:")
            .and_then(|name| TeamName::parse(name).ok())
            .map(AddFor::Team),
    }
}

/// The form's heading if `person` may set a goal for `whose`, else why not.
async fn allowed_to_add<S: Directory>(
    store: &S,
    person: &Person,
    whose: &AddFor,
) -> Result<Result<String, String>, StoreError> {
    Ok(match whose {
        AddFor::Me => Ok("New goal".to_owned()),
        AddFor::Company if person.role == Role::HrAdmin => Ok("New company goal".to_owned()),
        AddFor::Company => Err("Only HR sets the company's goals.".to_owned()),
        AddFor::Team(team) if !store.team_exists(team).await? => Err(format!(
            "There is no team called {team}. `/goals team` lists your teams' goals."
        )),
        AddFor::Team(team) if may_lead(person, team) => Ok(format!("New goal for {team}")),
        AddFor::Team(team) => Err(format!(
            "Only {team}'s managers and HR set its goals. Set one of your own with `/goals add`."
        )),
    })
}

/// Whether `person` sets `team`'s goals: HR, or a manager in it.
fn may_lead(person: &Person, team: &TeamName) -> bool {
    person.role == Role::HrAdmin || (person.role == Role::Manager && in_team(person, team))
}

fn in_team(person: &Person, team: &TeamName) -> bool {
    person
        .teams
        .iter()
        .any(|mine| mine.as_str().eq_ignore_ascii_case(team.as_str()))
}

/// Whether `person` may record progress on `goal`.
async fn may_update<S: Directory>(
    store: &S,
    person: &Person,
    goal: &Goal,
) -> Result<bool, StoreError> {
    if person.role == Role::HrAdmin {
        return Ok(true);
    }
    Ok(match &goal.owner {
        GoalOwner::Person(owner) if *owner == person.id => true,
        GoalOwner::Person(owner) => {
            let filter = PeopleFilter {
                id: Some(*owner),
                ..PeopleFilter::default()
            };
            let owner = store.people(&filter).await?;
            owner
                .first()
                .is_some_and(|owner| owner.manager.as_ref() == Some(&person.email))
        }
        GoalOwner::Team(team) => in_team(person, team),
        GoalOwner::Company => false,
    })
}

/// What `person` pressing a goal's button or submitting a goal form does; `actor` names
/// them in the audit log.
pub async fn interact<S: Goals + Directory>(
    store: &S,
    person: &Person,
    actor: &str,
    interaction: &Interaction,
    now: DateTime<Utc>,
) -> Result<Reply, StoreError> {
    let value = interaction.value();
    match (interaction.action(), interaction) {
        (ADD, _) => {
            let whose = read_owner_value(value).unwrap_or(AddFor::Me);
            run(store, person, GoalsCommand::Add(whose), now).await
        }
        (UPDATE, _) => match updatable(store, person, value).await? {
            Ok(goal) => Ok(Reply::Open(messages::progress_form(&goal))),
            Err(refusal) => Ok(Reply::Private(refusal)),
        },
        (PROGRESS, Interaction::Submitted { answers, .. }) => {
            match updatable(store, person, value).await? {
                Ok(goal) => record_progress(store, person, &goal, answers, now).await,
                Err(refusal) => Ok(Reply::Private(refusal)),
            }
        }
        (CREATE, Interaction::Submitted { answers, .. }) => {
            let Some(whose) = read_owner_value(value) else {
                return Ok(Reply::Private(
                    "That form is out of date; try /goals add.".into(),
                ));
            };
            create(store, person, actor, &whose, answers, now).await
        }
        _ => Ok(Reply::Private(
            "I did not understand that button; try /goals.".to_owned(),
        )),
    }
}

/// The goal `value` names, if `person` may update it; else why not.
async fn updatable<S: Goals + Directory>(
    store: &S,
    person: &Person,
    value: &str,
) -> Result<Result<Goal, String>, StoreError> {
    let goal = match value.parse::<i64>() {
        Ok(id) => store.goal(GoalId(id)).await?,
        Err(_) => None,
    };
    let Some(goal) = goal else {
        return Ok(Err("That goal no longer exists.".to_owned()));
    };
    if !may_update(store, person, &goal).await? {
        return Ok(Err(format!(
            "{} is not yours to update: its owner, their manager (or the team's members) and \
             HR record its progress.",
            messages::label(&goal)
        )));
    }
    if goal.status == GoalStatus::Dropped {
        return Ok(Err(format!("{} was dropped.", messages::label(&goal))));
    }
    Ok(Ok(goal))
}

/// Stores the progress form's answers as an update of `goal`.
async fn record_progress<S: Goals>(
    store: &S,
    person: &Person,
    goal: &Goal,
    answers: &BTreeMap<String, String>,
    now: DateTime<Utc>,
) -> Result<Reply, StoreError> {
    let mut problems = BTreeMap::new();
    let measure = match read_measure(&goal.measure, answers) {
        Ok(measure) => Some(measure),
        Err((field, problem)) => {
            problems.insert(field, problem);
            None
        }
    };
    let status = GoalStatus::parse(answers.get("status").map_or("", String::as_str));
    if let Err(invalid) = &status {
        problems.insert("status".to_owned(), invalid.to_string());
    }
    let comment = answers
        .get("comment")
        .map(|text| text.trim().to_owned())
        .filter(|text| !text.is_empty());
    if let Some(length) = comment.as_ref().map(|text| text.chars().count())
        && length > messages::MAX_COMMENT_CHARS
    {
        problems.insert(
            "comment".to_owned(),
            format!(
                "Keep the comment to {} characters; this one has {length}.",
                messages::MAX_COMMENT_CHARS
            ),
        );
    }
    let (Some(measure), Ok(status), true) = (measure, status, problems.is_empty()) else {
        return Ok(Reply::FieldErrors(problems));
    };
    let update = GoalUpdate {
        goal: goal.id,
        by: person.id,
        measure,
        status,
        comment,
        at: now,
    };
    Ok(match store.update_goal(&update).await? {
        Some(goal) => Reply::Private(messages::saved(&goal)),
        None => Reply::Private("That goal no longer exists.".to_owned()),
    })
}

/// The measure with the values the progress form gives; a problem names its field.
pub(super) fn read_measure(
    measure: &Measure,
    answers: &BTreeMap<String, String>,
) -> Result<Measure, (String, String)> {
    let answer = |id: &str| answers.get(id).map_or("", String::as_str);
    match measure {
        Measure::Check { .. } => Ok(Measure::Check {
            done: answer("done") == "yes",
        }),
        Measure::KeyResults { results } => {
            let values: Vec<(String, &str)> = if results.len() <= RESULT_FIELDS {
                (0..results.len())
                    .map(|index| (format!("kr{index}"), answer(&format!("kr{index}"))))
                    .collect()
            } else {
                let lines: Vec<&str> = answer("results")
                    .lines()
                    .filter(|line| !line.trim().is_empty())
                    .collect();
                if lines.len() != results.len() {
                    return Err((
                        "results".to_owned(),
                        format!(
                            "Give all {} key results, one per line as `name: value`.",
                            results.len()
                        ),
                    ));
                }
                lines
                    .into_iter()
                    .map(|line| {
                        let value = line.rsplit_once(':').map_or(line, |(_, value)| value);
                        ("results".to_owned(), value)
                    })
                    .collect()
            };
            let mut updated = results.clone();
            for (result, (field, value)) in updated.iter_mut().zip(values) {
                let value = super::model::parse_number(value)
                    .map_err(|invalid| (field.clone(), format!("{}: {invalid}", result.name)))?;
                result.current = value;
            }
            Ok(Measure::KeyResults { results: updated })
        }
    }
}

/// Reads the form for a new goal, checks it, and stores it.
async fn create<S: Goals + Directory>(
    store: &S,
    person: &Person,
    actor: &str,
    whose: &AddFor,
    answers: &BTreeMap<String, String>,
    now: DateTime<Utc>,
) -> Result<Reply, StoreError> {
    if let Err(refusal) = allowed_to_add(store, person, whose).await? {
        return Ok(Reply::Private(refusal));
    }
    let answer = |id: &str| answers.get(id).map_or("", String::as_str);
    let mut problems = BTreeMap::new();
    let mut note = |field: &str, problem: String| {
        problems.insert(field.to_owned(), problem);
    };
    let title = GoalTitle::parse(answer("title"))
        .map_err(|invalid| note("title", invalid.to_string()))
        .ok();
    let measure = match parse::key_results(answer("key_results")) {
        Ok(results) if results.is_empty() => Some(Measure::Check { done: false }),
        Ok(results) => Some(Measure::KeyResults { results }),
        Err(invalid) => {
            note(
                "key_results",
                format!("{invalid} {}", messages::key_result_hint()),
            );
            None
        }
    };
    let about = description(answer("description"))
        .map_err(|invalid| note("description", invalid.to_string()))
        .ok();
    let current = GoalPeriod::current(now, person.timezone.tz());
    let period = match answer("period").trim() {
        "" => Some(current),
        text => match GoalPeriod::parse(text) {
            Ok(period) if period < current => {
                note(
                    "period",
                    format!("{period} has ended; set goals for {current} or later."),
                );
                None
            }
            Ok(period) => Some(period),
            Err(invalid) => {
                note("period", invalid.to_string());
                None
            }
        },
    };
    let parent = match parse::parent(answer("parent")) {
        Ok(Some(id)) if store.goal(id).await?.is_none() => {
            note("parent", format!("There is no goal #{}.", id.0));
            None
        }
        Ok(parent) => Some(parent),
        Err(invalid) => {
            note("parent", invalid.to_string());
            None
        }
    };
    let (Some(title), Some(measure), Some(description), Some(period), Some(parent)) =
        (title, measure, about, period, parent)
    else {
        return Ok(Reply::FieldErrors(problems));
    };
    let owner = match whose {
        AddFor::Me => GoalOwner::Person(person.id),
        AddFor::Team(team) => GoalOwner::Team(team.clone()),
        AddFor::Company => GoalOwner::Company,
    };
    let goal = NewGoal {
        owner,
        period,
        title,
        description,
        weight: 1,
        parent,
        measure,
        actor: actor.to_owned(),
        at: now,
    };
    Ok(Reply::Private(match store.add_goal(&goal).await? {
        AddGoal::Added(goal) => messages::added(&goal),
        AddGoal::NoSuchTeam => "That team no longer exists; nothing was saved.".to_owned(),
        AddGoal::NoSuchParent => {
            "The goal it contributes to no longer exists; nothing was saved.".to_owned()
        }
    }))
}
