//! The driver the scenarios are written against: what a person numbered `n` sees and does
//! in chat, in the same words on every platform and transport. How each platform does it
//! stays in its side ([`super::slack`], [`super::discord`]): Slack opens a form with
//! `views.open` after the ack and shows private text as an ephemeral message; Discord answers
//! with a modal, and with an ephemeral response.

use std::collections::BTreeMap;

use chrono::{DateTime, Duration, Utc};
use rhythm_domain::clock::Clock as _;
use rhythm_domain::people::Person;
use rhythm_domain::ports::{CheckIn, CheckInId, CheckIns as _, Directory as _, PeopleFilter};
use rhythm_testing::TestDb;
use tokio_util::sync::CancellationToken;

use crate::discord::Discord;
use crate::slack::Slack;

/// Where Rhythm listens.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Transport {
    /// Slack's HTTP Events API.
    SlackHttp,
    /// Slack's Socket Mode.
    SlackSocket,
    /// Discord's gateway.
    DiscordGateway,
    /// Discord's HTTP interactions endpoint.
    DiscordHttp,
}

/// A person with a chat account Rhythm does not know.
pub(crate) const STRANGER: usize = 99;

/// A message as a person sees it: its text, flattened, and the actions of its buttons
/// (`checkin:start`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Shown {
    pub(crate) text: String,
    pub(crate) actions: Vec<String>,
}

/// A form as it opens: its fields' ids in order, and what is filled in already.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Form {
    pub(crate) fields: Vec<String>,
    pub(crate) initial: BTreeMap<String, String>,
}

impl Form {
    /// What `field` holds as it opens.
    pub(crate) fn initial(&self, field: &str) -> Option<&str> {
        self.initial.get(field).map(String::as_str)
    }
}

/// What a person sees happen when they press a button or run a command.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Outcome {
    /// A form opens.
    Form(Form),
    /// Text only they see.
    Private(String),
    /// The message they pressed on now reads so.
    Updated(Shown),
    /// Nothing visible.
    Nothing,
}

impl Outcome {
    pub(crate) fn form(self) -> Form {
        match self {
            Self::Form(form) => form,
            other => panic!("a form, not {other:?}"),
        }
    }

    pub(crate) fn private(self) -> String {
        match self {
            Self::Private(text) => text,
            other => panic!("private text, not {other:?}"),
        }
    }

    pub(crate) fn updated(self) -> Shown {
        match self {
            Self::Updated(shown) => shown,
            other => panic!("an updated message, not {other:?}"),
        }
    }
}

/// What submitting a form does.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Submission {
    /// Saved; the form closes.
    Saved,
    /// Done, and the person is told this: in place of the form (Slack), or privately
    /// (Discord).
    Said(String),
    /// Not saved, for this reason.
    Refused(String),
}

impl Submission {
    /// Whether it went through, whatever the person was told.
    pub(crate) fn is_saved(&self) -> bool {
        matches!(self, Self::Saved | Self::Said(_))
    }

    pub(crate) fn said(self) -> String {
        match self {
            Self::Said(text) => text,
            other => panic!("something said, not {other:?}"),
        }
    }

    pub(crate) fn refused(self) -> String {
        match self {
            Self::Refused(text) => text,
            other => panic!("a refusal, not {other:?}"),
        }
    }
}

/// An emoji put on a message.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Emoji {
    /// The kudos emoji (the default policy's: `:clap:`, 👏).
    Kudos,
    /// The kudos emoji in a skin tone.
    KudosToned,
    /// Another (`:thumbsup:`, 👍).
    Other,
}

/// A message person `author` wrote in a team channel, for others to react to or give kudos
/// for: its id (Slack's `ts`, Discord's snowflake), and on Discord the message object.
#[derive(Debug, Clone)]
pub(crate) struct Post {
    pub(crate) author: usize,
    pub(crate) id: String,
    pub(crate) message: serde_json::Value,
}

/// The org (see [`crate::org`]) with Rhythm listening on one transport.
pub(crate) struct Chat {
    db: TestDb,
    side: Side,
    shutdown: CancellationToken,
}

enum Side {
    Slack(Slack),
    Discord(Discord),
}

impl Chat {
    pub(crate) async fn start(transport: Transport) -> Self {
        let shutdown = CancellationToken::new();
        let (side, db) = match transport {
            Transport::SlackHttp | Transport::SlackSocket => {
                let socket_mode = transport == Transport::SlackSocket;
                let (slack, db) = Slack::start(socket_mode, &shutdown).await;
                (Side::Slack(slack), db)
            }
            Transport::DiscordGateway | Transport::DiscordHttp => {
                let gateway = transport == Transport::DiscordGateway;
                let (discord, db) = Discord::start(gateway, &shutdown).await;
                (Side::Discord(discord), db)
            }
        };
        Self { db, side, shutdown }
    }

    pub(crate) fn now(&self) -> DateTime<Utc> {
        self.db.clock.now()
    }

    pub(crate) fn advance(&self, by: Duration) {
        self.db.clock.advance(by);
    }

    /// Runs the planner; how many deliveries it planned.
    pub(crate) async fn plan(&self) -> usize {
        crate::org::plan(&self.db).await
    }

    /// Sends what is due.
    pub(crate) async fn dispatch(&self) {
        match &self.side {
            Side::Slack(slack) => slack.dispatch(&self.db).await,
            Side::Discord(discord) => discord.dispatch(&self.db).await,
        }
    }

    /// The DMs Rhythm sent person `n`, oldest first, as they read now.
    pub(crate) fn dms(&self, n: usize) -> Vec<Shown> {
        match &self.side {
            Side::Slack(slack) => slack.dms(n),
            Side::Discord(discord) => discord.dms(n),
        }
    }

    pub(crate) fn last_dm(&self, n: usize) -> Shown {
        self.dms(n)
            .pop()
            .unwrap_or_else(|| panic!("person {n} has no DM"))
    }

    /// Person `n` presses the button for `action` on their newest DM.
    pub(crate) async fn press(&mut self, n: usize, action: &str) -> Outcome {
        match &mut self.side {
            Side::Slack(slack) => slack.press(&self.db, n, action).await,
            Side::Discord(discord) => discord.press(n, action).await,
        }
    }

    /// Person `n` submits the form last opened for them, with `answers` by field id; the
    /// fields left out stay empty.
    pub(crate) async fn submit(&mut self, n: usize, answers: &[(&str, &str)]) -> Submission {
        match &mut self.side {
            Side::Slack(slack) => slack.submit(&self.db, n, answers).await,
            Side::Discord(discord) => discord.submit(n, answers).await,
        }
    }

    /// Person `n` runs `command` (`/rhythm`) with `text` as Slack people type it
    /// (`ooo 2026-03-03 2026-03-03`); on Discord, as the subcommand and its options.
    pub(crate) async fn command(&mut self, n: usize, command: &str, text: &str) -> Outcome {
        match &mut self.side {
            Side::Slack(slack) => slack.command(&self.db, n, command, text).await,
            Side::Discord(discord) => discord.command(n, command, text).await,
        }
    }

    /// Person `n` runs `/kudos` with `text` as Slack people type it, people named `@1`
    /// (person 1); on Discord, as the subcommand and its typed options.
    pub(crate) async fn kudos(&mut self, n: usize, text: &str) -> Outcome {
        match &mut self.side {
            Side::Slack(slack) => slack.kudos(&self.db, n, text).await,
            Side::Discord(discord) => discord.kudos(n, text).await,
        }
    }

    /// Person `n` runs `/oneonone` or `/feedback` with `text` as Slack people type it,
    /// people named `@1`; on Discord, as the subcommand and its typed options.
    pub(crate) async fn coaching(&mut self, n: usize, command: &str, text: &str) -> Outcome {
        match &mut self.side {
            Side::Slack(slack) => slack.mentioning(&self.db, n, command, text).await,
            Side::Discord(discord) => discord.coaching(n, command, text).await,
        }
    }

    /// Gives people `range` chat accounts too (the org starts with [`crate::PEOPLE`]);
    /// [`Self::organise_with_roles`] puts them in the directory.
    pub(crate) fn add_accounts(&self, range: std::ops::Range<usize>) {
        match &self.side {
            Side::Slack(slack) => slack.add_accounts(range),
            Side::Discord(discord) => discord.add_accounts(range),
        }
    }

    /// Person `n` runs `/review` with `text` as Slack people type it, people named `@1`;
    /// on Discord, as the subcommand and its options.
    pub(crate) async fn review(&mut self, n: usize, text: &str) -> Outcome {
        match &mut self.side {
            Side::Slack(slack) => slack.mentioning(&self.db, n, "/review", text).await,
            Side::Discord(discord) => discord.review(n, text).await,
        }
    }

    /// Person `n` runs `/rhythm cycle` with `text` (`threshold "2026 H2" 3`), people named
    /// `@1`; on Discord, as the `cycle` group's subcommand and its options.
    pub(crate) async fn cycle(&mut self, n: usize, text: &str) -> Outcome {
        match &mut self.side {
            Side::Slack(slack) => {
                let text = format!("cycle {text}");
                slack.mentioning(&self.db, n, "/rhythm", &text).await
            }
            Side::Discord(discord) => discord.cycle(n, text).await,
        }
    }

    /// Person `n` presses the button labelled `label` on their newest DM.
    pub(crate) async fn press_labelled(&mut self, n: usize, label: &str) -> Outcome {
        match &mut self.side {
            Side::Slack(slack) => slack.press_labelled(&self.db, n, label).await,
            Side::Discord(discord) => discord.press_labelled(n, label).await,
        }
    }

    /// Person `n` writes a message in the team channel (Rhythm does not see it).
    pub(crate) fn post(&mut self, n: usize) -> Post {
        match &mut self.side {
            Side::Slack(slack) => slack.post(n),
            Side::Discord(discord) => discord.post(n),
        }
    }

    /// Person `n` puts `emoji` on `post`, and is told this.
    pub(crate) async fn react(&mut self, n: usize, post: &Post, emoji: Emoji) -> String {
        self.reaction(n, post, emoji, true)
            .await
            .unwrap_or_else(|| panic!("person {n} is told nothing about their reaction"))
    }

    /// Person `n` puts `emoji` on `post`, and is told nothing.
    pub(crate) async fn react_unanswered(&mut self, n: usize, post: &Post, emoji: Emoji) {
        let told = self.reaction(n, post, emoji, false).await;
        assert_eq!(told, None, "person {n}'s reaction is answered");
    }

    /// The platform delivers person `n`'s last reaction again (Slack's retry with the same
    /// event id; Discord's replay after a resume): nobody is told anything.
    pub(crate) async fn redeliver_reaction(&mut self, n: usize) {
        let told = match &mut self.side {
            Side::Slack(slack) => slack.redeliver_reaction(&self.db, n).await,
            Side::Discord(discord) => discord.redeliver_reaction(n, false).await,
        };
        assert_eq!(told, None, "a redelivered reaction is answered");
    }

    async fn reaction(
        &mut self,
        n: usize,
        post: &Post,
        emoji: Emoji,
        answered: bool,
    ) -> Option<String> {
        match &mut self.side {
            Side::Slack(slack) => slack.react(&self.db, n, post, emoji).await,
            Side::Discord(discord) => discord.react(n, post, emoji, answered).await,
        }
    }

    /// Person `n` picks *Give kudos for this* on `post`.
    pub(crate) async fn shortcut(&mut self, n: usize, post: &Post) -> Outcome {
        match &mut self.side {
            Side::Slack(slack) => slack.shortcut(&self.db, n, post).await,
            Side::Discord(discord) => discord.shortcut(n, post).await,
        }
    }

    /// Posts the kudos announcements due; how many were posted.
    pub(crate) async fn post_notices(&self) -> u32 {
        match &self.side {
            Side::Slack(slack) => slack.post_notices(&self.db).await,
            Side::Discord(discord) => discord.post_notices(&self.db).await,
        }
    }

    /// The kudos channel's messages, oldest first.
    pub(crate) fn kudos_channel(&self) -> Vec<Shown> {
        match &self.side {
            Side::Slack(slack) => slack.kudos_channel(),
            Side::Discord(discord) => discord.kudos_channel(),
        }
    }

    /// Applies a policy file holding the daily check-in and `kudos` (the `[kudos]` table's
    /// keys and values), announcing in this platform's kudos channel.
    pub(crate) async fn kudos_policy(&self, kudos: &str) {
        let channel = match &self.side {
            Side::Slack(_) => format!("slack_channel = \"{}\"", crate::slack::KUDOS_CHANNEL),
            Side::Discord(_) => {
                format!("discord_channel = \"{}\"", crate::discord::KUDOS_CHANNEL)
            }
        };
        let policy = format!(
            "{}\n[kudos]\n{channel}\n{kudos}\n",
            crate::org::DAILY_CHECK_IN
        );
        crate::org::apply(&self.db, &policy).await;
    }

    /// Sets who manages whom and the teams: `(person, manager, team)`.
    pub(crate) async fn organise(&self, rows: &[(usize, Option<usize>, &str)]) {
        let rows: Vec<_> = rows
            .iter()
            .map(|&(n, manager, team)| (n, manager, team, "employee"))
            .collect();
        self.organise_with_roles(&rows).await;
    }

    /// Sets who manages whom, the teams and the roles: `(person, manager, team, role)`.
    pub(crate) async fn organise_with_roles(&self, rows: &[(usize, Option<usize>, &str, &str)]) {
        let (column, account): (&str, fn(usize) -> String) = match &self.side {
            Side::Slack(_) => ("slack_user_id", crate::slack::uid),
            Side::Discord(_) => ("discord_user_id", crate::discord::did),
        };
        let mut csv = format!("email,name,timezone,{column},manager_email,team,role\n");
        for &(n, manager, team, role) in rows {
            let manager = manager.map(|m| format!("p{m}@x.com")).unwrap_or_default();
            csv.push_str(&format!(
                "p{n}@x.com,Person {n},UTC,{},{manager},{team},{role}\n",
                account(n)
            ));
        }
        self.db.import(&csv).await;
    }

    /// Applies the policy file `text`.
    pub(crate) async fn policy(&self, text: &str) {
        crate::org::apply(&self.db, text).await;
    }

    /// One number from the database.
    pub(crate) async fn count(&self, sql: &str) -> i64 {
        self.db.count(sql).await
    }

    /// Person `n`'s newest check-in, as stored.
    pub(crate) async fn checkin_of(&self, n: usize) -> CheckIn {
        let id = self
            .db
            .count(&format!(
                "SELECT MAX(c.id) FROM checkins c JOIN people p ON p.id = c.person_id \
                 WHERE p.email = 'p{n}@x.com'"
            ))
            .await;
        self.db.store.checkin(CheckInId(id)).await.unwrap().unwrap()
    }

    /// How many check-ins person `n` has.
    pub(crate) async fn checkins_of(&self, n: usize) -> i64 {
        self.db
            .count(&format!(
                "SELECT COUNT(*) FROM checkins c JOIN people p ON p.id = c.person_id \
                 WHERE p.email = 'p{n}@x.com'"
            ))
            .await
    }

    /// Person `n` as stored.
    pub(crate) async fn person(&self, n: usize) -> Person {
        let people = self
            .db
            .store
            .people(&PeopleFilter::default())
            .await
            .unwrap();
        people
            .into_iter()
            .find(|person| person.email.as_str() == format!("p{n}@x.com"))
            .unwrap_or_else(|| panic!("no person {n}"))
    }

    /// Everything Rhythm asked of the platform went through: each Web API call was `ok`
    /// and each envelope acked (Slack); each call answered without an error and within
    /// Discord's spec (Discord).
    pub(crate) async fn check_platform(&self) {
        match &self.side {
            Side::Slack(slack) => slack.check().await,
            Side::Discord(discord) => discord.check(),
        }
    }
}

impl Drop for Chat {
    fn drop(&mut self) {
        self.shutdown.cancel();
    }
}

/// Serves `router` on a free port of 127.0.0.1 until `shutdown`; its base URL.
pub(crate) async fn serve(router: axum::Router, shutdown: &CancellationToken) -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let stop = shutdown.clone().cancelled_owned();
    tokio::spawn(async move {
        axum::serve(listener, router)
            .with_graceful_shutdown(stop)
            .await
    });
    url
}
