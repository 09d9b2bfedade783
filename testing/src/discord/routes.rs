//! The REST routes the fake knows, as `"METHOD /template"` (the names tests use), and the
//! matching of a request's method and path (after `/api/v10`) against them.

/// `GET /gateway`: the one route that needs no token.
pub(crate) const GET_GATEWAY: &str = "GET /gateway";
pub(crate) const GET_GATEWAY_BOT: &str = "GET /gateway/bot";
pub(crate) const GET_ME: &str = "GET /users/@me";
pub(crate) const GET_APPLICATION: &str = "GET /oauth2/applications/@me";
pub(crate) const CREATE_DM: &str = "POST /users/@me/channels";
pub(crate) const CREATE_MESSAGE: &str = "POST /channels/{channel_id}/messages";
pub(crate) const EDIT_MESSAGE: &str = "PATCH /channels/{channel_id}/messages/{message_id}";
pub(crate) const CALLBACK: &str = "POST /interactions/{interaction_id}/{token}/callback";
pub(crate) const FOLLOWUP: &str = "POST /webhooks/{application_id}/{token}";
pub(crate) const EDIT_ORIGINAL: &str =
    "PATCH /webhooks/{application_id}/{token}/messages/@original";
pub(crate) const EDIT_FOLLOWUP: &str =
    "PATCH /webhooks/{application_id}/{token}/messages/{message_id}";
pub(crate) const PUT_GLOBAL_COMMANDS: &str = "PUT /applications/{application_id}/commands";
pub(crate) const GET_GLOBAL_COMMANDS: &str = "GET /applications/{application_id}/commands";
pub(crate) const PUT_GUILD_COMMANDS: &str =
    "PUT /applications/{application_id}/guilds/{guild_id}/commands";
pub(crate) const GET_GUILD_COMMANDS: &str =
    "GET /applications/{application_id}/guilds/{guild_id}/commands";

/// Every route, literal segments before parameters where both could match
/// (`@original` before `{message_id}`).
pub(crate) const ROUTES: [&str; 15] = [
    GET_GATEWAY,
    GET_GATEWAY_BOT,
    GET_ME,
    GET_APPLICATION,
    CREATE_DM,
    CREATE_MESSAGE,
    EDIT_MESSAGE,
    CALLBACK,
    FOLLOWUP,
    EDIT_ORIGINAL,
    EDIT_FOLLOWUP,
    PUT_GLOBAL_COMMANDS,
    GET_GLOBAL_COMMANDS,
    PUT_GUILD_COMMANDS,
    GET_GUILD_COMMANDS,
];

/// Panics unless `route` is one of [`ROUTES`]: a test naming a route the fake does not
/// have would otherwise wait for, or count, calls that can never come.
pub(crate) fn expect_known(route: &str) {
    assert!(
        ROUTES.contains(&route),
        "the fake Discord has no route {route:?}; its routes are {ROUTES:#?}"
    );
}

/// Routes whose requests carry a JSON body.
pub(crate) fn has_body(route: &str) -> bool {
    ["POST ", "PATCH ", "PUT "]
        .iter()
        .any(|method| route.starts_with(method))
}

/// Routes authenticated by the interaction token in their path: Discord takes them without
/// an `Authorization` header (but refuses a wrong one).
pub(crate) fn token_authenticated(route: &str) -> bool {
    route.contains("{token}")
}

/// A request matched to a route, with the values of its `{parameters}`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Matched {
    pub(crate) route: &'static str,
    params: Vec<(&'static str, String)>,
}

impl Matched {
    /// The value of `{name}` in the path (empty if the route has no such parameter).
    pub(crate) fn param(&self, name: &str) -> &str {
        self.params
            .iter()
            .find(|(key, _)| *key == name)
            .map_or("", |(_, value)| value.as_str())
    }

    /// What Discord keys a rate-limit bucket on besides the route: its "major parameter"
    /// (channel, guild, webhook or interaction).
    pub(crate) fn major_parameter(&self) -> &str {
        ["channel_id", "guild_id", "token", "interaction_id"]
            .iter()
            .map(|name| self.param(name))
            .find(|value| !value.is_empty())
            .unwrap_or("")
    }
}

/// How a request's method and path (after `/api/v10`) fit the routes.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum RouteMatch {
    Found(Matched),
    /// The path is known, the method is not.
    WrongMethod,
    Unknown,
}

pub(crate) fn match_route(method: &str, path: &str) -> RouteMatch {
    let path = path.trim_end_matches('/');
    let mut path_known = false;
    for route in ROUTES {
        let Some((route_method, template)) = route.split_once(' ') else {
            continue;
        };
        let Some(params) = match_template(template, path) else {
            continue;
        };
        if route_method == method {
            return RouteMatch::Found(Matched { route, params });
        }
        path_known = true;
    }
    if path_known {
        RouteMatch::WrongMethod
    } else {
        RouteMatch::Unknown
    }
}

fn match_template(template: &'static str, path: &str) -> Option<Vec<(&'static str, String)>> {
    let mut wanted = template.split('/');
    let mut given = path.split('/');
    let mut params = Vec::new();
    loop {
        match (wanted.next(), given.next()) {
            (None, None) => return Some(params),
            (Some(want), Some(give)) => {
                if let Some(name) = want.strip_prefix('{').and_then(|w| w.strip_suffix('}')) {
                    if give.is_empty() {
                        return None;
                    }
                    params.push((name, give.to_owned()));
                } else if want != give {
                    return None;
                }
            }
            _ => return None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn literal_segments_win_over_parameters() {
        let RouteMatch::Found(matched) = match_route("PATCH", "/webhooks/1/tok/messages/@original")
        else {
            panic!("no match");
        };
        assert_eq!(matched.route, EDIT_ORIGINAL);
        assert_eq!(matched.param("token"), "tok");
        let RouteMatch::Found(matched) = match_route("PATCH", "/webhooks/1/tok/messages/42") else {
            panic!("no match");
        };
        assert_eq!(matched.route, EDIT_FOLLOWUP);
        assert_eq!(matched.param("message_id"), "42");
    }

    #[test]
    fn a_known_path_with_another_method_is_told_apart_from_an_unknown_one() {
        assert_eq!(
            match_route("DELETE", "/channels/1/messages"),
            RouteMatch::WrongMethod
        );
        assert_eq!(match_route("GET", "/guilds/1"), RouteMatch::Unknown);
        assert_eq!(
            match_route("POST", "/channels//messages"),
            RouteMatch::Unknown
        );
    }
}
