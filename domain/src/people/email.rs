use super::{Invalid, string_newtype};

/// A work email address, the key that identifies a person across imports and platforms.
///
/// Parsing trims surrounding spaces and lower-cases the address, so `Ana@Example.com` and
/// `ana@example.com` are the same person.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Email(String);

impl Email {
    /// Reads an address such as `ana@example.com`.
    pub fn parse(input: &str) -> Result<Self, Invalid> {
        let text = input.trim();
        let fail = |why: &str| {
            Err(Invalid::new(format!(
                "`{text}` is not an email address: {why}"
            )))
        };
        if text.is_empty() {
            return Err(Invalid::new("an email address is required"));
        }
        if text.len() > 254 {
            return fail("it is longer than 254 characters");
        }
        let Some((local, domain)) = text.split_once('@') else {
            return fail("it has no @");
        };
        if local.is_empty() || local.len() > 64 {
            return fail("the part before @ must have 1 to 64 characters");
        }
        if !local
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "!#$%&'*+-/=?^_`{|}~.".contains(c))
            || local.starts_with('.')
            || local.ends_with('.')
            || local.contains("..")
        {
            return fail("the part before @ has a character that is not allowed");
        }
        let labels: Vec<&str> = domain.split('.').collect();
        if labels.len() < 2 {
            return fail("the domain after @ needs a dot, as in example.com");
        }
        let label_ok = |label: &str| {
            !label.is_empty()
                && label.len() <= 63
                && !label.starts_with('-')
                && !label.ends_with('-')
                && label.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
        };
        if !labels.iter().all(|label| label_ok(label)) {
            return fail("the domain after @ is not a valid host name");
        }
        Ok(Self(text.to_ascii_lowercase()))
    }

    /// The address, lower-cased.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

string_newtype!(Email);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_email_is_trimmed_and_lower_cased() {
        let email = Email::parse("  Ana.Lopez+hr@Example.COM ").unwrap();
        assert_eq!(email.as_str(), "ana.lopez+hr@example.com");
    }

    #[test]
    fn malformed_emails_are_refused_with_the_reason() {
        let cases = [
            ("", "required"),
            ("ana", "no @"),
            ("@example.com", "before @"),
            ("ana@localhost", "needs a dot"),
            ("ana@exa mple.com", "not a valid host"),
            ("ana@-example.com", "not a valid host"),
            ("an a@example.com", "not allowed"),
            ("ana..b@example.com", "not allowed"),
            ("ana@example..com", "not a valid host"),
        ];
        for (input, why) in cases {
            let error = Email::parse(input).unwrap_err().to_string();
            assert!(error.contains(why), "{input:?}: {error}");
        }
    }
}
