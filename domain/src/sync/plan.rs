//! Matching Slack's members against the directory, and working out the change.

use std::collections::{HashMap, HashSet};

use crate::import::Named;
use crate::people::{ChatUserId, Email, Person, Platform, Timezone};
use crate::ports::DirectorySnapshot;

use super::{
    Conflict, Link, Member, MemberKind, SLACKBOT_ID, SlackMember, SyncPlan, UnknownZone, ZoneChange,
};

/// A person's account as Slack describes it, parsed.
struct Account<'a> {
    id: ChatUserId,
    email: Option<Email>,
    member: &'a SlackMember,
}

/// Matches `members` against `snapshot`: who to link (by email, case-insensitively), whose
/// zone to take, and what did not match. Bots, app users, deactivated accounts and Slackbot
/// are left out of everything.
pub fn plan(members: &[SlackMember], snapshot: &DirectorySnapshot) -> SyncPlan {
    let accounts: Vec<Account<'_>> = members
        .iter()
        .filter(|member| member.kind == MemberKind::Person && member.id != SLACKBOT_ID)
        .filter_map(|member| {
            Some(Account {
                // An id Slack would never give; nothing can be linked to it.
                id: ChatUserId::parse(Platform::Slack, &member.id).ok()?,
                email: member.email.as_deref().and_then(|e| Email::parse(e).ok()),
                member,
            })
        })
        .collect();
    let mut by_email: HashMap<&Email, Vec<&Account<'_>>> = HashMap::new();
    for account in &accounts {
        if let Some(email) = &account.email {
            by_email.entry(email).or_default().push(account);
        }
    }
    let by_id: HashMap<&ChatUserId, &Account<'_>> = accounts
        .iter()
        .map(|account| (&account.id, account))
        .collect();
    let owners: HashMap<&ChatUserId, &Person> = snapshot
        .people
        .iter()
        .flat_map(|person| slack_ids(person).map(move |id| (id, person)))
        .collect();

    let mut plan = SyncPlan {
        members: accounts.len(),
        members_without_email: accounts.iter().filter(|a| a.email.is_none()).count(),
        ..SyncPlan::default()
    };
    // Members accounted for: linked before, linked now, or named in a conflict.
    let mut seen: HashSet<&ChatUserId> = owners.keys().copied().collect();
    for person in &snapshot.people {
        let same_email = by_email.get(&person.email).map_or(&[][..], Vec::as_slice);
        let account = match slack_ids(person).collect::<Vec<_>>().as_slice() {
            [] => link(person, same_email, &owners, &mut plan),
            linked => {
                for other in same_email.iter().filter(|a| !linked.contains(&&a.id)) {
                    plan.conflicts.push(Conflict {
                        email: person.email.clone(),
                        slack_user_id: other.id.clone(),
                        reason: format!(
                            "Slack gives {} to {}, but the directory links them to {}; fix \
                             slack_user_id in the import file if the directory is wrong",
                            person.email,
                            other.id,
                            join(linked)
                        ),
                    });
                }
                linked.iter().find_map(|id| by_id.get(id).copied())
            }
        };
        seen.extend(same_email.iter().map(|a| &a.id));
        if let Some(account) = account {
            take_zone(person, account, &mut plan);
        } else if person.active && slack_ids(person).next().is_none() {
            plan.people_without_slack.push(Named {
                email: person.email.clone(),
                name: person.name.clone(),
            });
        }
    }
    plan.slack_users_without_person = accounts
        .iter()
        .filter(|account| !seen.contains(&account.id))
        .map(|account| Member {
            slack_user_id: account.id.clone(),
            email: account.email.clone(),
            name: account.member.name.clone(),
        })
        .collect();
    plan
}

/// The Slack account to link to `person`, who has none: the one member with their email,
/// unless that account is someone else's or several have the email.
fn link<'a>(
    person: &Person,
    same_email: &[&'a Account<'a>],
    owners: &HashMap<&ChatUserId, &Person>,
    plan: &mut SyncPlan,
) -> Option<&'a Account<'a>> {
    let conflict = |account: &Account<'_>, reason: String| Conflict {
        email: person.email.clone(),
        slack_user_id: account.id.clone(),
        reason,
    };
    match same_email {
        [] => None,
        [account] => match owners.get(&account.id) {
            Some(owner) => {
                plan.conflicts.push(conflict(
                    account,
                    format!(
                        "{} has the email {} in Slack but is linked to {} in the directory; \
                         fix slack_user_id in the import file if the directory is wrong",
                        account.id, person.email, owner.email
                    ),
                ));
                None
            }
            None => {
                plan.linked.push(Link {
                    person: person.id,
                    email: person.email.clone(),
                    name: person.name.clone(),
                    slack_user_id: account.id.clone(),
                    workspace_id: account.member.team_id.clone(),
                });
                Some(account)
            }
        },
        several => {
            let ids: Vec<&ChatUserId> = several.iter().map(|a| &a.id).collect();
            for account in several {
                plan.conflicts.push(conflict(
                    account,
                    format!(
                        "{} Slack accounts have the email {} ({}); set slack_user_id in the \
                         import file to say which is theirs",
                        several.len(),
                        person.email,
                        join(&ids)
                    ),
                ));
            }
            None
        }
    }
}

/// Takes the zone of `person`'s Slack profile if nobody chose theirs and it differs.
fn take_zone(person: &Person, account: &Account<'_>, plan: &mut SyncPlan) {
    let Some(text) = account.member.timezone.as_deref() else {
        return;
    };
    if !person.timezone_source.is_automatic() {
        return;
    }
    match Timezone::parse(text) {
        Ok(zone) if zone != person.timezone => plan.timezones.push(ZoneChange {
            person: person.id,
            email: person.email.clone(),
            from: person.timezone,
            from_source: person.timezone_source,
            to: zone,
        }),
        Ok(_) => {}
        Err(_) => plan.unknown_zones.push(UnknownZone {
            email: person.email.clone(),
            timezone: text.to_owned(),
        }),
    }
}

/// The person's Slack accounts.
fn slack_ids(person: &Person) -> impl Iterator<Item = &ChatUserId> {
    person
        .identities
        .iter()
        .filter(|identity| identity.platform == Platform::Slack)
        .map(|identity| &identity.user_id)
}

fn join(ids: &[&ChatUserId]) -> String {
    ids.iter()
        .map(|id| id.as_str())
        .collect::<Vec<_>>()
        .join(", ")
}
