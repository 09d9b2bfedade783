//! The application commands Rhythm registers: `/checkin`, and `/rhythm` with the subcommands
//! `help`, `timezone`, `ooo` and `link`. The same words as on Slack: [`super::inbound`] turns a
//! command's options back into the text a Slack user would type after it, so one parser
//! (`rhythm_domain::command`) serves both.

use serde_json::{Value, json};

/// `CHAT_INPUT`: a slash command.
const SLASH_COMMAND: u8 = 1;
/// Option types.
const SUB_COMMAND: u8 = 1;
const STRING: u8 = 3;
/// Where a command may be used: in guilds (0) and in DMs with the bot (1).
const CONTEXTS: [u8; 2] = [0, 1];
/// How it is installed: to a guild (0).
const INTEGRATION_TYPES: [u8; 1] = [0];

/// The JSON array for `PUT /applications/{id}/commands`, which replaces all of the
/// application's global commands with these (so registering twice changes nothing).
pub fn definitions() -> Value {
    json!([
        command("checkin", "Start or edit today's check-in", Vec::new()),
        command(
            "rhythm",
            "Rhythm: help, your time zone, days away, and linking your account",
            vec![
                subcommand("help", "What Rhythm can do, and how", Vec::new()),
                subcommand(
                    "timezone",
                    "Set your time zone (reminders follow it)",
                    vec![text_option("zone", "an IANA zone such as Europe/Berlin")],
                ),
                subcommand(
                    "ooo",
                    "Days away, inclusive: no reminders then",
                    vec![
                        text_option("from", "YYYY-MM-DD"),
                        text_option("to", "YYYY-MM-DD"),
                    ],
                ),
                subcommand(
                    "link",
                    "Link this Discord account to you: your work email, then the code sent",
                    vec![text_option(
                        "email_or_code",
                        "Your work email, or the six-digit code you were sent",
                    )],
                ),
            ],
        ),
    ])
}

/// A slash command usable in guilds and DMs.
fn command(name: &str, description: &str, options: Vec<Value>) -> Value {
    let mut command = json!({
        "name": name,
        "type": SLASH_COMMAND,
        "description": description,
        "contexts": CONTEXTS,
        "integration_types": INTEGRATION_TYPES,
    });
    if !options.is_empty() {
        command["options"] = options.into();
    }
    command
}

/// A subcommand of `/rhythm`.
fn subcommand(name: &str, description: &str, options: Vec<Value>) -> Value {
    let mut subcommand = json!({
        "type": SUB_COMMAND,
        "name": name,
        "description": description,
    });
    if !options.is_empty() {
        subcommand["options"] = options.into();
    }
    subcommand
}

/// A required string option.
fn text_option(name: &str, description: &str) -> Value {
    json!({
        "type": STRING,
        "name": name,
        "description": description,
        "required": true,
    })
}

#[cfg(test)]
mod tests {
    use rhythm_domain::command::{self, Command};

    use super::super::inbound::{Inbound, interaction};
    use super::super::render::openapi::Spec;
    use super::*;

    const SLASH: &str = include_str!(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/discord/interaction_application_command_slash.json"
    ));

    fn commands() -> Vec<Value> {
        definitions().as_array().unwrap().clone()
    }

    fn options(of: &Value) -> Vec<Value> {
        of["options"].as_array().cloned().unwrap_or_default()
    }

    /// Discord's rule for the names of slash commands and options, lower case only.
    fn is_valid_name(name: &str) -> bool {
        (1..=32).contains(&name.chars().count())
            && name
                .chars()
                .all(|c| c == '-' || c == '_' || c.is_numeric() || c.is_lowercase())
    }

    fn assert_named_and_described(item: &Value) {
        let name = item["name"].as_str().unwrap();
        assert!(is_valid_name(name), "{name}");
        let description = item["description"].as_str().unwrap();
        assert!(
            (1..=100).contains(&description.chars().count()),
            "{name}: {description}"
        );
        for option in options(item) {
            assert_named_and_described(&option);
        }
    }

    #[test]
    fn names_and_descriptions_are_within_discords_limits() {
        let commands = commands();
        assert_eq!(commands.len(), 2);
        for command in &commands {
            assert_named_and_described(command);
            assert_eq!(command["contexts"], json!([0, 1]));
            assert_eq!(command["integration_types"], json!([0]));
        }
        let subcommands: Vec<String> = options(&commands[1])
            .iter()
            .map(|option| option["name"].as_str().unwrap().to_owned())
            .collect();
        assert_eq!(subcommands, ["help", "timezone", "ooo", "link"]);
    }

    #[test]
    fn the_definitions_fit_discords_bulk_overwrite_request_schema() {
        let problems = Spec::load().request_problems(
            "put",
            "/applications/{application_id}/commands",
            &definitions(),
        );
        assert!(problems.is_empty(), "{problems:#?}");
    }

    /// Discord's slash-command example, invoking `name` with `options` as a user would.
    fn invoked(name: &str, options: Value) -> Value {
        let mut payload: Value = serde_json::from_str(SLASH).unwrap();
        payload["data"]["name"] = name.into();
        payload["data"]["options"] = options;
        payload
    }

    /// The text a slash command built from the definitions arrives as, given a value for
    /// each option by name.
    fn typed(command: &str, subcommand: Option<&str>, values: &[(&str, &str)]) -> (String, String) {
        let definition = commands()
            .into_iter()
            .find(|c| c["name"] == command)
            .unwrap();
        let fill = |of: &Value| -> Vec<Value> {
            options(of)
                .iter()
                .map(|option| {
                    let name = option["name"].as_str().unwrap();
                    let value = values.iter().find(|(n, _)| *n == name).unwrap().1;
                    json!({"type": option["type"], "name": name, "value": value})
                })
                .collect()
        };
        let options = match subcommand {
            Some(sub) => {
                let sub = options(&definition)
                    .into_iter()
                    .find(|s| s["name"] == sub)
                    .unwrap();
                json!([{"type": sub["type"], "name": sub["name"], "options": fill(&sub)}])
            }
            None => json!(fill(&definition)),
        };
        match interaction(&invoked(command, options)).unwrap() {
            Inbound::Command { name, text, .. } => (name, text),
            other => panic!("a command, not {other:?}"),
        }
    }

    #[test]
    fn each_command_arrives_as_the_text_a_slack_user_would_type() {
        let cases = [
            (("checkin", None, vec![]), ""),
            (("rhythm", Some("help"), vec![]), "help"),
            (
                ("rhythm", Some("timezone"), vec![("zone", "Europe/Berlin")]),
                "timezone Europe/Berlin",
            ),
            (
                (
                    "rhythm",
                    Some("ooo"),
                    vec![("to", "2027-01-02"), ("from", "2026-12-20")],
                ),
                "ooo 2026-12-20 2027-01-02",
            ),
            (
                (
                    "rhythm",
                    Some("link"),
                    vec![("email_or_code", "ana@example.com")],
                ),
                "link ana@example.com",
            ),
        ];
        for ((command, subcommand, values), expected) in cases {
            let (name, text) = typed(command, subcommand, &values);
            assert_eq!((name.as_str(), text.as_str()), (command, expected));
        }
    }

    #[test]
    fn the_text_means_the_same_to_the_shared_command_parser() {
        let parse = |command: &str, subcommand, values: &[(&str, &str)]| {
            let (name, text) = typed(command, subcommand, values);
            command::parse(&name, &text)
        };
        assert_eq!(parse("checkin", None, &[]), Ok(Command::CheckIn));
        assert_eq!(parse("rhythm", Some("help"), &[]), Ok(Command::Help));
        assert!(matches!(
            parse("rhythm", Some("timezone"), &[("zone", "Europe/Berlin")]),
            Ok(Command::Timezone(_))
        ));
        assert!(matches!(
            parse(
                "rhythm",
                Some("ooo"),
                &[("from", "2026-12-20"), ("to", "2027-01-02")]
            ),
            Ok(Command::OutOfOffice(_))
        ));
        assert!(matches!(
            parse(
                "rhythm",
                Some("link"),
                &[("email_or_code", "ana@example.com")]
            ),
            Ok(Command::Link(_))
        ));
        assert!(matches!(
            parse("rhythm", Some("link"), &[("email_or_code", "123456")]),
            Ok(Command::Link(_))
        ));
    }
}
