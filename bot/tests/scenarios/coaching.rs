//! 1:1 and feedback scenarios, written once against the driver and run on every transport:
//! a manager sets up 1:1s (a report or someone else's report cannot); both get the agenda
//! built from the record the day before, each seeing only what they may; the manager
//! records notes and action items after the session; an item reminds its owner when due and
//! carries over to the next agenda. Feedback is requested, reminded once, given with the
//! form (or declined), read by the subject and their manager, or by the manager only.

use crate::chat::{Chat, STRANGER, Transport};

/// The org: person 0 is HR; 1 a manager reporting to 0; 2 reports to 1.
async fn start(transport: Transport) -> Chat {
    let chat = Chat::start(transport).await;
    chat.organise_with_roles(&[
        (0, None, "Platform", "hr_admin"),
        (1, Some(0), "Platform", "manager"),
        (2, Some(1), "Platform", "employee"),
    ])
    .await;
    chat
}

/// Moves the clock to `at` (after the start, Monday 2026-03-02 10:00 UTC) and posts the
/// notices due then.
async fn at(chat: &Chat, at: &str) {
    let at: chrono::DateTime<chrono::Utc> = at.parse().unwrap();
    chat.advance(at - chat.now());
    chat.post_notices().await;
}

pub(crate) async fn one_on_ones_from_agenda_to_action_items(transport: Transport) {
    let mut chat = start(transport).await;
    let (hr, lead, dev) = (0, 1, 2);
    let series = async |chat: &Chat| chat.count("SELECT COUNT(*) FROM oneonones").await;

    // Bad input: each a sentence where it came from, nothing stored.
    let refusals = [
        (
            dev,
            "schedule @1 every 2 weeks Thursday 15:00",
            "isn't your report",
        ),
        (
            lead,
            "schedule @0 every 2 weeks Thursday 15:00",
            "isn't your report",
        ),
        (lead, "schedule @2 every 2 weeks Thursday", "what time"),
        (
            lead,
            "schedule @2 every 12 weeks Thursday 15:00",
            "every 1 to 8 weeks",
        ),
        (
            lead,
            &format!("schedule @{STRANGER} weekly Thursday 15:00"),
            "I don't know",
        ),
        (dev, "add the offsite", "You have no 1:1s yet"),
    ];
    for (n, text, expected) in refusals {
        let said = chat.coaching(n, "/oneonone", text).await.private();
        assert!(said.contains(expected), "{text}: {said}");
    }
    assert_eq!(series(&chat).await, 0, "no bad input stored anything");

    let said = chat
        .coaching(
            lead,
            "/oneonone",
            "schedule @2 every 2 weeks Thursday 15:00",
        )
        .await
        .private();
    assert!(said.contains("1:1s with Person 2 are set"), "{said}");
    assert!(said.contains("The first is Thu 5 Mar, 15:00"), "{said}");
    // HR may set up anyone's pair: it replaces the cadence, still one series.
    let said = chat
        .coaching(
            hr,
            "/oneonone",
            "schedule @2 every 2 weeks Thursday 15:00 for 45m",
        )
        .await
        .private();
    assert!(said.contains("of Person 1 with Person 2 are set"), "{said}");
    assert_eq!(series(&chat).await, 1);

    let said = chat
        .coaching(dev, "/oneonone", "add the offsite plan")
        .await
        .private();
    assert!(said.contains("you'll both see it"), "{said}");
    let said = chat
        .coaching(lead, "/oneonone", "add private @2 the promotion case")
        .await
        .private();
    assert!(said.contains("only you will see it"), "{said}");
    chat.kudos(hr, "@2 for the careful migration review").await;

    // The day before: both get the agenda; the private point only its author.
    at(&chat, "2026-03-04T15:00:00Z").await;
    let lead_agenda = chat.last_dm(lead).text;
    let dev_agenda = chat.last_dm(dev).text;
    for expected in [
        "1:1 with Person 2 · Thu 5 Mar, 15:00",
        "the offsite plan",
        "the promotion case",
        "(private)",
        "the careful migration review",
    ] {
        assert!(lead_agenda.contains(expected), "{expected}: {lead_agenda}");
    }
    assert!(dev_agenda.contains("1:1 with Person 1"), "{dev_agenda}");
    assert!(dev_agenda.contains("the offsite plan"), "{dev_agenda}");
    assert!(!dev_agenda.contains("promotion"), "{dev_agenda}");

    // After the session (45 minutes): the manager is asked for notes.
    at(&chat, "2026-03-05T15:50:00Z").await;
    let prompt = chat.last_dm(lead);
    assert!(
        prompt.text.contains("How did your 1:1 with Person 2 go?"),
        "{prompt:?}"
    );
    assert_eq!(prompt.actions, ["oneonone:notes", "oneonone:skipped"]);
    let form = chat.press(lead, "oneonone:notes").await.form();
    assert_eq!(form.fields, ["notes", "actions"]);
    for (actions, expected) in [
        ("you: send the draft by 2026-03-01", "2026-03-01 has passed"),
        (
            "Zed: send the draft by 2026-03-10",
            "`Zed` is neither of you",
        ),
        ("you: send the draft", "due day"),
    ] {
        let refused = chat
            .submit(lead, &[("notes", "Talked offsites"), ("actions", actions)])
            .await
            .refused();
        assert!(refused.contains(expected), "{actions}: {refused}");
        chat.press(lead, "oneonone:notes").await.form();
    }
    assert_eq!(
        chat.count("SELECT COUNT(*) FROM oneonone_sessions").await,
        0
    );
    let said = chat
        .submit(
            lead,
            &[
                ("notes", "Talked about the offsite"),
                (
                    "actions",
                    "you: send the offsite draft by 2026-03-10\nme: book the venue by 2026-03-24",
                ),
            ],
        )
        .await
        .said();
    assert!(said.contains("2 action items"), "{said}");
    assert_eq!(chat.count("SELECT COUNT(*) FROM action_items").await, 2);
    assert_eq!(
        chat.count("SELECT COUNT(*) FROM talking_points WHERE covered_by IS NULL")
            .await,
        0,
        "the session covered both points"
    );
    let said = chat.press(lead, "oneonone:skipped").await.private();
    assert!(said.contains("recorded already"), "{said}");

    // The report's item reminds them on its day, and is closed from the reminder.
    at(&chat, "2026-03-10T09:00:00Z").await;
    let reminder = chat.last_dm(dev);
    assert!(
        reminder.text.contains("send the offsite draft"),
        "{reminder:?}"
    );
    assert_eq!(reminder.actions, ["oneonone:done"]);
    let said = chat.press(dev, "oneonone:done").await.private();
    assert!(said.contains("Done: send the offsite draft"), "{said}");

    // The next agenda carries the open item and the last notes over.
    at(&chat, "2026-03-18T15:00:00Z").await;
    let next = chat.last_dm(lead).text;
    for expected in [
        "Thu 19 Mar, 15:00",
        "book the venue",
        "Talked about the offsite",
    ] {
        assert!(next.contains(expected), "{expected}: {next}");
    }
    assert!(!next.contains("send the offsite draft"), "done: {next}");
    assert!(!next.contains("the promotion case"), "covered: {next}");
    let list = chat.coaching(lead, "/oneonone", "list").await.private();
    assert!(list.contains("Person 2"), "{list}");
    assert!(list.contains("book the venue"), "{list}");

    let said = chat.coaching(dev, "/oneonone", "cancel @1").await.private();
    assert!(said.contains("Only the manager or HR"), "{said}");
    let said = chat
        .coaching(lead, "/oneonone", "cancel @2")
        .await
        .private();
    assert!(said.contains("stopped"), "{said}");
    chat.check_platform().await;
}

pub(crate) async fn feedback_requested_reminded_and_given(transport: Transport) {
    let mut chat = start(transport).await;
    let (hr, lead, dev) = (0, 1, 2);
    let requests = async |chat: &Chat| chat.count("SELECT COUNT(*) FROM feedback_requests").await;
    for (text, expected) in [
        ("request @2 about \"the Q3 launch\"", "other than yourself"),
        (
            &format!("request @{STRANGER} about the launch") as &str,
            "I don't know",
        ),
        ("request @0", "what you'd like feedback about"),
    ] {
        let said = chat.coaching(dev, "/feedback", text).await.private();
        assert!(said.contains(expected), "{text}: {said}");
    }
    assert_eq!(requests(&chat).await, 0, "no bad input stored anything");

    let said = chat
        .coaching(dev, "/feedback", "request @0 @1 about \"the Q3 launch\"")
        .await
        .private();
    assert!(said.contains("Asked Person 0 and Person 1"), "{said}");
    assert_eq!(requests(&chat).await, 2);
    chat.post_notices().await;
    let ask = chat.last_dm(hr);
    for expected in ["Person 2", "asked for your feedback about", "the Q3 launch"] {
        assert!(ask.text.contains(expected), "{expected}: {ask:?}");
    }
    assert_eq!(ask.actions, ["feedback:give", "feedback:decline"]);

    // HR answers, for the manager only; a too-short answer is refused first.
    let form = chat.press(hr, "feedback:give").await.form();
    assert_eq!(form.fields, ["text", "visibility"]);
    let refused = chat
        .submit(hr, &[("text", "Good"), ("visibility", "manager_only")])
        .await;
    assert!(refused.refused().contains("Write 20 to 2000 characters"));
    chat.press(hr, "feedback:give").await.form();
    let said = chat
        .submit(
            hr,
            &[
                ("text", "Clear plan, but the rollout notes came late."),
                ("visibility", "manager_only"),
            ],
        )
        .await
        .said();
    assert!(said.contains("only Person 2's manager"), "{said}");
    chat.post_notices().await;
    let to_manager = chat.last_dm(lead);
    assert!(
        to_manager
            .text
            .contains("Feedback about Person 2 from Person 0"),
        "{to_manager:?}"
    );
    assert!(to_manager.text.contains("(for you only)"), "{to_manager:?}");
    assert!(
        !chat
            .dms(dev)
            .iter()
            .any(|dm| dm.text.contains("rollout notes")),
        "the subject never sees manager-only feedback"
    );

    // Three days on, the one who has not answered is reminded, once.
    at(&chat, "2026-03-05T10:00:00Z").await;
    let reminder = chat.last_dm(lead);
    assert!(reminder.text.contains("Reminder"), "{reminder:?}");
    assert!(
        !chat.dms(hr).iter().any(|dm| dm.text.contains("Reminder")),
        "who answered is not reminded"
    );
    // Two weeks on, the request has expired: the old button answers so, nothing stored.
    at(&chat, "2026-03-17T10:00:00Z").await;
    let said = chat.press(lead, "feedback:give").await.private();
    assert!(said.contains("expired"), "{said}");
    assert_eq!(chat.count("SELECT COUNT(*) FROM feedback").await, 1);
    // Unprompted feedback, shared: the subject reads it with the giver's name.
    chat.coaching(lead, "/feedback", "give @2").await.form();
    chat.submit(
        lead,
        &[
            ("text", "Your migration review saved us a week."),
            ("visibility", "shared"),
        ],
    )
    .await
    .said();
    chat.post_notices().await;
    let shared = chat.last_dm(dev);
    assert!(shared.text.contains("Feedback from Person 1"), "{shared:?}");
    let mine = chat.coaching(dev, "/feedback", "mine").await.private();
    assert!(mine.contains("saved us a week"), "{mine}");
    assert!(!mine.contains("rollout notes"), "{mine}");
    assert_eq!(chat.count("SELECT COUNT(*) FROM feedback").await, 2);
    chat.check_platform().await;
}
