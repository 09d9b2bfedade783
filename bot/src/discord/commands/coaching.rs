//! `/oneonone` and `/feedback`: the same subcommands as the words a Slack user types.

use serde_json::{Value, json};

use super::{BOOLEAN, STRING, USER, command, option, subcommand, text_option};

/// `/oneonone`: `list`, `schedule`, `add`, `notes`, `cancel`, `help`.
pub(super) fn oneonone() -> Value {
    let person = |description: &str, required: bool| option(USER, "person", description, required);
    command(
        "oneonone",
        "Your 1:1s: set them up, add talking points, record notes",
        vec![
            subcommand(
                "list",
                "Your 1:1s, the next session, and open action items",
                Vec::new(),
            ),
            subcommand(
                "schedule",
                "Set up 1:1s with a report (their manager or HR)",
                vec![
                    person("The report", true),
                    json!({
                        "type": STRING,
                        "name": "when",
                        "description": "every 2 weeks Thursday 15:00 (add `for 45m` for a longer one)",
                        "required": true,
                        "max_length": 100,
                    }),
                ],
            ),
            subcommand(
                "add",
                "A talking point for your next 1:1",
                vec![
                    json!({
                        "type": STRING,
                        "name": "point",
                        "description": "What to talk about",
                        "required": true,
                        "max_length": rhythm_domain::oneonone::parse::MAX_POINT_CHARS,
                    }),
                    person("With whom (if you have several 1:1s)", false),
                    option(BOOLEAN, "private", "Only you will see it", false),
                ],
            ),
            subcommand(
                "notes",
                "Record notes and action items of your last 1:1",
                vec![person("With whom (if you have several 1:1s)", false)],
            ),
            subcommand(
                "cancel",
                "Stop 1:1s (their record stays)",
                vec![person("With whom", true)],
            ),
            subcommand("help", "How 1:1s work", Vec::new()),
        ],
    )
}

/// `/feedback`: `mine`, `request` (up to four people and a topic), `give`, `help`.
pub(super) fn feedback() -> Value {
    let mut request = vec![option(USER, "from", "Whom to ask", true)];
    for n in 2..=4 {
        request.push(option(
            USER,
            &format!("from_{n}"),
            "Someone else to ask",
            false,
        ));
    }
    request.insert(1, text_option("about", "What about: the Q3 launch"));
    command(
        "feedback",
        "Ask for feedback, give it, and read what you received",
        vec![
            subcommand(
                "mine",
                "Feedback you received, and requests waiting for you",
                Vec::new(),
            ),
            subcommand("request", "Ask people for feedback about you", request),
            subcommand(
                "give",
                "Give someone feedback (a form)",
                vec![option(USER, "to", "Whom it is about", true)],
            ),
            subcommand("help", "How feedback works", Vec::new()),
        ],
    )
}
