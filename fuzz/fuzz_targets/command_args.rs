//! What people type in chat: a slash command and its text ([`command::parse`]), the word
//! after `/rhythm link` ([`link::parse`]), a check-in form's answers read against its
//! template ([`Answers::read`]), and a stored message reference ([`MessageRef::parse`]).
//!
//! The input is `COMMAND\nTEXT`: the command as a platform hands it over, then what
//! followed it. For the answers, each line of the text is `FIELD=ANSWER`.
//!
//! Invariants: nothing panics; accepted answers are trimmed, within their question's
//! limits, and only for the template's questions; a message reference prints back as the
//! text it was read from.

#![no_main]

use std::collections::BTreeMap;

use libfuzzer_sys::fuzz_target;
use rhythm_domain::checkin::template::MAX_ANSWER_CHARS;
use rhythm_domain::checkin::{Answers, Question, QuestionKind, Template};
use rhythm_domain::command;
use rhythm_domain::link::{self, LinkCommand};
use rhythm_domain::ports::MessageRef;

fuzz_target!(|data: &[u8]| {
    let Ok(input) = std::str::from_utf8(data) else {
        return;
    };
    let (name, text) = input.split_once('\n').unwrap_or((input, ""));
    let _ = command::parse(name, text);
    let _ = command::parse("/rhythm", input);
    for word in input.split_whitespace().chain([input]) {
        if let Ok(LinkCommand::Redeem(code)) = link::parse(word) {
            assert!(
                code.len() == 6 && code.bytes().all(|b| b.is_ascii_digit()),
                "{code}"
            );
        }
    }
    if let Some(message) = MessageRef::parse(input) {
        assert_eq!(message.to_string(), input);
    }
    answers(text);
});

fn answers(text: &str) {
    let raw: BTreeMap<String, String> = text
        .lines()
        .filter_map(|line| line.split_once('='))
        .map(|(field, answer)| (field.to_owned(), answer.to_owned()))
        .collect();
    for template in [Template::default_template(), with_a_choice()] {
        let Ok(answers) = Answers::read(&template, &raw) else {
            continue;
        };
        for (id, answer) in &answers.0 {
            let question = template
                .questions
                .iter()
                .find(|question| &question.id == id)
                .expect("an answer to a question of the template");
            assert!(!answer.is_empty() && answer.trim() == answer, "{answer:?}");
            match &question.kind {
                QuestionKind::Text | QuestionKind::Blocker => {
                    assert!(answer.chars().count() <= MAX_ANSWER_CHARS);
                }
                QuestionKind::Scale { .. } => {
                    assert!(["1", "2", "3", "4", "5"].contains(&answer.as_str()))
                }
                QuestionKind::Choice { options } => assert!(options.contains(answer)),
            }
        }
        let _ = answers.mood(&template);
        let _ = answers.blocker(&template);
    }
}

/// The default template with a choice question added.
fn with_a_choice() -> Template {
    let mut template = Template::default_template();
    template.questions.push(Question {
        id: "focus".to_owned(),
        prompt: "Where is your focus?".to_owned(),
        kind: QuestionKind::Choice {
            options: vec!["Build".to_owned(), "Fix".to_owned(), " Learn ".to_owned()],
        },
        optional: true,
    });
    template
}
