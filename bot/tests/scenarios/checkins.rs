//! Check-ins as people live them, written once and run on every platform and transport
//! (see `main.rs`). Ported from the Slack and Discord journeys, which keep the transport
//! details.

use chrono::Duration;
use rhythm_domain::checkin::Answers;
use rhythm_domain::ports::CheckInStatus;

use crate::chat::{Chat, STRANGER, Submission, Transport};

const START: &str = "checkin:start";
const SNOOZE: &str = "checkin:snooze";
const SKIP: &str = "checkin:skip";
/// The default template's questions, in order.
const FIELDS: [&str; 4] = ["mood", "done", "next", "blockers"];

/// A mood of 3 (Okay), `done`, and the docs next.
fn answers(done: &str) -> [(&str, &str); 3] {
    [("mood", "3"), ("done", done), ("next", "Docs")]
}

fn done(answers: Option<&Answers>) -> Option<&str> {
    answers.and_then(|a| a.0.get("done")).map(String::as_str)
}

/// A snoozed prompt comes back an hour later and is answered, then edited; a skip; a late
/// answer marked late, after which answers are kept as they are; and `/rhythm ooo` keeps the
/// next day's prompt away.
pub(crate) async fn a_week_of_check_ins(transport: Transport) {
    let mut chat = Chat::start(transport).await;
    let (ana, ben, cy) = (0, 1, 2);
    chat.dispatch().await;
    for n in [ana, ben, cy] {
        let prompt = chat.last_dm(n);
        assert!(prompt.text.contains("Time for your check-in"), "{prompt:?}");
        assert_eq!(prompt.actions, [START, SNOOZE, SKIP]);
    }

    // Ana snoozes; an hour later she is asked again, answers, and edits her answer.
    let snoozed = chat.press(ana, SNOOZE).await.updated();
    assert!(
        snoozed.text.contains("Snoozed: I'll ask again at 11:00"),
        "{snoozed:?}"
    );
    assert!(snoozed.actions.is_empty(), "{snoozed:?}");
    chat.advance(Duration::minutes(61));
    chat.dispatch().await;
    assert_eq!(chat.dms(ana).len(), 2, "asked again");
    let form = chat.press(ana, START).await.form();
    assert_eq!(form.fields, FIELDS);
    assert_eq!(
        chat.submit(ana, &answers("Shipped")).await,
        Submission::Saved
    );
    let prompt = chat.last_dm(ana);
    assert!(prompt.text.contains("Checked in ✓"), "{prompt:?}");
    assert!(prompt.text.contains("Shipped"), "{prompt:?}");
    assert_eq!(prompt.actions, [START], "answers can be edited while open");
    let edit = chat.press(ana, START).await.form();
    assert_eq!(
        edit.initial("done"),
        Some("Shipped"),
        "the form holds the answers"
    );
    assert_eq!(edit.initial("mood"), Some("3"));
    let edited = answers("Shipped and documented");
    assert_eq!(chat.submit(ana, &edited).await, Submission::Saved);
    let checkin = chat.checkin_of(ana).await;
    assert_eq!(checkin.status, CheckInStatus::Submitted);
    assert_eq!(
        done(checkin.answers.as_ref()),
        Some("Shipped and documented")
    );
    assert!(!checkin.late);
    assert!(chat.last_dm(ana).text.contains("Shipped and documented"));

    // Ben skips.
    let skipped = chat.press(ben, SKIP).await.updated();
    assert!(skipped.text.contains("Skipped today"), "{skipped:?}");
    assert_eq!(chat.checkin_of(ben).await.status, CheckInStatus::Skipped);

    // Cy answers after the window closed at 17:00: accepted, marked late.
    chat.advance(Duration::hours(7));
    chat.press(cy, START).await.form();
    assert_eq!(
        chat.submit(cy, &answers("Late but done")).await,
        Submission::Saved
    );
    let late = chat.checkin_of(cy).await;
    assert!(late.late, "{late:?}");
    assert_eq!(done(late.answers.as_ref()), Some("Late but done"));
    let prompt = chat.last_dm(cy);
    assert!(prompt.text.contains("Checked in ✓ (late)"), "{prompt:?}");
    assert!(
        prompt.actions.is_empty(),
        "closed: nothing to edit {prompt:?}"
    );

    // Ana's answers are kept as they are now.
    let kept = chat.press(ana, START).await.private();
    assert!(kept.contains("The answer window closed at 17:00"), "{kept}");
    let checkin = chat.checkin_of(ana).await;
    assert_eq!(
        done(checkin.answers.as_ref()),
        Some("Shipped and documented")
    );

    // Ana is away tomorrow: tomorrow's prompt goes to the others only.
    let tomorrow = (chat.now() + Duration::days(1)).date_naive();
    let away = format!("ooo {tomorrow} {tomorrow}");
    let said = chat.command(ana, "/rhythm", &away).await.private();
    assert!(
        said.contains(&format!("away from {tomorrow} to {tomorrow}")),
        "{said}"
    );
    let stored = chat.person(ana).await.out_of_office;
    assert!(
        stored
            .iter()
            .any(|ooo| ooo.from == tomorrow && ooo.to == tomorrow)
    );
    chat.advance(Duration::hours(16)); // tomorrow 10:01 UTC, within the grace
    chat.plan().await;
    chat.dispatch().await;
    assert_eq!(chat.dms(ana).len(), 2, "nothing new for Ana");
    assert_eq!(chat.dms(ben).len(), 2, "Ben is asked again");
    assert_eq!(chat.dms(cy).len(), 2, "Cy is asked again");
    chat.check_platform().await;
}

/// `/rhythm timezone` sets the zone, and a bad zone gets a sentence and changes nothing;
/// `/rhythm help` lists the commands; an account Rhythm does not know is told how to link it.
pub(crate) async fn settings_and_help_by_command(transport: Transport) {
    let mut chat = Chat::start(transport).await;

    let said = chat.command(0, "/rhythm", "timezone Europe/Berlin").await;
    let said = said.private();
    assert!(
        said.contains("Your time zone is now Europe/Berlin"),
        "{said}"
    );
    assert_eq!(chat.person(0).await.timezone.as_str(), "Europe/Berlin");

    let said = chat.command(1, "/rhythm", "timezone Mars/Base").await;
    let said = said.private();
    assert!(
        said.contains("`Mars/Base` is not a time zone I know"),
        "{said}"
    );
    assert_eq!(chat.person(1).await.timezone.as_str(), "UTC", "unchanged");

    let help = chat.command(2, "/rhythm", "help").await.private();
    for command in [
        "/checkin",
        "/rhythm timezone",
        "/rhythm ooo",
        "/rhythm link",
    ] {
        assert!(help.contains(command), "{command} in {help}");
    }

    let said = chat
        .command(STRANGER, "/rhythm", "timezone Asia/Tokyo")
        .await;
    let said = said.private();
    assert!(said.contains("I don't know this"), "{said}");
    assert!(said.contains("/rhythm link you@example.com"), "{said}");
    let said = chat.command(STRANGER, "/checkin", "").await.private();
    assert!(said.contains("/rhythm link you@example.com"), "{said}");
    for n in 0..3 {
        let zone = chat.person(n).await.timezone;
        assert_ne!(
            zone.as_str(),
            "Asia/Tokyo",
            "the stranger changed nobody's zone"
        );
    }
    chat.check_platform().await;
}

/// `/checkin` opens today's form; submitting it records the check-in the prompt asked for and
/// turns the prompt into "Checked in"; `/checkin` again opens it with the answers.
pub(crate) async fn checkin_opens_todays_form(transport: Transport) {
    let mut chat = Chat::start(transport).await;
    chat.dispatch().await;

    let form = chat.command(0, "/checkin", "").await.form();
    assert_eq!(form.fields, FIELDS);
    assert!(form.initial.is_empty(), "nothing answered yet: {form:?}");
    // Opened from a command, the form has no prompt to update: Discord also says so in an
    // ephemeral answer.
    let saved = chat.submit(0, &answers("Shipped the release")).await;
    assert!(saved.is_saved(), "{saved:?}");

    let checkin = chat.checkin_of(0).await;
    assert_eq!(checkin.status, CheckInStatus::Submitted);
    assert_eq!(done(checkin.answers.as_ref()), Some("Shipped the release"));
    assert!(!checkin.late);
    assert_eq!(
        chat.checkins_of(0).await,
        1,
        "the prompt's check-in, not a new one"
    );
    let dms = chat.dms(0);
    assert_eq!(dms.len(), 1, "the prompt is updated, not sent again");
    assert!(dms[0].text.contains("Checked in ✓"), "{dms:?}");
    assert!(dms[0].text.contains("Shipped the release"), "{dms:?}");
    assert_eq!(dms[0].actions, [START]);

    let again = chat.command(0, "/checkin", "").await.form();
    assert_eq!(again.initial("done"), Some("Shipped the release"));
    chat.check_platform().await;
}
