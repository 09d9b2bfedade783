//! The application commands Rhythm registers: `/checkin`; `/kudos` with `give` (up to four
//! people picked from the member list, a reason with #value tags, and a `private` flag),
//! `undo`, `leaderboard`, `values`, `left` and `help`; `/goals` with `mine`, `team`, `add`
//! (for a team or the company) and `help`; `/oneonone` and `/feedback` ([`coaching`]);
//! `/review` with `mine`, `nominate`, `approve`, `results`, `ack` and `help` ([`reviews`]);
//! `/rhythm` with the subcommands `help`, `timezone`, `ooo` and `link`, and the group
//! `cycle` (HR's `list`, `status`, `create`, `start`, `release`, `close`, `threshold`,
//! `reopen` and `help`); and *Give kudos for this* on a message's *Apps* menu. The same
//! words as on Slack: [`super::inbound`] turns a command's options back into the text a
//! Slack user would type after it, so one parser (`rhythm_domain::command`) serves both.

mod coaching;
mod reviews;

use rhythm_domain::kudos::for_message;
use serde_json::{Value, json};

/// `CHAT_INPUT`: a slash command.
const SLASH_COMMAND: u8 = 1;
/// `MESSAGE`: a command on a message's *Apps* menu.
const MESSAGE_COMMAND: u8 = 3;
/// Option types.
const SUB_COMMAND: u8 = 1;
const SUB_COMMAND_GROUP: u8 = 2;
const STRING: u8 = 3;
const INTEGER: u8 = 4;
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
        reviews::review(),
        command(
            "rhythm",
            "Rhythm: help, your time zone, days away, linking your account; review cycles (HR)",
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
                reviews::cycle(),
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

/// A subcommand (of a command or of a group).
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

    /// Discord's rules for a command or option, and for its options, however deep: a name
    /// and a description within limits, at most 25 options, and required options first.
    fn assert_named_and_described(item: &Value) {
        let name = item["name"].as_str().unwrap();
        assert!(is_valid_name(name), "{name}");
        let description = item["description"].as_str().unwrap();
        assert!(
            (1..=100).contains(&description.chars().count()),
            "{name}: {description}"
        );
        let options = options(item);
        assert!(options.len() <= 25, "{name}");
        let required: Vec<bool> = options
            .iter()
            .map(|option| option["required"] == true)
            .collect();
        assert!(
            required.windows(2).all(|pair| pair[0] || !pair[1]),
            "{name}: required options come first"
        );
        for option in options {
            assert_named_and_described(&option);
        }
    }

    /// The characters of a command's names, descriptions and choice values, all told.
    fn combined_chars(item: &Value) -> usize {
        let chars = |key: &str| item[key].as_str().map_or(0, |text| text.chars().count());
        let choices: usize = item["choices"]
            .as_array()
            .into_iter()
            .flatten()
            .map(|choice| {
                choice["name"]
                    .as_str()
                    .map_or(0, |name| name.chars().count())
                    + choice["value"]
                        .as_str()
                        .map_or(0, |value| value.chars().count())
            })
            .sum();
        chars("name")
            + chars("description")
            + choices
            + options(item).iter().map(combined_chars).sum::<usize>()
    }

    #[test]
    fn names_and_descriptions_are_within_discords_limits() {
        let commands = commands();
        assert_eq!(commands.len(), 8);
        for command in &commands {
            assert_eq!(command["contexts"], json!([0, 1]));
            assert_eq!(command["integration_types"], json!([0]));
        }
        for command in &commands[..7] {
            assert_named_and_described(command);
            assert!(
                combined_chars(command) <= 4000,
                "{}: Discord counts at most 4000 characters of names, descriptions and values",
                command["name"]
            );
        }
        // A message command's name is shown as it is (1 to 32 characters), with no
        // description.
        let shortcut = &commands[7];
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
        assert_eq!(commands[5]["name"], "review");
        assert_eq!(
            subcommands(&commands[5]),
            ["mine", "nominate", "approve", "results", "ack", "help"]
        );
        assert_eq!(commands[6]["name"], "rhythm");
        assert_eq!(
            subcommands(&commands[6]),
            ["help", "timezone", "ooo", "link", "cycle"]
        );
        let cycle = &options(&commands[6])[4];
        assert_eq!(cycle["type"], SUB_COMMAND_GROUP);
        assert_eq!(
            subcommands(cycle),
            [
                "list",
                "status",
                "create",
                "start",
                "release",
                "close",
                "threshold",
                "reopen",
                "help"
            ]
        );
        assert!(
            options(cycle)
                .iter()
                .all(|subcommand| subcommand["type"] == SUB_COMMAND)
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
    /// each option by name; a subcommand in a group is named after it (`cycle start`).
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
                    } else if option["type"] == INTEGER {
                        json!(value.parse::<i64>().unwrap())
                    } else {
                        json!(value)
                    };
                    Some(json!({"type": option["type"], "name": name, "value": value}))
                })
                .collect()
        };
        let find = |parent: &Value, name: &str| {
            options(parent)
                .into_iter()
                .find(|option| option["name"] == name)
                .unwrap_or_else(|| panic!("no {name} in {}", parent["name"]))
        };
        let options = match subcommand.map(|path| path.split_once(' ')) {
            Some(Some((group, sub))) => {
                let group = find(&definition, group);
                let sub = find(&group, sub);
                json!([{"type": group["type"], "name": group["name"], "options": [
                    {"type": sub["type"], "name": sub["name"], "options": fill(&sub)}
                ]}])
            }
            Some(None) => {
                let sub = find(&definition, subcommand.unwrap());
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

    const ANA: &str = "80351110224678912";
    const BEN: &str = "80351110224678913";
    const CY: &str = "80351110224678914";

    /// A command, its subcommand, and the values filled in by option name.
    type Typed = (
        &'static str,
        &'static str,
        Vec<(&'static str, &'static str)>,
    );

    /// Every `/review` and `/rhythm cycle` subcommand, filled in, and the text it arrives as.
    fn review_and_cycle_cases() -> Vec<(Typed, String)> {
        vec![
            (("review", "mine", vec![]), String::new()),
            (
                ("review", "nominate", vec![("peer1", ANA), ("peer2", BEN)]),
                format!("nominate <@{ANA}> <@{BEN}>"),
            ),
            (
                (
                    "review",
                    "nominate",
                    vec![("peer1", ANA), ("peer2", BEN), ("peer3", CY)],
                ),
                format!("nominate <@{ANA}> <@{BEN}> <@{CY}>"),
            ),
            (
                ("review", "approve", vec![("report", ANA)]),
                format!("approve <@{ANA}>"),
            ),
            (
                (
                    "review",
                    "approve",
                    vec![("peer2", CY), ("report", ANA), ("peer1", BEN)],
                ),
                format!("approve <@{ANA}> <@{BEN}> <@{CY}>"),
            ),
            (("review", "results", vec![]), "results".to_owned()),
            (("review", "ack", vec![]), "ack".to_owned()),
            (("review", "help", vec![]), "help".to_owned()),
            (("rhythm", "cycle list", vec![]), "cycle list".to_owned()),
            (("rhythm", "cycle help", vec![]), "cycle help".to_owned()),
            (
                ("rhythm", "cycle status", vec![("name", "2026 H2")]),
                "cycle status 2026 H2".to_owned(),
            ),
            (
                ("rhythm", "cycle create", vec![("name", "2026 H2")]),
                "cycle create 2026 H2".to_owned(),
            ),
            (
                ("rhythm", "cycle start", vec![("name", "2026 H2")]),
                "cycle start 2026 H2".to_owned(),
            ),
            (
                ("rhythm", "cycle release", vec![("name", "2026 H2")]),
                "cycle release 2026 H2".to_owned(),
            ),
            (
                ("rhythm", "cycle close", vec![("name", "2026 H2")]),
                "cycle close 2026 H2".to_owned(),
            ),
            (
                (
                    "rhythm",
                    "cycle threshold",
                    vec![("peers", "3"), ("name", "2026 H2")],
                ),
                "cycle threshold \"2026 H2\" 3".to_owned(),
            ),
            (
                (
                    "rhythm",
                    "cycle reopen",
                    vec![
                        ("reason", "the ratings were swapped"),
                        ("reviewer", BEN),
                        ("subject", ANA),
                        ("name", "2026 H2"),
                    ],
                ),
                format!("cycle reopen \"2026 H2\" <@{ANA}> <@{BEN}> the ratings were swapped"),
            ),
        ]
    }

    #[test]
    fn reviews_and_cycles_arrive_as_the_text_a_slack_user_would_type() {
        for ((command, subcommand, values), expected) in review_and_cycle_cases() {
            let (name, text) = typed(command, Some(subcommand), &values);
            assert_eq!(
                (name.as_str(), text.as_str()),
                (command, expected.as_str()),
                "{command} {subcommand}"
            );
        }
    }

    #[test]
    fn reviews_and_cycles_read_the_same_as_on_slack() {
        use rhythm_domain::reviews::hr_parse::CycleCommand;
        use rhythm_domain::reviews::parse::ReviewCommand;
        let parse = |command: &str, subcommand: &str, values: &[(&str, &str)]| {
            let (name, text) = typed(command, Some(subcommand), values);
            command::parse(&name, &text)
        };
        let ids = |ids: &[&str]| -> Vec<String> { ids.iter().map(|id| (*id).to_owned()).collect() };
        let cases = [
            (
                parse("review", "mine", &[]),
                "review",
                "",
                Command::Review(ReviewCommand::Mine),
            ),
            (
                parse(
                    "review",
                    "nominate",
                    &[("peer1", ANA), ("peer2", BEN), ("peer3", CY)],
                ),
                "review",
                "nominate <@80351110224678912> <@80351110224678913> <@80351110224678914>",
                Command::Review(ReviewCommand::Nominate(ids(&[ANA, BEN, CY]))),
            ),
            (
                parse("review", "approve", &[("report", ANA)]),
                "review",
                "approve <@80351110224678912>",
                Command::Review(ReviewCommand::Approve {
                    report: ANA.to_owned(),
                    peers: Vec::new(),
                }),
            ),
            (
                parse(
                    "review",
                    "approve",
                    &[("report", ANA), ("peer1", BEN), ("peer2", CY)],
                ),
                "review",
                "approve <@80351110224678912> <@80351110224678913> <@80351110224678914>",
                Command::Review(ReviewCommand::Approve {
                    report: ANA.to_owned(),
                    peers: ids(&[BEN, CY]),
                }),
            ),
            (
                parse("review", "results", &[]),
                "review",
                "results",
                Command::Review(ReviewCommand::Results),
            ),
            (
                parse("review", "ack", &[]),
                "review",
                "ack",
                Command::Review(ReviewCommand::Acknowledge),
            ),
            (
                parse("review", "help", &[]),
                "review",
                "help",
                Command::Review(ReviewCommand::Help),
            ),
            (
                parse("rhythm", "cycle list", &[]),
                "rhythm",
                "cycle list",
                Command::Cycle(CycleCommand::List),
            ),
            (
                parse("rhythm", "cycle help", &[]),
                "rhythm",
                "cycle help",
                Command::Cycle(CycleCommand::Help),
            ),
            (
                parse("rhythm", "cycle status", &[("name", "2026 H2")]),
                "rhythm",
                "cycle status 2026 H2",
                Command::Cycle(CycleCommand::Status("2026 H2".to_owned())),
            ),
            (
                parse("rhythm", "cycle create", &[("name", "2026 H2")]),
                "rhythm",
                "cycle create 2026 H2",
                Command::Cycle(CycleCommand::Create {
                    name: "2026 H2".to_owned(),
                    participants: None,
                }),
            ),
            (
                parse("rhythm", "cycle start", &[("name", "2026 H2")]),
                "rhythm",
                "cycle start \"2026 H2\"",
                Command::Cycle(CycleCommand::Start("2026 H2".to_owned())),
            ),
            (
                parse("rhythm", "cycle release", &[("name", "2026 H2")]),
                "rhythm",
                "cycle release 2026 H2",
                Command::Cycle(CycleCommand::Release("2026 H2".to_owned())),
            ),
            (
                parse("rhythm", "cycle close", &[("name", "2026 H2")]),
                "rhythm",
                "cycle close 2026 H2",
                Command::Cycle(CycleCommand::Close("2026 H2".to_owned())),
            ),
            (
                parse(
                    "rhythm",
                    "cycle threshold",
                    &[("name", "2026 H2"), ("peers", "3")],
                ),
                "rhythm",
                "cycle threshold \"2026 H2\" 3",
                Command::Cycle(CycleCommand::Threshold {
                    name: "2026 H2".to_owned(),
                    k: 3,
                }),
            ),
            (
                parse(
                    "rhythm",
                    "cycle threshold",
                    &[("name", "H2"), ("peers", "12")],
                ),
                "rhythm",
                "cycle threshold H2 12",
                Command::Cycle(CycleCommand::Threshold {
                    name: "H2".to_owned(),
                    k: 12,
                }),
            ),
            (
                parse(
                    "rhythm",
                    "cycle reopen",
                    &[
                        ("name", "2026 H2"),
                        ("subject", ANA),
                        ("reviewer", BEN),
                        ("reason", "the ratings were swapped"),
                    ],
                ),
                "rhythm",
                "cycle reopen \"2026 H2\" <@80351110224678912> <@80351110224678913> the ratings \
                 were swapped",
                Command::Cycle(CycleCommand::Reopen {
                    name: "2026 H2".to_owned(),
                    subject: ANA.to_owned(),
                    reviewer: BEN.to_owned(),
                    reason: "the ratings were swapped".to_owned(),
                }),
            ),
        ];
        for (on_discord, slack_command, slack_text, expected) in cases {
            assert_eq!(on_discord.as_ref(), Ok(&expected), "{slack_text}");
            assert_eq!(
                command::parse(slack_command, slack_text),
                Ok(expected),
                "{slack_text}"
            );
        }
    }
}
