//! The application commands Rhythm registers: `/checkin`; `/kudos` with `give` (up to four
//! people picked from the member list, a reason with #value tags, and a `private` flag),
//! `undo`, `leaderboard`, `values`, `left` and `help`; `/goals` with `mine`, `team`, `add`
//! (for a team or the company) and `help`; `/oneonone` and `/feedback` ([`coaching`]);
//! and `/rhythm` with the subcommands
//! `help`, `timezone`, `ooo` and `link`; and *Give kudos for this* on a message's *Apps*
//! menu. The same words as on Slack: [`super::inbound`] turns a
//! command's options back into the text a Slack user would type after it, so one parser
//! (`rhythm_domain::command`) serves both.

mod coaching;

use rhythm_domain::kudos::for_message;
use serde_json::{Value, json};

/// `CHAT_INPUT`: a slash command.
const SLASH_COMMAND: u8 = 1;
/// `MESSAGE`: a command on a message's *Apps* menu.
const MESSAGE_COMMAND: u8 = 3;
/// Option types.
const SUB_COMMAND: u8 = 1;
const STRING: u8 = 3;
const BOOLEAN: u8 = 5;
const USER: u8 = 6;
/// Where a command may be used: in guilds (0) and in DMs with the bot (1).
const CONTEXTS: [u8; 2] = [0, 1];
/// How it is installed: to a guild (0).
const INTEGRATION_TYPES: [u8; 1] = [0];

/// The JSON array for `PUT /applications/{id}/commands`, which replaces all of the
/// application's global commands with these (so registering twice changes nothing).
pub fn definitions() -> Value {
    json!([
        command("checkin", "Start or edit today's check-in", Vec::new()),
        kudos(),
        command(
            "goals",
            "Your goals this quarter, your teams', and setting new ones",
            vec![
                subcommand(
                    "mine",
                    "Your goals, their progress and what is due",
                    Vec::new()
                ),
                subcommand("team", "Your teams' goals and your reports'", Vec::new()),
                subcommand(
                    "add",
                    "Set a goal (a form)",
                    vec![option(
                        STRING,
                        "for",
                        "Empty: your own. `team Platform`: a team's (its managers). `company` (HR).",
                        false,
                    )],
                ),
                subcommand("help", "How goals work", Vec::new()),
            ],
        ),
        coaching::oneonone(),
        coaching::feedback(),
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
        message_command(for_message::COMMAND_NAME),
    ])
}

/// A command in a message's *Apps* menu (type 3): its name is what people see, spaces and
/// capitals allowed, and it has no description or options.
fn message_command(name: &str) -> Value {
    json!({
        "name": name,
        "description": "",
        "type": MESSAGE_COMMAND,
        "contexts": CONTEXTS,
        "integration_types": INTEGRATION_TYPES,
    })
}

/// `/kudos`: the same subcommands as the words a Slack user types.
fn kudos() -> Value {
    let mut give = vec![
        option(USER, "to", "Who you're recognising", true),
        json!({
            "type": STRING,
            "name": "reason",
            "description": "What they did, with #value tags: for shipping the release #ownership",
            "required": true,
            "min_length": rhythm_domain::kudos::values::MIN_REASON_CHARS,
            "max_length": rhythm_domain::kudos::values::MAX_REASON_CHARS + 200,
        }),
    ];
    for n in 2..=4 {
        give.push(option(
            USER,
            &format!("to_{n}"),
            "Someone else to recognise with them",
            false,
        ));
    }
    give.push(option(
        BOOLEAN,
        "private",
        "Tell only them and their managers",
        false,
    ));
    command(
        "kudos",
        "Recognise someone for what they did",
        vec![
            subcommand("give", "Kudos to someone, with a reason and #values", give),
            subcommand(
                "undo",
                "Take back the kudos you just gave (5 minutes)",
                Vec::new(),
            ),
            subcommand(
                "leaderboard",
                "Who was recognised, who recognised, and how widely",
                vec![
                    json!({
                        "type": STRING,
                        "name": "period",
                        "description": "This week, month or quarter",
                        "required": false,
                        "choices": [
                            {"name": "week", "value": "week"},
                            {"name": "month", "value": "month"},
                            {"name": "quarter", "value": "quarter"},
                        ],
                    }),
                    option(STRING, "team", "Only this team", false),
                ],
            ),
            subcommand("values", "The company values to tag kudos with", Vec::new()),
            subcommand("left", "How many kudos you can still give", Vec::new()),
            subcommand("help", "How to give kudos", Vec::new()),
        ],
    )
}

/// An option of `kind`.
fn option(kind: u8, name: &str, description: &str, required: bool) -> Value {
    json!({
        "type": kind,
        "name": name,
        "description": description,
        "required": required,
    })
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
    option(STRING, name, description, true)
}

#[cfg(test)]
mod tests {
    use rhythm_domain::command::{self, Command};
    use rhythm_domain::kudos::command::KudosCommand;

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
        assert_eq!(commands.len(), 7);
        for command in &commands {
            assert_eq!(command["contexts"], json!([0, 1]));
            assert_eq!(command["integration_types"], json!([0]));
        }
        for command in &commands[..6] {
            assert_named_and_described(command);
        }
        // A message command's name is shown as it is (1 to 32 characters), with no
        // description.
        let shortcut = &commands[6];
        assert_eq!(shortcut["type"], 3);
        assert_eq!(shortcut["name"], "Give kudos for this");
        assert!((1..=32).contains(&shortcut["name"].as_str().unwrap().chars().count()));
        assert_eq!(shortcut["description"], "");
        assert!(shortcut.get("options").is_none());
        let subcommands = |command: &Value| -> Vec<String> {
            options(command)
                .iter()
                .map(|option| option["name"].as_str().unwrap().to_owned())
                .collect()
        };
        assert_eq!(commands[2]["name"], "goals");
        assert_eq!(subcommands(&commands[2]), ["mine", "team", "add", "help"]);
        assert_eq!(
            subcommands(&commands[3]),
            ["list", "schedule", "add", "notes", "cancel", "help"]
        );
        assert_eq!(
            subcommands(&commands[4]),
            ["mine", "request", "give", "help"]
        );
        assert_eq!(
            subcommands(&commands[5]),
            ["help", "timezone", "ooo", "link"]
        );
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
                .filter_map(|option| {
                    let name = option["name"].as_str().unwrap();
                    let value = values.iter().find(|(n, _)| *n == name)?.1;
                    let value = if option["type"] == BOOLEAN {
                        json!(value == "true")
                    } else {
                        json!(value)
                    };
                    Some(json!({"type": option["type"], "name": name, "value": value}))
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
        let cases = cases.into_iter().chain([
            (
                (
                    "kudos",
                    Some("give"),
                    vec![
                        ("reason", "for the careful review #craft"),
                        ("private", "true"),
                        ("to_2", "80351110224678913"),
                        ("to", "80351110224678912"),
                    ],
                ),
                "give <@80351110224678912> <@80351110224678913> for the careful review #craft \
                 --private",
            ),
            (
                (
                    "kudos",
                    Some("give"),
                    vec![
                        ("reason", "for the careful review"),
                        ("private", "false"),
                        ("to", "80351110224678912"),
                    ],
                ),
                "give <@80351110224678912> for the careful review",
            ),
            (
                ("kudos", Some("leaderboard"), vec![("period", "quarter")]),
                "leaderboard quarter",
            ),
        ]);
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
        let Ok(Command::Kudos(KudosCommand::Give(give))) = parse(
            "kudos",
            Some("give"),
            &[
                ("to", "80351110224678912"),
                ("reason", "for the careful review #craft"),
                ("private", "true"),
            ],
        ) else {
            panic!("a give");
        };
        assert_eq!(give.recipients, ["80351110224678912"]);
        assert_eq!(give.reason, "for the careful review");
        assert!(give.private);
        for subcommand in ["undo", "values", "left", "help", "leaderboard"] {
            assert!(
                matches!(parse("kudos", Some(subcommand), &[]), Ok(Command::Kudos(_))),
                "{subcommand}"
            );
        }
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

    #[test]
    fn one_on_ones_and_feedback_read_the_same_as_on_slack() {
        use rhythm_domain::feedback::parse::FeedbackCommand;
        use rhythm_domain::oneonone::parse::OneOnOneCommand;
        let parse = |command: &str, subcommand, values: &[(&str, &str)]| {
            let (name, text) = typed(command, subcommand, values);
            command::parse(&name, &text)
        };
        let Ok(Command::OneOnOne(OneOnOneCommand::Schedule {
            with, every_weeks, ..
        })) = parse(
            "oneonone",
            Some("schedule"),
            &[
                ("person", "80351110224678912"),
                ("when", "every 2 weeks Thursday 15:00"),
            ],
        )
        else {
            panic!("a schedule");
        };
        assert_eq!((with.as_str(), every_weeks), ("80351110224678912", 2));
        assert_eq!(
            parse(
                "oneonone",
                Some("add"),
                &[("point", "the offsite"), ("private", "true")]
            ),
            Ok(Command::OneOnOne(OneOnOneCommand::Add {
                with: None,
                text: "the offsite".to_owned(),
                private: true,
            }))
        );
        assert_eq!(
            parse(
                "feedback",
                Some("request"),
                &[
                    ("from", "80351110224678912"),
                    ("about", "the Q3 launch"),
                    ("from_2", "80351110224678913"),
                ]
            ),
            Ok(Command::Feedback(FeedbackCommand::Request {
                from: vec![
                    "80351110224678912".to_owned(),
                    "80351110224678913".to_owned()
                ],
                about: "the Q3 launch".to_owned(),
            }))
        );
        assert_eq!(
            parse("feedback", Some("give"), &[("to", "80351110224678912")]),
            Ok(Command::Feedback(FeedbackCommand::Give {
                to: "80351110224678912".to_owned()
            }))
        );
        for (command, subcommand) in [
            ("oneonone", "list"),
            ("oneonone", "help"),
            ("feedback", "mine"),
        ] {
            assert!(
                parse(command, Some(subcommand), &[]).is_ok(),
                "{command} {subcommand}"
            );
        }
    }
}
