//! The bot's own user, its application, and application commands.

use rhythm_testing::discord::{FakeDiscord, spec};
use serde_json::json;

use super::{Api, json_fixture};

#[tokio::test]
async fn the_bot_and_its_application_are_what_the_spec_describes() {
    let fake = FakeDiscord::start().await;
    let api = Api::new(&fake);

    let me = api.get("/users/@me").await;
    assert_eq!(me.body["id"], FakeDiscord::BOT_USER_ID);
    assert_eq!(me.body["bot"], true);
    assert_eq!(
        spec::check_response("GET /users/@me", 200, &me.body),
        Vec::<String>::new()
    );

    let app = api.get("/oauth2/applications/@me").await;
    assert_eq!(app.body["id"], FakeDiscord::APPLICATION_ID);
    assert_eq!(app.body["verify_key"], FakeDiscord::PUBLIC_KEY_HEX);
    assert!(app.body["flags"].is_u64());
    let violations = spec::check_response("GET /oauth2/applications/@me", 200, &app.body);
    assert_eq!(violations, Vec::<String>::new());

    let gateway = api.get("/gateway/bot").await;
    let violations = spec::check_response("GET /gateway/bot", 200, &gateway.body);
    assert_eq!(violations, Vec::<String>::new());
}

#[tokio::test]
async fn application_commands_are_overwritten_keeping_ids_and_listed() {
    let fake = FakeDiscord::start().await;
    let api = Api::new(&fake);
    let app = FakeDiscord::APPLICATION_ID;
    let blep = json_fixture("discord-api-docs/command_definition_slash_blep.json");
    let checkin = json!({"name": "checkin", "description": "Start your check-in", "type": 1,
        "default_member_permissions": null, "contexts": [0, 1], "integration_types": [0]});

    let first = api
        .put(
            &format!("/applications/{app}/commands"),
            &json!([blep, checkin]),
        )
        .await;
    let second = api
        .put(&format!("/applications/{app}/commands"), &json!([checkin]))
        .await;

    assert_eq!(first.status, 200, "{first:?}");
    assert_eq!(first.body[0]["name"], "blep");
    assert_eq!(first.body[0]["options"], blep["options"]);
    assert_eq!(first.body[1]["application_id"], app);
    assert_eq!(
        second.body[0]["id"], first.body[1]["id"],
        "same name, same id"
    );
    assert_eq!(
        fake.global_commands(),
        second.body.as_array().unwrap().clone()
    );
    assert_eq!(
        spec::check_response(
            "PUT /applications/{application_id}/commands",
            200,
            &second.body
        ),
        Vec::<String>::new()
    );
    let listed = api.get(&format!("/applications/{app}/commands")).await;
    assert_eq!(listed.body, second.body);
    assert!(
        fake.spec_violations().is_empty(),
        "{:?}",
        fake.spec_violations()
    );

    let guild = FakeDiscord::GUILD_ID;
    let in_guild = api
        .put(
            &format!("/applications/{app}/guilds/{guild}/commands"),
            &json!([checkin]),
        )
        .await;
    assert_eq!(in_guild.body[0]["guild_id"], guild);
    assert_eq!(fake.guild_commands(guild).len(), 1);
    assert_eq!(fake.global_commands().len(), 1);
    let listed = api
        .get(&format!("/applications/{app}/guilds/{guild}/commands"))
        .await;
    assert_eq!(listed.body, in_guild.body);

    let other_guild = api
        .put(
            &format!("/applications/{app}/guilds/1/commands"),
            &json!([checkin]),
        )
        .await;
    assert_eq!(
        (other_guild.status, other_guild.body["code"].clone()),
        (403, json!(50001))
    );
    let bad = api
        .put(
            &format!("/applications/{app}/commands"),
            &json!([{"name": "Check In", "description": "x"}]),
        )
        .await;
    assert_eq!(bad.status, 400);
    assert_eq!(
        bad.body["errors"]["0"]["name"]["_errors"][0]["code"],
        "APPLICATION_COMMAND_INVALID_NAME"
    );
    assert_eq!(
        fake.global_commands().len(),
        1,
        "a refused overwrite changes nothing"
    );
    let not_a_list = api
        .put(&format!("/applications/{app}/commands"), &json!({}))
        .await;
    assert_eq!(not_a_list.body["code"], 50035);
}
