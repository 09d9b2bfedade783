//! The read-mostly routes: the gateway URL, the bot user, the application, and application
//! commands (bulk overwrite and list, global and per guild).

use std::collections::HashSet;

use serde_json::{Value, json};

use super::FakeDiscord;
use super::errors::{DiscordError, FieldError, Step};
use super::rest::{Answer, Request};
use super::routes;
use super::snowflake::next_snowflake;
use super::state::{State, bot_user_json, text, user_json};

/// The application's flags: `APPLICATION_COMMAND_BADGE` and `GATEWAY_MESSAGE_CONTENT_LIMITED`,
/// as a verified-free bot with commands has.
pub(crate) const APPLICATION_FLAGS: u64 = (1 << 23) | (1 << 19);

/// The application's owner.
const OWNER_ID: &str = "1170000000000000050";

pub(crate) fn answer(state: &mut State, request: &Request<'_>) -> Answer {
    match request.matched.route {
        routes::GET_GATEWAY => Ok(Some(json!({"url": request.gateway_url}))),
        routes::GET_GATEWAY_BOT => Ok(Some(json!({
            "url": request.gateway_url,
            "shards": 1,
            "session_start_limit": {
                "total": 1000,
                "remaining": 999,
                "reset_after": 14_400_000,
                "max_concurrency": 1,
            },
        }))),
        routes::GET_ME => Ok(Some(me())),
        routes::GET_APPLICATION => Ok(Some(application())),
        routes::PUT_GLOBAL_COMMANDS | routes::PUT_GUILD_COMMANDS => overwrite(state, request),
        routes::GET_GLOBAL_COMMANDS | routes::GET_GUILD_COMMANDS => {
            let guild_id = guild_of(request)?;
            let commands = match guild_id {
                None => state.global_commands.clone(),
                Some(guild) => state.guild_commands.get(guild).cloned().unwrap_or_default(),
            };
            Ok(Some(Value::Array(commands)))
        }
        _ => Err(DiscordError::no_route()),
    }
}

/// `GET /users/@me` for a bot: the user with the private fields (`UserPIIResponse`).
fn me() -> Value {
    let mut me = bot_user_json();
    me["mfa_enabled"] = json!(true);
    me["locale"] = json!("en-US");
    me["premium_type"] = json!(0);
    me["email"] = Value::Null;
    me["verified"] = json!(true);
    me
}

/// `GET /oauth2/applications/@me` (`PrivateApplicationResponse`).
fn application() -> Value {
    json!({
        "id": FakeDiscord::APPLICATION_ID,
        "name": FakeDiscord::BOT_USERNAME,
        "icon": null,
        "description": "Check-ins, kudos and reviews, on a rhythm.",
        "type": null,
        "bot": bot_user_json(),
        "rpc_origins": [],
        "bot_public": false,
        "bot_require_code_grant": false,
        "verify_key": FakeDiscord::PUBLIC_KEY_HEX,
        "flags": APPLICATION_FLAGS,
        "flags_new": APPLICATION_FLAGS.to_string(),
        "redirect_uris": [],
        "interactions_endpoint_url": null,
        "role_connections_verification_url": null,
        "owner": user_json(OWNER_ID, "rhythm.owner", Some("Rhythm Owner"), false),
        "approximate_guild_count": 1,
        "approximate_user_install_count": 0,
        "approximate_user_authorization_count": 0,
        "explicit_content_filter": 0,
        "team": null,
        "eligible_oauth2_scopes": [],
    })
}

/// The guild of a guild route (which must be the fake's guild), or `None` for a global one.
fn guild_of<'a>(request: &'a Request<'_>) -> Result<Option<&'a str>, DiscordError> {
    if request.matched.param("application_id") != FakeDiscord::APPLICATION_ID {
        return Err(DiscordError::missing_access());
    }
    let guild_id = request.matched.param("guild_id");
    if guild_id.is_empty() {
        return Ok(None);
    }
    if guild_id != FakeDiscord::GUILD_ID {
        return Err(DiscordError::missing_access());
    }
    Ok(Some(guild_id))
}

/// Bulk overwrite: the list replaces every command; a command keeps its id when one of the
/// same name and type was there.
fn overwrite(state: &mut State, request: &Request<'_>) -> Answer {
    let guild_id = guild_of(request)?;
    let Some(wanted) = request.body.as_array() else {
        return Err(DiscordError::form(&[FieldError {
            path: Vec::new(),
            code: "LIST_TYPE_CONVERT",
            message: "Only iterables may be used in a ListType".to_owned(),
        }]));
    };
    let errors = check_commands(wanted);
    if !errors.is_empty() {
        return Err(DiscordError::form(&errors));
    }
    let existing = match guild_id {
        None => state.global_commands.clone(),
        Some(guild) => state.guild_commands.get(guild).cloned().unwrap_or_default(),
    };
    let stored: Vec<Value> = wanted
        .iter()
        .map(|command| stored_command(command, &existing, guild_id))
        .collect();
    match guild_id {
        None => state.global_commands.clone_from(&stored),
        Some(guild) => {
            state
                .guild_commands
                .insert(guild.to_owned(), stored.clone());
        }
    }
    Ok(Some(Value::Array(stored)))
}

fn stored_command(command: &Value, existing: &[Value], guild_id: Option<&str>) -> Value {
    let kind = command["type"].as_u64().unwrap_or(1);
    let id = existing
        .iter()
        .find(|old| old["name"] == command["name"] && old["type"] == kind)
        .map_or_else(next_snowflake, |old| text(&old["id"]));
    let mut stored = json!({
        "id": id,
        "application_id": FakeDiscord::APPLICATION_ID,
        "version": next_snowflake(),
        "default_member_permissions": command["default_member_permissions"]
            .as_str()
            .map(str::to_owned)
            .or_else(|| command["default_member_permissions"].as_u64().map(|p| p.to_string())),
        "type": kind,
        "name": command["name"],
        "description": command["description"].as_str().unwrap_or_default(),
        "dm_permission": command["dm_permission"].as_bool().unwrap_or(true),
        "contexts": command.get("contexts").cloned().unwrap_or(Value::Null),
        "integration_types": command.get("integration_types").filter(|t| t.is_array()).cloned().unwrap_or(json!([0])),
        "nsfw": command["nsfw"].as_bool().unwrap_or(false),
    });
    for key in ["options", "name_localizations", "description_localizations"] {
        if let Some(value) = command.get(key).filter(|v| !v.is_null()) {
            stored[key] = value.clone();
        }
    }
    if let Some(guild_id) = guild_id {
        stored["guild_id"] = json!(guild_id);
    }
    stored
}

/// What Discord refuses in a command list: a bad name (1–32 characters; for slash commands
/// lowercase word characters only), a slash command without a 1–100 character description, and two
/// commands of one type with the same name.
fn check_commands(commands: &[Value]) -> Vec<FieldError> {
    let mut errors = Vec::new();
    let mut seen = HashSet::new();
    for (i, command) in commands.iter().enumerate() {
        let at = |key: &'static str| vec![Step::Index(i), Step::Key(key)];
        let name = command["name"].as_str().unwrap_or_default();
        let kind = command["type"].as_u64().unwrap_or(1);
        let length = name.chars().count();
        let word = |c: char| c.is_alphanumeric() || "-_'".contains(c);
        // User and message commands (types 2 and 3) may have spaces and capitals.
        let slash_ok = kind != 1 || (name.chars().all(word) && name.to_lowercase() == name);
        if command["name"].is_null() {
            errors.push(FieldError::required(at("name")));
        } else if !(1..=32).contains(&length) || !slash_ok {
            errors.push(FieldError {
                path: at("name"),
                code: "APPLICATION_COMMAND_INVALID_NAME",
                message: "Command name is invalid".to_owned(),
            });
        }
        let description = command["description"].as_str().unwrap_or_default();
        if kind == 1 && !(1..=100).contains(&description.chars().count()) {
            errors.push(FieldError {
                path: at("description"),
                code: "BASE_TYPE_BAD_LENGTH",
                message: "Must be between 1 and 100 in length.".to_owned(),
            });
        }
        if !seen.insert((kind, name.to_owned())) {
            errors.push(FieldError {
                path: at("name"),
                code: "APPLICATION_COMMANDS_DUPLICATE_NAME",
                message: format!("Application command names must be unique: {name}"),
            });
        }
    }
    errors
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_descriptions_and_duplicates_are_checked_like_discord() {
        let commands = [
            json!({"name": "checkin", "description": "Check in", "type": 1}),
            json!({"name": "CheckIn", "description": "Bad case"}),
            json!({"name": "kudos", "description": ""}),
            json!({"name": "checkin", "description": "Again"}),
            json!({"name": "Give Kudos", "type": 2}),
            json!({"name": "give kudos", "description": "Spaces"}),
        ];
        let codes: Vec<(String, &str)> = check_commands(&commands)
            .into_iter()
            .map(|e| (format!("{:?}", e.path[0]), e.code))
            .collect();
        assert_eq!(
            codes,
            [
                ("Index(1)".to_owned(), "APPLICATION_COMMAND_INVALID_NAME"),
                ("Index(2)".to_owned(), "BASE_TYPE_BAD_LENGTH"),
                ("Index(3)".to_owned(), "APPLICATION_COMMANDS_DUPLICATE_NAME"),
                ("Index(5)".to_owned(), "APPLICATION_COMMAND_INVALID_NAME"),
            ]
        );
    }
}
