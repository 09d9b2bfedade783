//! Goals scenarios, written once against the driver and run on every transport: goals set
//! from `/goals add` for a person, a team and the company, cascading; every bad input
//! refused with nothing stored; `/goals` and `/goals team`; and the monthly goal review's DM
//! with *Update progress*, whose form records each key result, the status and a comment as a
//! history entry; and a check-in's goal progress question, which records the same.

use chrono::Duration;

use crate::chat::{Chat, Transport};

const UPDATE: &str = "goals:update";
const ADD: &str = "goals:add";
const START: &str = "checkin:start";
/// The new goal form's fields, in order.
const NEW_GOAL: [&str; 5] = ["title", "key_results", "description", "period", "parent"];

/// The org: person 0 is HR, in Platform; 1 a manager in Platform, reporting to 0; 2 in
/// Mobile, reporting to 1.
async fn start(transport: Transport) -> Chat {
    let chat = Chat::start(transport).await;
    chat.organise_with_roles(&[
        (0, None, "Platform", "hr_admin"),
        (1, Some(0), "Platform", "manager"),
        (2, Some(1), "Mobile", "employee"),
    ])
    .await;
    chat
}

async fn goals(chat: &Chat) -> i64 {
    chat.count("SELECT COUNT(*) FROM goals").await
}

/// Person `n` opens the new goal form with `/goals add …` and submits `answers`; what they
/// are told.
async fn add(chat: &mut Chat, n: usize, whose: &str, answers: &[(&str, &str)]) -> String {
    let form = chat.command(n, "/goals", whose).await.form();
    assert_eq!(form.fields, NEW_GOAL);
    chat.submit(n, answers).await.said()
}

/// The company's goal (HR), a team's goal under it (the team's manager), and a person's
/// under that; each refusal a sentence where it came from, with nothing stored; then
/// `/goals` and `/goals team` show them with their progress.
pub(crate) async fn goals_set_from_chat(transport: Transport) {
    let mut chat = start(transport).await;
    let (hr, lead, dev) = (0, 1, 2);
    let said = add(
        &mut chat,
        hr,
        "add company",
        &[
            ("title", "Grow revenue"),
            ("key_results", "ARR: 1000 -> 1500 k€"),
        ],
    )
    .await;
    assert!(
        said.contains("Goal #1 Grow revenue set for 2026-Q1"),
        "{said}"
    );
    let said = add(
        &mut chat,
        lead,
        "add team Platform",
        &[
            ("title", "Ship the new onboarding"),
            (
                "key_results",
                "Teams onboarded: 0 -> 20 teams\np99 latency: 300 down to 150 ms",
            ),
            ("parent", "#1"),
        ],
    )
    .await;
    assert!(said.contains("#2 Ship the new onboarding"), "{said}");
    assert!(said.contains("2 key results"), "{said}");
    let said = add(
        &mut chat,
        dev,
        "add",
        &[("title", "Learn Rust"), ("parent", "2")],
    )
    .await;
    assert!(said.contains("#3 Learn Rust"), "{said}");
    assert!(said.contains("done/not done"), "{said}");
    assert_eq!(goals(&chat).await, 3);
    assert_eq!(
        chat.count("SELECT COUNT(*) FROM goals WHERE parent_id IS NOT NULL")
            .await,
        2,
        "they cascade"
    );

    // Bad input in the form: the form stays open with the reason, and nothing is stored.
    let refusals: [(&[(&str, &str)], &str); 5] = [
        (
            &[
                ("title", "More promoters"),
                ("key_results", "NPS: 40 -> 30"),
            ],
            "must be above its start",
        ),
        (
            &[("title", "Old news"), ("period", "2025-Q4")],
            "2025-Q4 has ended",
        ),
        (
            &[("title", "Orphan"), ("parent", "#99")],
            "There is no goal #99",
        ),
        (&[("title", "ab")], "at least 3 characters"),
        (
            &[("title", "Vague"), ("key_results", "Teams: lots -> 20")],
            "`lots` is not a number",
        ),
    ];
    for (answers, expected) in refusals {
        chat.command(dev, "/goals", "add").await.form();
        let refused = chat.submit(dev, answers).await.refused();
        assert!(refused.contains(expected), "{answers:?}: {refused}");
    }
    // Goals that are not theirs to set: told so, no form.
    let refused = [
        (dev, "add company", "Only HR sets the company's goals"),
        (lead, "add team Mobile", "Only Mobile's managers and HR"),
        (hr, "add team Nowhere", "There is no team called Nowhere"),
    ];
    for (n, text, expected) in refused {
        let said = chat.command(n, "/goals", text).await.private();
        assert!(said.contains(expected), "{text}: {said}");
    }
    assert_eq!(goals(&chat).await, 3, "no bad input stored anything");

    let mine = chat.command(dev, "/goals", "mine").await.private();
    for expected in [
        "Your goals · 2026-Q1",
        "#3 Learn Rust",
        "On track",
        "0%",
        "Not done yet",
        "contributes to #2 Ship the new onboarding",
        "2026-Q1 ends on Tue 31 Mar (29 days)",
    ] {
        assert!(mine.contains(expected), "{expected}: {mine}");
    }
    let team = chat.command(lead, "/goals", "team").await.private();
    for expected in [
        "Team Platform",
        "#2 Ship the new onboarding",
        "Person 2",
        "#3 Learn Rust",
    ] {
        assert!(team.contains(expected), "{expected}: {team}");
    }
    assert!(!team.contains("Grow revenue"), "{team}");
    chat.check_platform().await;
}

/// The first Monday's goal review DMs each person their goals with *Update* buttons (or
/// says they have none); *Update* opens a form filled with where the goal stands; a value
/// that is not a number is refused with nothing stored; a good one is stored as a history
/// entry and shows in `/goals`.
pub(crate) async fn goal_review_records_progress(transport: Transport) {
    let mut chat = start(transport).await;
    let (lead, dev) = (1, 2);
    chat.policy(&format!(
        "{}\n[[schedule]]\nname = \"Monthly goal review\"\nkind = \"goal_review\"\n\
         cron = \"0 11 * * MON#1\"\ntimezone = \"UTC\"\naudience = \"everyone\"\n",
        crate::org::DAILY_CHECK_IN
    ))
    .await;
    add(
        &mut chat,
        lead,
        "add",
        &[
            ("title", "Ship the new onboarding"),
            (
                "key_results",
                "Teams onboarded: 0 -> 20 teams\nDocs pages: 0 -> 10",
            ),
        ],
    )
    .await;
    chat.dispatch().await;
    chat.advance(Duration::hours(1));
    chat.plan().await;
    chat.dispatch().await;

    let review = chat.last_dm(lead);
    for expected in [
        "Time for your goal review (Monthly goal review)",
        "#1 Ship the new onboarding",
        "Teams onboarded: 0 / 20 teams",
    ] {
        assert!(review.text.contains(expected), "{expected}: {review:?}");
    }
    assert_eq!(review.actions, [UPDATE, ADD]);
    let none = chat.last_dm(dev);
    assert!(
        none.text.contains("You have no goals for 2026-Q1 yet"),
        "{none:?}"
    );

    let form = chat.press(lead, UPDATE).await.form();
    assert_eq!(form.fields, ["kr0", "kr1", "status", "comment"]);
    assert_eq!(form.initial("kr0"), Some("0"));
    assert_eq!(form.initial("status"), Some("on_track"));
    let refused = chat
        .submit(
            lead,
            &[("kr0", "10"), ("kr1", "half"), ("status", "at_risk")],
        )
        .await
        .refused();
    assert!(
        refused.contains("Docs pages: `half` is not a number"),
        "{refused}"
    );
    assert_eq!(chat.count("SELECT COUNT(*) FROM goal_updates").await, 1);

    chat.press(lead, UPDATE).await.form();
    let said = chat
        .submit(
            lead,
            &[
                ("kr0", "10"),
                ("kr1", "5"),
                ("status", "at_risk"),
                ("comment", "Waiting on the infra team"),
            ],
        )
        .await
        .said();
    assert!(said.contains("is at risk at"), "{said}");
    assert!(said.contains("50%"), "{said}");
    assert_eq!(chat.count("SELECT COUNT(*) FROM goal_updates").await, 2);
    assert_eq!(
        chat.count("SELECT COUNT(*) FROM goal_updates WHERE comment = 'Waiting on the infra team'")
            .await,
        1
    );
    let mine = chat.command(lead, "/goals", "mine").await.private();
    assert!(mine.contains("At risk"), "{mine}");
    assert!(mine.contains("Teams onboarded: 10 / 20 teams"), "{mine}");
    chat.check_platform().await;
}

/// A check-in template with a goal progress question: the form is filled with the person's
/// goals, a line each; a bad line is refused where it is, with nothing stored; numbers and
/// statuses edited in place are recorded as goal updates, and answering again with the same
/// lines records nothing more. Someone with no goals is told how to set one.
pub(crate) async fn check_in_records_goal_progress(transport: Transport) {
    let mut chat = start(transport).await;
    let (lead, dev) = (1, 2);
    chat.policy(
        "[[checkin_template]]\nname = \"with_goals\"\n\
         [[checkin_template.questions]]\nid = \"done\"\nprompt = \"What did you get done?\"\n\
         [[checkin_template.questions]]\nid = \"goals\"\nprompt = \"Where do your goals stand?\"\n\
         kind = \"goals\"\n\
         [[schedule]]\nname = \"Daily check-in\"\nkind = \"check_in\"\ncron = \"0 10 * * *\"\n\
         timezone = \"UTC\"\naudience = \"everyone\"\ntemplate = \"with_goals\"\n",
    )
    .await;
    let onboarding = [
        ("title", "Ship the new onboarding"),
        (
            "key_results",
            "Teams onboarded: 0 -> 20 teams\nDocs pages: 0 -> 10",
        ),
    ];
    add(&mut chat, lead, "add", &onboarding).await;
    add(&mut chat, lead, "add", &[("title", "Write the handbook")]).await;
    const UPDATES: &str = "SELECT COUNT(*) FROM goal_updates";
    let created = chat.count(UPDATES).await;
    chat.dispatch().await;

    let first = chat.press(lead, START).await.form();
    assert_eq!(first.fields, ["done", "goals"]);
    assert_eq!(
        first.initial("goals"),
        Some(
            "#1 Ship the new onboarding | on track | Teams onboarded: 0 of 20 teams | \
             Docs pages: 0 of 10\n#2 Write the handbook | on track | done: no"
        )
    );
    let refusals = [
        (
            "#1 | Teams onboarded: lots",
            "Line 1: Teams onboarded: `lots` is not a number.",
        ),
        ("#7 | done: yes", "Line 1: #7 is not one of your goals"),
        (
            "#2 | done: maybe",
            "Line 1: write `done: yes` or `done: no`",
        ),
        ("Handbook: done", "Line 1: start it with the goal's number"),
    ];
    for (goals, expected) in refusals {
        chat.press(lead, START).await.form();
        let refused = chat
            .submit(lead, &[("done", "Reviews"), ("goals", goals)])
            .await
            .refused();
        assert!(refused.contains(expected), "{goals}: {refused}");
    }
    assert_eq!(
        chat.count(UPDATES).await,
        created,
        "no bad line stored anything"
    );
    assert_eq!(
        chat.checkin_of(lead).await.status,
        rhythm_domain::ports::CheckInStatus::Open
    );

    chat.press(lead, START).await.form();
    let edited = "#1 Ship the new onboarding | at risk | Teams onboarded: 12 of 20 teams | \
                  Docs pages: 0 of 10\n#2 Write the handbook | on track | done: yes";
    let saved = chat
        .submit(lead, &[("done", "Reviews"), ("goals", edited)])
        .await;
    assert!(saved.is_saved(), "{saved:?}");
    assert_eq!(
        chat.count(UPDATES).await,
        created + 2,
        "one update per goal changed"
    );
    assert_eq!(
        chat.count(
            "SELECT COUNT(*) FROM goal_updates WHERE comment = \
             'Recorded with the check-in of Mon 2 Mar 2026'"
        )
        .await,
        2
    );
    let mine = chat.command(lead, "/goals", "mine").await.private();
    for expected in ["At risk", "Teams onboarded: 12 / 20 teams", "• Done"] {
        assert!(mine.contains(expected), "{expected}: {mine}");
    }

    // Editing the check-in shows the goals as they stand; the same lines again record nothing.
    let form = chat.press(lead, START).await.form();
    let standing = form.initial("goals").unwrap_or_default().to_owned();
    assert!(
        standing.contains("at risk | Teams onboarded: 12 of 20 teams"),
        "{standing}"
    );
    let again = chat
        .submit(lead, &[("done", "Reviews"), ("goals", &standing)])
        .await;
    assert!(again.is_saved(), "{again:?}");
    assert_eq!(chat.count(UPDATES).await, created + 2);

    // No goals: the question is empty, says how to set one, and may be left so.
    let form = chat.press(dev, START).await.form();
    assert_eq!(form.initial("goals"), None);
    let saved = chat.submit(dev, &[("done", "Tests")]).await;
    assert!(saved.is_saved(), "{saved:?}");
    chat.check_platform().await;
}
