//! What people ask in chat, the same words on every platform: `/checkin`, `/rhythm help`,
//! `/rhythm timezone Europe/Berlin`, `/rhythm ooo 2026-12-20 2027-01-02`,
//! `/rhythm link ana@example.com`. Parsed once here; bad input gets a sentence saying what
//! is wrong and changes nothing. [`answer`] (commands) and [`interaction`] (buttons and
//! forms) are what the platforms' handlers call.

use chrono::DateTime;
use chrono::Utc;

use crate::chat::{Interaction, Reply};
use crate::checkin::workflow::start_today;
use crate::feedback::parse::FeedbackCommand;
use crate::goals::parse::GoalsCommand;
use crate::kudos::command::KudosCommand;
use crate::link::{self, LinkCommand};
use crate::oneonone::parse::OneOnOneCommand;
use crate::people::{ChatUserId, Person, Platform, Timezone};
use crate::ports::{Account, ChatStore, Directory, Notify, StoreError};
use crate::reviews::hr_parse::CycleCommand;
use crate::reviews::parse::ReviewCommand;
use crate::schedule::{OutOfOffice, parse_date};

/// A command from chat.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Command {
    /// `/checkin`: start or edit today's check-in.
    CheckIn,
    /// `/rhythm help`.
    Help,
    /// `/rhythm timezone ZONE`.
    Timezone(Timezone),
    /// `/rhythm ooo FROM TO`.
    OutOfOffice(OutOfOffice),
    /// `/rhythm link EMAIL|CODE`.
    Link(LinkCommand),
    /// `/kudos …`.
    Kudos(KudosCommand),
    /// `/goals …`.
    Goals(GoalsCommand),
    /// `/oneonone …`.
    OneOnOne(OneOnOneCommand),
    /// `/feedback …`.
    Feedback(FeedbackCommand),
    /// `/review …`.
    Review(ReviewCommand),
    /// `/rhythm cycle …` (HR).
    Cycle(CycleCommand),
}

/// What `/rhythm help` says.
pub const HELP: &str = "Rhythm asks for your check-ins and keeps your team in step.\n\
• /checkin: start or edit today's check-in\n\
• /kudos @ana for shipping the release #ownership: recognise someone (/kudos help for more)\n\
• /goals: your goals this quarter, and their progress (/goals help for more)\n\
• /oneonone: your 1:1s, their agendas and action items (/oneonone help for more)\n\
• /feedback request @ana about \"the launch\": ask for feedback; /feedback give @ana to give it\n\
• /review: your part in the running review cycle (/review help for more)\n\
• /rhythm timezone Europe/Berlin: set your time zone (reminders follow it)\n\
• /rhythm ooo 2026-12-20 2027-01-02: days away, inclusive (no reminders then)\n\
• /rhythm link you@example.com: link this chat account to you (a code is sent to you)
• /rhythm help: this message";

/// Reads a slash command and its text. `Err` is the sentence to answer with.
pub fn parse(command: &str, text: &str) -> Result<Command, String> {
    let words: Vec<&str> = text.split_whitespace().collect();
    match command.trim_start_matches('/') {
        "checkin" => Ok(Command::CheckIn),
        "kudos" => crate::kudos::command::parse(text).map(Command::Kudos),
        "goals" => crate::goals::parse::command(text).map(Command::Goals),
        "oneonone" | "1on1" => crate::oneonone::parse::command(text).map(Command::OneOnOne),
        "feedback" => crate::feedback::parse::command(text).map(Command::Feedback),
        "review" => crate::reviews::parse::command(text).map(Command::Review),
        "rhythm" => match words.as_slice() {
            [] | ["help"] => Ok(Command::Help),
            ["timezone", zone] | ["tz", zone] => {
                Timezone::parse(zone).map(Command::Timezone).map_err(|_| {
                    format!(
                        "`{zone}` is not a time zone I know. Use an IANA name such as \
                         Europe/Berlin or America/New_York."
                    )
                })
            }
            ["timezone" | "tz", ..] => {
                Err("Give one time zone, such as `/rhythm timezone Europe/Berlin`.".to_owned())
            }
            ["ooo", from, to] => {
                let from =
                    parse_date(from, "the first day").map_err(|invalid| invalid.to_string())?;
                let to = parse_date(to, "the last day").map_err(|invalid| invalid.to_string())?;
                OutOfOffice::new(from, to)
                    .map(Command::OutOfOffice)
                    .map_err(|invalid| invalid.to_string())
            }
            ["ooo", ..] => Err(
                "Give the first and last day away, such as `/rhythm ooo 2026-12-20 2027-01-02`."
                    .to_owned(),
            ),
            ["link", word] => link::parse(word).map(Command::Link),
            ["cycle" | "cycles", ..] => {
                let rest = text.trim_start().split_once(char::is_whitespace);
                crate::reviews::hr_parse::command(rest.map_or("", |(_, rest)| rest))
                    .map(Command::Cycle)
            }
            ["link", ..] => Err(
                "Give your work email, such as `/rhythm link ana@example.com`, or the code you \
                 were sent, such as `/rhythm link 123456`."
                    .to_owned(),
            ),
            [verb, ..] => Err(format!("I don't know `{verb}`.\n{HELP}")),
        },
        other => Err(format!("I don't know the command `/{other}`.\n{HELP}")),
    }
}

/// Answers slash command `name` with `text` from `user` on `platform`. Only `/rhythm link`
/// is open to accounts Rhythm does not know yet; anything else from them is answered with
/// how to link one ([`stranger`]).
pub async fn answer<S, N>(
    store: &S,
    notify: &N,
    platform: Platform,
    user: &str,
    name: &str,
    text: &str,
    now: DateTime<Utc>,
) -> Result<Reply, StoreError>
where
    S: ChatStore,
    N: Notify,
{
    let command = match parse(name, text) {
        Ok(command) => command,
        Err(sentence) => return Ok(Reply::Private(sentence)),
    };
    let Ok(user) = ChatUserId::parse(platform, user) else {
        return Ok(Reply::Private(stranger(platform)));
    };
    let account = Account { platform, user };
    match (
        link::holder(store, platform, account.user.as_str(), true).await?,
        &command,
    ) {
        (Some(person), _) => {
            let actor = account.to_string();
            run(store, &person, platform, command, &actor, now).await
        }
        (None, Command::Link(link)) => link::run(store, notify, &account, link, now).await,
        (None, _) => Ok(Reply::Private(stranger(platform))),
    }
}

/// Answers a button pressed or a form submitted by `user` on `platform`: the workflow that
/// made the button or the form (its action's prefix says which) takes it.
pub async fn interaction<S>(
    store: &S,
    platform: Platform,
    user: &str,
    interaction: &Interaction,
    now: DateTime<Utc>,
) -> Result<Reply, StoreError>
where
    S: ChatStore,
{
    let Some(person) = link::holder(store, platform, user, true).await? else {
        return Ok(Reply::Private(stranger(platform)));
    };
    if interaction.action().starts_with("kudos:") {
        crate::kudos::for_message::interact(store, &person, platform, interaction, now).await
    } else if interaction.action().starts_with("goals:") {
        let actor = format!("{platform}:{user}");
        crate::goals::workflow::interact(store, &person, &actor, interaction, now).await
    } else if interaction.action().starts_with("oneonone:") {
        crate::oneonone::workflow::interact(store, &person, platform, interaction, now).await
    } else if interaction.action().starts_with("feedback:") {
        crate::feedback::workflow::interact(store, &person, platform, interaction, now).await
    } else if interaction.action().starts_with("review:") {
        let actor = format!("{platform}:{user}");
        crate::reviews::chat::interact(store, &person, &actor, interaction, now).await
    } else {
        crate::checkin::workflow::interact(store, &person, interaction, now).await
    }
}

/// What to tell an account Rhythm does not know.
pub fn stranger(platform: Platform) -> String {
    let hr = match platform {
        Platform::Slack => "ask HR to add it (`rhythm slack sync` links everyone by email)",
        Platform::Discord => "ask HR to add it (the discord_user_id column of the people file)",
    };
    format!(
        "I don't know this {} account yet. Link it with `/rhythm link you@example.com`, or {hr}.",
        platform.name()
    )
}

/// Runs `command` for `person`, sent from `platform`; `actor` names them in the audit log
/// (`slack:U123`).
async fn run<S: ChatStore>(
    store: &S,
    person: &Person,
    platform: Platform,
    command: Command,
    actor: &str,
    now: DateTime<Utc>,
) -> Result<Reply, StoreError> {
    match command {
        Command::CheckIn => start_today(store, person, now).await,
        Command::Help => Ok(Reply::Private(HELP.to_owned())),
        Command::Timezone(zone) => {
            store.set_timezone(person.id, &zone, actor).await?;
            Ok(Reply::Private(format!(
                "Your time zone is now {zone}. Reminders follow it from now on."
            )))
        }
        Command::OutOfOffice(away) => {
            store.add_out_of_office(person.id, &away, actor).await?;
            Ok(Reply::Private(format!(
                "You're away from {} to {}: no reminders then, and none counted as missed.",
                away.from, away.to
            )))
        }
        Command::Link(_) => Ok(Reply::Private(format!(
            "This account is linked to you ({}) already.",
            person.email
        ))),
        Command::Kudos(kudos) => {
            crate::kudos::workflow::run(store, person, platform, kudos, now).await
        }
        Command::Goals(goals) => crate::goals::workflow::run(store, person, goals, now).await,
        Command::OneOnOne(command) => {
            crate::oneonone::workflow::run(store, person, platform, command, actor, now).await
        }
        Command::Feedback(command) => {
            crate::feedback::workflow::run(store, person, platform, command, now).await
        }
        Command::Review(command) => {
            crate::reviews::chat::run(store, person, platform, command, actor, now).await
        }
        Command::Cycle(command) => {
            crate::reviews::hr::run(store, person, platform, command, actor, now).await
        }
    }
}

/// Someone by id, active or not.
pub async fn person_by_id<S: Directory>(
    store: &S,
    id: crate::people::PersonId,
) -> Result<Option<Person>, StoreError> {
    let filter = crate::ports::PeopleFilter {
        id: Some(id),
        ..crate::ports::PeopleFilter::default()
    };
    Ok(store.people(&filter).await?.into_iter().next())
}

/// The active person with `email`, if there is one.
pub async fn active_by_email<S: Directory>(
    store: &S,
    email: &crate::people::Email,
) -> Result<Option<Person>, StoreError> {
    let filter = crate::ports::PeopleFilter {
        email: Some(email.clone()),
        active_only: true,
        ..crate::ports::PeopleFilter::default()
    };
    Ok(store.people(&filter).await?.into_iter().next())
}

/// Someone's name by id, or `Someone` if they are gone.
pub async fn name_of<S: Directory>(
    store: &S,
    id: crate::people::PersonId,
) -> Result<String, StoreError> {
    Ok(person_by_id(store, id)
        .await?
        .map_or_else(|| "Someone".to_owned(), |p| p.name.to_string()))
}

/// The person a mention (`<@U123>`) names on `platform`, active; or the sentence saying
/// who could not be found.
pub async fn mentioned<S: Directory>(
    store: &S,
    platform: Platform,
    user: &str,
) -> Result<Result<Person, String>, StoreError> {
    let filter = crate::ports::PeopleFilter {
        chat_user: Some((platform, user.to_owned())),
        ..crate::ports::PeopleFilter::default()
    };
    Ok(match store.people(&filter).await?.into_iter().next() {
        None => Err(format!(
            "I don't know <@{user}>: they are not in Rhythm's directory (a bot, a guest, or \
             someone HR has not added yet). Nothing changed."
        )),
        Some(person) if !person.active => Err(format!(
            "{} is no longer active in Rhythm. Nothing changed.",
            person.name
        )),
        Some(person) => Ok(person),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn commands_are_read_from_their_words() {
        assert_eq!(parse("/checkin", ""), Ok(Command::CheckIn));
        assert_eq!(parse("/rhythm", ""), Ok(Command::Help));
        assert_eq!(parse("/rhythm", "help"), Ok(Command::Help));
        assert_eq!(
            parse("/rhythm", "timezone Europe/Berlin"),
            Ok(Command::Timezone(Timezone::parse("Europe/Berlin").unwrap()))
        );
        let Ok(Command::OutOfOffice(away)) = parse("/rhythm", "ooo 2026-12-20 2027-01-02") else {
            panic!("an out-of-office range");
        };
        assert_eq!(away.to.to_string(), "2027-01-02");
    }

    #[test]
    fn bad_input_gets_a_sentence_saying_what_is_wrong() {
        assert!(
            parse("/rhythm", "timezone Mars/Base")
                .unwrap_err()
                .starts_with("`Mars/Base` is not a time zone I know")
        );
        assert!(
            parse("/rhythm", "ooo 2027-01-02 2026-12-20")
                .unwrap_err()
                .contains("before it starts")
        );
        assert!(
            parse("/rhythm", "ooo tomorrow")
                .unwrap_err()
                .contains("first and last day")
        );
        assert!(
            parse("/rhythm", "dance")
                .unwrap_err()
                .starts_with("I don't know `dance`")
        );
    }
}
