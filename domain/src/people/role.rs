use super::Invalid;

/// What a person may do in Rhythm.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, Default, serde::Serialize, serde::Deserialize,
)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// Answers check-ins, gives kudos, writes reviews.
    #[default]
    Employee,
    /// An employee who also runs 1:1s and reviews their reports.
    Manager,
    /// Sets schedules and cycles, reads every report.
    HrAdmin,
}

impl Role {
    /// Every role, in the order of their privileges.
    pub const ALL: [Role; 3] = [Role::Employee, Role::Manager, Role::HrAdmin];

    /// Reads `employee`, `manager` or `hr_admin` (case and `-`/`_`/space do not matter).
    pub fn parse(input: &str) -> Result<Self, Invalid> {
        let key: String = input
            .trim()
            .chars()
            .map(|c| {
                if c == '-' || c == ' ' {
                    '_'
                } else {
                    c.to_ascii_lowercase()
                }
            })
            .collect();
        Self::ALL
            .into_iter()
            .find(|role| role.as_str() == key)
            .ok_or_else(|| {
                Invalid::new(format!(
                    "unknown role `{}`: use employee, manager or hr_admin",
                    input.trim()
                ))
            })
    }

    /// The stored name: `employee`, `manager` or `hr_admin`.
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Employee => "employee",
            Role::Manager => "manager",
            Role::HrAdmin => "hr_admin",
        }
    }
}

impl std::fmt::Display for Role {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn roles_read_in_any_case_and_separator() {
        assert_eq!(Role::parse("employee").unwrap(), Role::Employee);
        assert_eq!(Role::parse(" Manager ").unwrap(), Role::Manager);
        assert_eq!(Role::parse("HR-Admin").unwrap(), Role::HrAdmin);
        assert_eq!(Role::parse("hr admin").unwrap(), Role::HrAdmin);
    }

    #[test]
    fn an_unknown_role_is_refused_listing_the_known_ones() {
        let error = Role::parse("ceo").unwrap_err().to_string();
        assert_eq!(
            error,
            "unknown role `ceo`: use employee, manager or hr_admin"
        );
    }
}
