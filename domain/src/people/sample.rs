//! People for unit tests: `sample::person(2, "Ana", "Asia/Tokyo", Role::Employee,
//! Some("lee"))` is Ana, `ana@x.com`, managed by `lee@x.com`, active, with no chat account.

use super::{DisplayName, Email, Person, PersonId, Role, Timezone};

/// `name` (`{name}@x.com`, lowercased) in `zone`, with `role`, managed by `manager`'s email
/// if given.
pub(crate) fn person(id: i64, name: &str, zone: &str, role: Role, manager: Option<&str>) -> Person {
    let at = chrono::DateTime::UNIX_EPOCH;
    let email = |name: &str| Email::parse(&format!("{}@x.com", name.to_lowercase())).unwrap();
    Person {
        id: PersonId(id),
        email: email(name),
        name: DisplayName::parse(name).unwrap(),
        timezone: Timezone::parse(zone).unwrap(),
        timezone_source: Default::default(),
        role,
        manager: manager.map(email),
        teams: Vec::new(),
        region: None,
        active: true,
        identities: Vec::new(),
        quiet_hours: None,
        out_of_office: Vec::new(),
        created_at: at,
        updated_at: at,
    }
}
