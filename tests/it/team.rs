//! `rhythm team`: where each team's digests go, set from the terminal with its mistakes
//! caught there.

use crate::support::Rhythm;

#[tokio::test]
async fn a_teams_digest_channel_is_set_listed_and_cleared_and_bad_ids_are_refused() {
    let rhythm = Rhythm::new().await;
    let people = "email,name,team\nana@x.com,Ana,Platform\nben@x.com,Ben,Platform\n";
    assert_eq!(rhythm.import(people, &[]).code, 0);

    let set = rhythm.run(&["team", "channel", "platform", "--slack", "C0123ABCDEF"]);
    assert_eq!(set.code, 0, "{}", set.stderr);
    assert!(
        set.stdout.contains("now go to slack channel C0123ABCDEF"),
        "{}",
        set.stdout
    );

    let listed = rhythm.run(&["team", "list", "--json"]);
    assert_eq!(listed.code, 0, "{}", listed.stderr);
    let teams: serde_json::Value = serde_json::from_str(&listed.stdout).unwrap();
    assert_eq!(
        teams,
        serde_json::json!([{ "team": "Platform", "members": 2, "channels": { "slack": "C0123ABCDEF" } }])
    );
    let table = rhythm.run(&["team", "list"]);
    assert!(
        table.stdout.contains("slack C0123ABCDEF"),
        "{}",
        table.stdout
    );

    for (args, says) in [
        (vec!["--slack", "#general"], "is not a Slack channel id"),
        (vec!["--discord", "general"], "is not a Discord channel id"),
        (
            vec!["--slack", "C0123ABCDEF", "--clear", "slack"],
            "contradict",
        ),
        (vec![], "nothing to change"),
    ] {
        let mut command = vec!["team", "channel", "Platform"];
        command.extend(args);
        let refused = rhythm.run(&command);
        assert_eq!(refused.code, 2, "{command:?}");
        assert!(
            refused.stderr.contains(says),
            "{command:?}: {}",
            refused.stderr
        );
    }
    let unknown = rhythm.run(&["team", "channel", "Nobody", "--slack", "C0123ABCDEF"]);
    assert_eq!(unknown.code, 2);
    assert!(
        unknown.stderr.contains("there is no team `Nobody`"),
        "{}",
        unknown.stderr
    );

    let cleared = rhythm.run(&["team", "channel", "Platform", "--clear", "slack"]);
    assert_eq!(cleared.code, 0, "{}", cleared.stderr);
    assert_eq!(
        rhythm.db.count("SELECT COUNT(*) FROM team_channels").await,
        0
    );
    assert_eq!(
        rhythm
            .db
            .count("SELECT COUNT(*) FROM audit_log WHERE action = 'team.channel'")
            .await,
        2
    );
}
