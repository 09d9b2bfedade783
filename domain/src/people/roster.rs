use std::collections::HashMap;

use super::{Email, Person};

/// The active directory, indexed for the questions schedules ask: who is this email, who
/// reports to this manager, who is in this team. Built once per planner pass, so resolving
/// thousands of audiences does not scan everyone each time.
#[derive(Debug)]
pub struct Roster<'a> {
    active: Vec<&'a Person>,
    by_email: HashMap<&'a Email, &'a Person>,
    by_manager: HashMap<&'a Email, Vec<&'a Person>>,
    by_team: HashMap<String, Vec<&'a Person>>,
}

impl<'a> Roster<'a> {
    /// Indexes the active people of `people`.
    pub fn new(people: &'a [Person]) -> Self {
        let active: Vec<&Person> = people.iter().filter(|person| person.active).collect();
        let mut roster = Self {
            by_email: HashMap::with_capacity(active.len()),
            by_manager: HashMap::new(),
            by_team: HashMap::new(),
            active: Vec::new(),
        };
        for &person in &active {
            roster.by_email.insert(&person.email, person);
            if let Some(manager) = &person.manager {
                roster.by_manager.entry(manager).or_default().push(person);
            }
            for team in &person.teams {
                roster.by_team.entry(team.key()).or_default().push(person);
            }
        }
        roster.active = active;
        roster
    }

    /// Every active person, in directory order.
    pub fn everyone(&self) -> &[&'a Person] {
        &self.active
    }

    /// The active person with this email.
    pub fn get(&self, email: &Email) -> Option<&'a Person> {
        self.by_email.get(email).copied()
    }

    /// A manager's active direct reports.
    pub fn reports_of(&self, manager: &Email) -> &[&'a Person] {
        self.by_manager.get(manager).map_or(&[], Vec::as_slice)
    }

    /// The active HR admins, in directory order.
    pub fn hr_admins(&self) -> impl Iterator<Item = &'a Person> + '_ {
        self.active
            .iter()
            .copied()
            .filter(|person| person.role == super::Role::HrAdmin)
    }

    /// The active members of the team whose key (lower-cased name) is `key`.
    pub fn team(&self, key: &str) -> &[&'a Person] {
        self.by_team.get(key).map_or(&[], Vec::as_slice)
    }
}
