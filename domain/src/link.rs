//! Linking a chat account to a person, from chat: `/rhythm link ana@example.com` asks, and a
//! one-time code goes to that person's other chat account, or to HR when they have none;
//! `/rhythm link 123456` from the asking account redeems it.
//!
//! - Whoever asks gets the same answer whether or not the email is in Rhythm, so a server
//!   shared with outsiders cannot be used to list the staff.
//! - Codes are six digits, work once, for [`CODE_LIFETIME`], and for [`MAX_TRIES`] tries;
//!   only their hash is stored, salted with the asking account, so a code is no use to any
//!   other account.
//! - An account asks at most once per [`ASK_GAP`], so nobody can flood a person's DMs.
//! - HR links directly with `rhythm people link EMAIL --discord ID` ([`Links::link_account`]).

use chrono::{DateTime, Duration, Utc};
use rand::Rng as _;

use crate::chat::{Block, Message, Reply};
use crate::people::{Email, Person, PersonId, Platform, Role};
use crate::ports::{
    Account, Directory, LinkCode, Linked, Links, Notify, PeopleFilter, Redeemed, StoreError,
};

/// How long a code works.
pub const CODE_LIFETIME: Duration = Duration::minutes(15);
/// How many wrong tries a code survives.
pub const MAX_TRIES: u32 = 5;
/// How long an account waits between asking for codes.
pub const ASK_GAP: Duration = Duration::minutes(1);

/// `/rhythm link …`: ask for a code, or redeem one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LinkCommand {
    /// `/rhythm link EMAIL`.
    Ask(Email),
    /// `/rhythm link CODE`.
    Redeem(String),
}

/// Reads the word after `link`: six digits are a code, anything else must be an email
/// (Slack's `<mailto:a@b.c|a@b.c>` included).
pub fn parse(word: &str) -> Result<LinkCommand, String> {
    let digits: String = word.chars().filter(|c| !matches!(c, '-' | ' ')).collect();
    if !digits.is_empty() && digits.chars().all(|c| c.is_ascii_digit()) {
        return if digits.len() == 6 {
            Ok(LinkCommand::Redeem(digits))
        } else {
            Err(format!(
                "`{word}` is not a code: codes are six digits, such as `/rhythm link 123456`."
            ))
        };
    }
    let email = word
        .strip_prefix("<mailto:")
        .and_then(|rest| rest.strip_suffix('>'))
        .map_or(word, |link| link.split('|').next().unwrap_or(link));
    Email::parse(email)
        .map(LinkCommand::Ask)
        .map_err(|invalid| {
            format!("{invalid}. Give your work email, such as `/rhythm link ana@example.com`.")
        })
}

/// Runs `command` for `account`, which may belong to nobody yet.
pub async fn run<S: Directory + Links, N: Notify>(
    store: &S,
    notify: &N,
    account: &Account,
    command: &LinkCommand,
    now: DateTime<Utc>,
) -> Result<Reply, StoreError> {
    match command {
        LinkCommand::Ask(email) => ask(store, notify, account, email, now).await,
        LinkCommand::Redeem(code) => redeem(store, account, code, now).await,
    }
}

/// The SHA-256 (hex) of `code` salted with the account it was made for.
pub fn hash(account: &Account, code: &str) -> String {
    let digest = ring::digest::digest(
        &ring::digest::SHA256,
        format!("{account}:{code}").as_bytes(),
    );
    digest
        .as_ref()
        .iter()
        .map(|byte| format!("{byte:02x}"))
        .collect()
}

async fn ask<S: Directory + Links, N: Notify>(
    store: &S,
    notify: &N,
    account: &Account,
    email: &Email,
    now: DateTime<Utc>,
) -> Result<Reply, StoreError> {
    if let Some(holder) = holder(store, account.platform, account.user.as_str(), false).await? {
        return Ok(Reply::Private(format!(
            "This {} account is linked to {} already.",
            account.platform.name(),
            holder.email
        )));
    }
    let answer = Reply::Private(format!(
        "If {email} is in Rhythm, a one-time code is on its way to that person's other chat \
         account, or to HR if they have none. Send it here as `/rhythm link 123456` within \
         {} minutes. If no code comes, HR can link you with \
         `rhythm people link {email} --{} {}`.",
        CODE_LIFETIME.num_minutes(),
        account.platform,
        account.user.as_str(),
    ));
    let Some(person) = crate::command::active_by_email(store, email).await? else {
        tracing::info!(account = %account, "a link asked for an email that is not in Rhythm");
        return Ok(answer);
    };
    let code = format!("{:06}", rand::rng().random_range(0..1_000_000));
    let saved = store
        .save_link_code(
            &LinkCode {
                account: account.clone(),
                person: person.id,
                code_hash: hash(account, &code),
                created_at: now,
                expires_at: now + CODE_LIFETIME,
            },
            now - ASK_GAP,
        )
        .await?;
    if !saved {
        tracing::info!(account = %account, "a link code was asked for again within a minute; the first one stands");
        return Ok(answer);
    }
    let sent_to = deliver(store, notify, account, &person, &code).await?;
    tracing::info!(account = %account, person.id = person.id.0, sent_to, "a link code was sent");
    Ok(answer)
}

/// Sends `code` to `person`'s accounts on other platforms, else to HR; says to whom.
async fn deliver<S: Directory, N: Notify>(
    store: &S,
    notify: &N,
    account: &Account,
    person: &Person,
    code: &str,
) -> Result<&'static str, StoreError> {
    let platform = account.platform.name();
    let user = account.user.as_str();
    let minutes = CODE_LIFETIME.num_minutes();
    let to_them = message(
        "Link your chat account",
        format!(
            "Someone on {platform} (user {user}) asked to link that account to your Rhythm \
             profile. If it was you, send `/rhythm link {code}` there within {minutes} \
             minutes. If it was not, ignore this: nothing changes without the code."
        ),
    );
    let mut sent = false;
    for identity in &person.identities {
        if identity.platform != account.platform {
            sent |= sent_or_logged(notify, identity.platform, person.id, &to_them).await;
        }
    }
    if sent {
        return Ok("their other account");
    }
    let to_hr = message(
        "A chat account asks to be linked",
        format!(
            "{platform} user {user} asks to be linked to {} ({}), who has no other chat \
             account Rhythm can reach. If you have checked that it is them, give them this \
             code: **{code}**. It works once, for {minutes} minutes. Otherwise ignore this: \
             nothing changes without the code.",
            person.name, person.email
        ),
    );
    let everyone = store
        .people(&PeopleFilter {
            active_only: true,
            ..PeopleFilter::default()
        })
        .await?;
    for hr in everyone
        .iter()
        .filter(|p| p.role == Role::HrAdmin && p.id != person.id)
    {
        // One account each: their first one that takes the message.
        for identity in &hr.identities {
            if sent_or_logged(notify, identity.platform, hr.id, &to_hr).await {
                sent = true;
                break;
            }
        }
    }
    Ok(if sent { "hr" } else { "nobody" })
}

async fn sent_or_logged<N: Notify>(
    notify: &N,
    platform: Platform,
    person: PersonId,
    message: &Message,
) -> bool {
    match notify.notify(platform, person, message).await {
        Ok(()) => true,
        Err(error) => {
            tracing::info!(person.id = person.0, platform = %platform, error = %error, "could not send a link code there");
            false
        }
    }
}

async fn redeem<S: Directory + Links>(
    store: &S,
    account: &Account,
    code: &str,
    now: DateTime<Utc>,
) -> Result<Reply, StoreError> {
    let ask_again = "Ask for a new one with `/rhythm link you@example.com`.";
    let text = match store
        .redeem_link_code(account, &hash(account, code), MAX_TRIES, now)
        .await?
    {
        Redeemed::Linked(Linked::Now { person, .. } | Linked::Already(person)) => {
            let filter = PeopleFilter {
                id: Some(person),
                ..PeopleFilter::default()
            };
            let who = store.people(&filter).await?.into_iter().next();
            let who = who.map_or_else(String::new, |p| format!(" to {} ({})", p.name, p.email));
            format!(
                "Linked: this {} account belongs{who} in Rhythm now. Set your time zone with \
                 `/rhythm timezone Europe/Berlin` if reminders should follow another one.",
                account.platform.name()
            )
        }
        Redeemed::Linked(Linked::Taken(_)) => {
            "This account belongs to someone else in Rhythm; ask HR to sort it out.".to_owned()
        }
        Redeemed::Wrong { tries_left: 0 } => {
            format!("That is not the code, and it was the last try. {ask_again}")
        }
        Redeemed::Wrong { tries_left } => {
            format!("That is not the code: {tries_left} more tries before it stops working.")
        }
        Redeemed::NoCode => format!(
            "No code is waiting for this account (codes work for {} minutes). {ask_again}",
            CODE_LIFETIME.num_minutes()
        ),
    };
    Ok(Reply::Private(text))
}

/// The person `user` on `platform` is (active ones only, if `active_only`).
pub async fn holder<S: Directory>(
    store: &S,
    platform: Platform,
    user: &str,
    active_only: bool,
) -> Result<Option<Person>, StoreError> {
    let filter = PeopleFilter {
        chat_user: Some((platform, user.to_owned())),
        active_only,
        ..PeopleFilter::default()
    };
    Ok(store.people(&filter).await?.into_iter().next())
}

fn message(title: &str, text: String) -> Message {
    Message {
        summary: title.to_owned(),
        blocks: vec![Block::Header(title.to_owned()), Block::Text(text)],
    }
}

#[cfg(test)]
mod tests;
