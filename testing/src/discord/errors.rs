//! Discord's JSON errors: `{"code": N, "message": "…"}`, and for a bad form body (code 50035)
//! the `errors` tree that names each field, array indices as keys:
//! `{"components": {"0": {"components": {"_errors": [{"code": …, "message": …}]}}}}`.

use axum::http::StatusCode;
use serde_json::{Map, Value, json};

/// An error answer: a status and Discord's JSON body.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct DiscordError {
    pub(crate) status: StatusCode,
    pub(crate) body: Value,
}

/// One step of a path into a request body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Step {
    Key(&'static str),
    Index(usize),
}

/// One field that broke a rule: where, Discord's error code for it, and its message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct FieldError {
    pub(crate) path: Vec<Step>,
    pub(crate) code: &'static str,
    pub(crate) message: String,
}

impl FieldError {
    /// A string or list longer than `max`: `BASE_TYPE_MAX_LENGTH`.
    pub(crate) fn too_long(path: Vec<Step>, max: usize) -> Self {
        Self {
            path,
            code: "BASE_TYPE_MAX_LENGTH",
            message: format!("Must be {max} or fewer in length."),
        }
    }

    /// A required field left out: `BASE_TYPE_REQUIRED`.
    pub(crate) fn required(path: Vec<Step>) -> Self {
        Self {
            path,
            code: "BASE_TYPE_REQUIRED",
            message: "This field is required".to_owned(),
        }
    }
}

impl DiscordError {
    pub(crate) fn new(status: StatusCode, code: u32, message: &str) -> Self {
        Self {
            status,
            body: json!({"message": message, "code": code}),
        }
    }

    /// 400 code 50035 `Invalid Form Body`, with the `errors` tree.
    pub(crate) fn form(errors: &[FieldError]) -> Self {
        let mut tree = Value::Object(Map::new());
        for error in errors {
            let mut node = &mut tree;
            for step in &error.path {
                let key = match step {
                    Step::Key(key) => (*key).to_owned(),
                    Step::Index(index) => index.to_string(),
                };
                if !node.is_object() {
                    *node = json!({});
                }
                node = &mut node[key.as_str()];
            }
            let entry = json!({"code": error.code, "message": error.message});
            if !node.is_object() {
                *node = json!({});
            }
            match node["_errors"].as_array_mut() {
                Some(list) => list.push(entry),
                None => node["_errors"] = json!([entry]),
            }
        }
        Self {
            status: StatusCode::BAD_REQUEST,
            body: json!({"code": 50035, "errors": tree, "message": "Invalid Form Body"}),
        }
    }

    /// 401 code 0: no token, or not the bot's.
    pub(crate) fn unauthorized() -> Self {
        Self::new(StatusCode::UNAUTHORIZED, 0, "401: Unauthorized")
    }

    /// 404 code 0: no such route.
    pub(crate) fn no_route() -> Self {
        Self::new(StatusCode::NOT_FOUND, 0, "404: Not Found")
    }

    /// 405 code 0: a known path with another method.
    pub(crate) fn wrong_method() -> Self {
        Self::new(StatusCode::METHOD_NOT_ALLOWED, 0, "405: Method Not Allowed")
    }

    /// 400 code 50109: the body is not JSON.
    pub(crate) fn invalid_json() -> Self {
        Self::new(
            StatusCode::BAD_REQUEST,
            50109,
            "The request body contains invalid JSON.",
        )
    }

    /// 404 code 10003.
    pub(crate) fn unknown_channel() -> Self {
        Self::new(StatusCode::NOT_FOUND, 10003, "Unknown Channel")
    }

    /// 404 code 10008.
    pub(crate) fn unknown_message() -> Self {
        Self::new(StatusCode::NOT_FOUND, 10008, "Unknown Message")
    }

    /// 404 code 10015: an unknown application id or interaction token in a webhook route,
    /// or a follow-up before the interaction was answered.
    pub(crate) fn unknown_webhook() -> Self {
        Self::new(StatusCode::NOT_FOUND, 10015, "Unknown Webhook")
    }

    /// 401 code 50027: an interaction token older than 15 minutes.
    pub(crate) fn invalid_webhook_token() -> Self {
        Self::new(StatusCode::UNAUTHORIZED, 50027, "Invalid Webhook Token")
    }

    /// 404 code 10062: an interaction the fake never sent, a wrong token, or too late.
    pub(crate) fn unknown_interaction() -> Self {
        Self::new(StatusCode::NOT_FOUND, 10062, "Unknown interaction")
    }

    /// 400 code 40060: a second callback for one interaction.
    pub(crate) fn already_acknowledged() -> Self {
        Self::new(
            StatusCode::BAD_REQUEST,
            40060,
            "Interaction has already been acknowledged.",
        )
    }

    /// 403 code 50007: the person takes no DMs from the bot.
    pub(crate) fn cannot_dm() -> Self {
        Self::new(
            StatusCode::FORBIDDEN,
            50007,
            "Cannot send messages to this user",
        )
    }

    /// 400 code 50006: no content, no components (nor embeds, files, stickers, poll).
    pub(crate) fn empty_message() -> Self {
        Self::new(
            StatusCode::BAD_REQUEST,
            50006,
            "Cannot send an empty message",
        )
    }

    /// 403 code 50001: a guild or application the bot has no access to.
    pub(crate) fn missing_access() -> Self {
        Self::new(StatusCode::FORBIDDEN, 50001, "Missing Access")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn form_errors_nest_by_field_and_index() {
        let errors = [
            FieldError::too_long(vec![Step::Key("content")], 2000),
            FieldError::too_long(
                vec![
                    Step::Key("components"),
                    Step::Index(0),
                    Step::Key("components"),
                ],
                5,
            ),
        ];
        let error = DiscordError::form(&errors);
        assert_eq!(error.status, StatusCode::BAD_REQUEST);
        assert_eq!(
            error.body,
            json!({
                "code": 50035,
                "message": "Invalid Form Body",
                "errors": {
                    "content": {"_errors": [{"code": "BASE_TYPE_MAX_LENGTH", "message": "Must be 2000 or fewer in length."}]},
                    "components": {"0": {"components": {"_errors": [{"code": "BASE_TYPE_MAX_LENGTH", "message": "Must be 5 or fewer in length."}]}}},
                },
            })
        );
    }
}
