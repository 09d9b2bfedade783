//! A review cycle, written once against the driver and run on every transport: eight
//! people over five simulated weeks. HR creates the cycle in chat, sets its anonymity
//! threshold and starts it; each person gets their packet, managers their list; peers are
//! nominated (bad nominations refused), approved by button and by command, and asked;
//! reviews are drafted, completed and submitted, one reopened by HR; deadline reminders go
//! to whoever still owes something on the right mornings, escalations to managers then HR
//! the mornings after, never naming whom a peer review is about; HR releases the results,
//! each person and their manager read them (peers only together, no reviewer named), and
//! the person acknowledges them. Each refusal is a sentence and changes nothing.

use crate::chat::{Chat, Transport};

const CYCLE: &str = "Review 2026";

/// The Platform team: person 0 is HR; 1 manages 2–7 and reports to 0. (The org's person
/// without a chat account is in no team, so not in the cycle.)
async fn start(transport: Transport) -> Chat {
    let chat = Chat::start(transport).await;
    chat.add_accounts(crate::PEOPLE..8);
    let mut rows = vec![
        (0, None, "Platform", "hr_admin"),
        (1, Some(0), "Platform", "manager"),
    ];
    rows.extend((2..8).map(|n| (n, Some(1), "Platform", "employee")));
    chat.organise_with_roles(&rows).await;
    chat
}

/// Moves the clock to `at` and posts the notices due then.
async fn at(chat: &Chat, at: &str) {
    let at: chrono::DateTime<chrono::Utc> = at.parse().unwrap();
    chat.advance(at - chat.now());
    chat.post_notices().await;
}

/// The newest DM of each of `people`, as text.
fn newest(chat: &Chat, people: &[usize]) -> Vec<String> {
    people.iter().map(|n| chat.last_dm(*n).text).collect()
}

/// Person `n` writes the review behind the button labelled `label` on their newest DM in
/// one go, and submits it.
async fn write(chat: &mut Chat, n: usize, label: &str, ratings: [&str; 3], strengths: &str) {
    chat.press_labelled(n, label).await.form();
    let answers = [
        ("quality", ratings[0]),
        ("delivery", ratings[1]),
        ("teamwork", ratings[2]),
        ("strengths", strengths),
    ];
    assert!(chat.submit(n, &answers).await.is_saved());
    let shown = chat.press(n, "review:submit").await.updated();
    assert!(shown.text.contains("Submitted ✓"), "{}", shown.text);
}

/// Person `n` asks `/review` a minute on, and gets their list as a DM.
async fn owed(chat: &mut Chat, n: usize) -> String {
    // A minute on: asking twice in the same moment sends one DM.
    chat.advance(chrono::Duration::minutes(1));
    let said = chat.review(n, "").await.private();
    chat.post_notices().await;
    said
}

pub(crate) async fn a_review_cycle_from_nominations_to_acknowledgement(transport: Transport) {
    let mut chat = start(transport).await;
    let (hr, lead) = (0, 1);
    let reviews = async |chat: &Chat, state: &str| {
        let sql = format!("SELECT COUNT(*) FROM reviews WHERE state = '{state}'");
        chat.count(&sql).await
    };

    // Mon 2 Mar: HR sets the cycle up in chat; no one else may.
    let said = chat.cycle(2, &format!("create {CYCLE}")).await.private();
    assert!(said.contains("Only HR admins"), "{said}");
    let said = chat
        .cycle(hr, &format!("create {CYCLE} for team:Platform"))
        .await
        .private();
    assert!(
        said.contains("Review 2026 is a draft: team:Platform"),
        "{said}"
    );
    assert!(said.contains("Nominations: Mon 9 Mar 2026"), "{said}");
    assert!(said.contains("Release: Mon 6 Apr 2026"), "{said}");
    let said = chat
        .cycle(hr, &format!("threshold \"{CYCLE}\" 2"))
        .await
        .private();
    assert!(said.contains("At least 3 peers"), "{said}");
    let said = chat
        .cycle(hr, &format!("threshold \"{CYCLE}\" 3"))
        .await
        .private();
    assert!(
        said.contains("once 3 peers have answered (it was 5)"),
        "{said}"
    );
    let said = chat.cycle(hr, &format!("start {CYCLE}")).await.private();
    assert!(said.contains("8 people are reviewed"), "{said}");
    let said = chat.cycle(hr, &format!("start {CYCLE}")).await.private();
    assert!(said.contains("only a draft can start"), "{said}");
    // Self-reviews for all 8; manager reviews for 7 (HR has no manager to write one).
    assert_eq!(reviews(&chat, "pending").await, 15);

    // Each gets their packet; the manager and HR their list of reviews to write. The
    // nominations reminder due this very morning is not sent: the packet just said it.
    chat.post_notices().await;
    let packet = chat.dms(2).pop().unwrap().text;
    for expected in [
        "Your self-review · Review 2026",
        "nominate 3 to 5 peers",
        "Mon 9 Mar",
        "Your self-review is due Mon 16 Mar",
    ] {
        assert!(packet.contains(expected), "{expected}: {packet}");
    }
    assert_eq!(chat.dms(2).len(), 1, "one DM: the packet");
    let list = chat.last_dm(lead);
    assert!(
        list.text.contains("You write these reviews by Mon 30 Mar"),
        "{}",
        list.text
    );
    assert!(
        list.text.contains("Your review of Person 7"),
        "{}",
        list.text
    );
    assert_eq!(
        list.actions
            .iter()
            .filter(|a| a.starts_with("review:write"))
            .count(),
        6,
        "a button per report: {:?}",
        list.actions
    );
    assert!(chat.last_dm(hr).text.contains("Your review of Person 1"));

    // Nominations: bad ones refused, nothing stored.
    let refusals = [
        ("nominate @2 @3 @4", "can't review yourself"),
        ("nominate @1 @3 @4", "writes the manager review already"),
        ("nominate @3", "at least 3 peers"),
    ];
    for (text, expected) in refusals {
        let said = chat.review(2, text).await.private();
        assert!(said.contains(expected), "{text}: {said}");
    }
    assert_eq!(
        chat.count("SELECT COUNT(*) FROM review_nominations").await,
        0
    );
    let said = chat.review(2, "nominate @3 @4 @5").await.private();
    assert!(
        said.contains("Nominated Person 3, Person 4, Person 5 for Review 2026. Person 1 approves"),
        "{said}"
    );
    let said = chat.review(3, "approve @2").await.private();
    assert!(said.contains("Only the person's manager or HR"), "{said}");

    // The manager approves by button; each peer is asked.
    chat.post_notices().await;
    let ask = chat.last_dm(lead);
    assert!(
        ask.text.contains(
            "Person 2 would like these peers to review them: Person 3, Person 4, Person 5"
        ),
        "{}",
        ask.text
    );
    let approved = chat.press(lead, "review:approve").await.updated();
    assert!(approved.text.contains("Approved ✓"), "{}", approved.text);
    chat.post_notices().await;
    for request in newest(&chat, &[3, 4, 5]) {
        assert!(
            request.contains("Person 2 would value your review by Mon 23 Mar"),
            "{request}"
        );
        assert!(request.contains("anonymous"), "{request}");
    }
    let said = chat.review(2, "nominate @3 @4 @6").await.private();
    assert!(said.contains("approved already"), "{said}");
    // Or by command, editing the list.
    chat.review(3, "nominate @2 @4 @5").await.private();
    let said = chat.review(lead, "approve @3 @2 @4 @6").await.private();
    assert!(
        said.contains("Person 3's peers are approved: Person 2, Person 4, Person 6"),
        "{said}"
    );
    chat.post_notices().await;
    assert!(
        chat.last_dm(6)
            .text
            .contains("Person 3 would value your review")
    );
    let approvals = "SELECT COUNT(*) FROM audit_log WHERE action = 'review.nominations_approved' \
                     AND actor LIKE '%:%'";
    assert_eq!(
        chat.count(approvals).await,
        2,
        "each approval audited, by its chat account"
    );

    // Sun 8 Mar, the day before nominations close: a reminder to each who has not
    // nominated, none to those who have.
    let before = chat.dms(2).len();
    at(&chat, "2026-03-08T10:00:00Z").await;
    assert_eq!(chat.dms(2).len(), before, "Person 2 nominated");
    for reminder in newest(&chat, &[4, 7]) {
        assert!(
            reminder.contains("Nominations for Review 2026 are due tomorrow"),
            "{reminder}"
        );
        assert!(reminder.contains("Nominate 3 to 5 peers"), "{reminder}");
    }
    at(&chat, "2026-03-09T10:00:00Z").await;
    let today = "Nominations for Review 2026 are due today";
    assert!(chat.dms(4).iter().any(|dm| dm.text.contains(today)));

    // Tue 10 Mar: overdue nominations go to each one's manager...
    at(&chat, "2026-03-10T10:00:00Z").await;
    let escalated = chat.last_dm(lead).text;
    assert!(
        escalated.contains("Nominations for Review 2026 were due Mon 9 Mar"),
        "{escalated}"
    );
    for (expected, present) in [("Person 4: nominations", true), ("Person 2", false)] {
        assert_eq!(
            escalated.contains(expected),
            present,
            "{expected}: {escalated}"
        );
    }
    assert!(chat.last_dm(hr).text.contains("Person 1: nominations"));
    // ...and on Wed 11 Mar to HR, all of it.
    at(&chat, "2026-03-11T10:00:00Z").await;
    let to_hr = chat.last_dm(hr).text;
    assert!(to_hr.contains("Overdue · Review 2026"), "{to_hr}");
    assert!(to_hr.contains("Person 7: nominations"), "{to_hr}");

    // Person 2 drafts their self-review, comes back to it, and submits it.
    let said = owed(&mut chat, 2).await;
    assert!(said.contains("I've sent you a DM"), "{said}");
    let list = chat.last_dm(2).text;
    assert!(list.contains("Your self-review (due Mon 16 Mar)"), "{list}");
    assert!(list.contains("A peer review of Person 3"), "{list}");
    chat.press_labelled(2, "Write self-review").await.form();
    assert!(chat.submit(2, &[("quality", "4")]).await.is_saved());
    let draft = chat.last_dm(2).text;
    assert!(
        draft.contains("Draft of your self-review saved. Still to answer"),
        "{draft}"
    );
    assert_eq!(reviews(&chat, "in_progress").await, 1);
    let form = chat.press_labelled(2, "Continue writing").await.form();
    assert_eq!(form.initial("quality"), Some("4"), "the draft is kept");
    let answers = [
        ("quality", "4"),
        ("delivery", "4"),
        ("teamwork", "5"),
        ("strengths", "Shipping the billing migration"),
    ];
    assert!(chat.submit(2, &answers).await.is_saved());
    let shown = chat.press(2, "review:submit").await.updated();
    assert!(
        shown
            .text
            .contains("Submitted ✓ Your self-review is locked"),
        "{}",
        shown.text
    );

    // HR reopens it (audited); Person 2 changes and submits it again.
    let said = chat
        .cycle(
            hr,
            &format!("reopen \"{CYCLE}\" @2 @2 a typo in the strengths"),
        )
        .await
        .private();
    assert!(said.contains("Reopened"), "{said}");
    owed(&mut chat, 2).await;
    write(
        &mut chat,
        2,
        "Write self-review",
        ["4", "4", "5"],
        "Shipping billing",
    )
    .await;
    let audited = "SELECT COUNT(*) FROM audit_log WHERE action = 'review.reopen'";
    assert_eq!(chat.count(audited).await, 1);

    // Sun 15 Mar: the self-review reminder goes to those who still owe theirs.
    let before = chat.dms(2).len();
    at(&chat, "2026-03-15T10:00:00Z").await;
    assert_eq!(chat.dms(2).len(), before, "Person 2 submitted theirs");
    let reminder = chat.last_dm(3).text;
    assert!(
        reminder.contains("Self-reviews for Review 2026 are due tomorrow"),
        "{reminder}"
    );
    assert!(reminder.contains("Your self-review"), "{reminder}");

    // Person 2's peers review them; their manager too.
    for (peer, ratings, said) in [
        (3, ["3", "4", "5"], "Always unblocks the team"),
        (4, ["4", "4", "4"], "Clear design documents"),
        (5, ["5", "3", "4"], "Calm under pressure"),
    ] {
        owed(&mut chat, peer).await;
        write(&mut chat, peer, "Review Person 2", ratings, said).await;
    }
    owed(&mut chat, lead).await;
    write(
        &mut chat,
        lead,
        "Review Person 2",
        ["4", "5", "4"],
        "Owned billing end to end",
    )
    .await;

    // Sun 22 Mar: peers who still owe a review are reminded; Tue 24 Mar their manager
    // hears how many each owes, never about whom.
    at(&chat, "2026-03-22T10:00:00Z").await;
    let reminder = chat.last_dm(6).text;
    assert!(
        reminder.contains("Peer reviews for Review 2026 are due tomorrow"),
        "{reminder}"
    );
    assert!(reminder.contains("A peer review of Person 3"), "{reminder}");
    at(&chat, "2026-03-24T10:00:00Z").await;
    let escalated = chat.last_dm(lead).text;
    assert!(
        escalated.contains("Peer reviews for Review 2026 were due"),
        "{escalated}"
    );
    assert!(escalated.contains("Person 6: 1 peer review"), "{escalated}");
    assert!(
        !escalated.contains("Person 3"),
        "whom it is about is never said: {escalated}"
    );

    // Wed 1 Apr: HR releases; each person and their manager get the results.
    at(&chat, "2026-04-01T09:00:00Z").await;
    let said = chat.cycle(2, &format!("release {CYCLE}")).await.private();
    assert!(said.contains("Only HR admins"), "{said}");
    let said = chat.cycle(hr, &format!("release {CYCLE}")).await.private();
    assert!(said.contains("Review 2026 is released: 8 people"), "{said}");
    let said = chat
        .cycle(hr, &format!("threshold \"{CYCLE}\" 4"))
        .await
        .private();
    assert!(said.contains("can no longer change"), "{said}");
    chat.post_notices().await;
    let results = chat.last_dm(2);
    for expected in [
        "Results · Review 2026 · Person 2",
        "Overall: 4.",
        "From 3 peers, together",
        "Always unblocks the team",
        "Calm under pressure",
        "Owned billing end to end",
    ] {
        assert!(
            results.text.contains(expected),
            "{expected}: {}",
            results.text
        );
    }
    for peer in ["Person 3", "Person 4", "Person 5", "2026-03"] {
        assert!(!results.text.contains(peer), "{peer} in {}", results.text);
    }
    assert!(results.actions.iter().any(|a| a.starts_with("review:ack")));
    let managers = chat
        .dms(lead)
        .into_iter()
        .find(|dm| dm.text.contains("Results · Review 2026 · Person 2"))
        .expect("the manager's copy");
    assert!(managers.text.contains("From 3 peers, together"));
    assert!(!managers.text.contains("Person 4"), "{}", managers.text);
    assert!(!managers.actions.iter().any(|a| a.starts_with("review:ack")));
    // Fewer than 3 peers answered about Person 3: nothing from peers is shown.
    let said = chat.review(3, "results").await.private();
    assert!(said.contains("Results · Review 2026 · Person 3"), "{said}");
    assert!(
        said.contains("once at least 3 peers have answered"),
        "{said}"
    );

    // Person 2 acknowledges, once; HR sees completion, lateness and acknowledgements.
    let said = chat.press(2, "review:ack").await.private();
    assert!(said.contains("Acknowledged ✓"), "{said}");
    let said = chat.review(2, "ack").await.private();
    assert!(
        said.contains("acknowledged your results in Review 2026 already"),
        "{said}"
    );
    let said = chat.cycle(hr, &format!("status {CYCLE}")).await.private();
    for expected in [
        "Review 2026 · released 1 Apr 2026 · 8 people",
        "Self-reviews (due Mon 16 Mar): 1 of 8 done, 7 late",
        "Peer reviews (due Mon 23 Mar): 3 of 6 done, 3 late",
        "Acknowledged: 1 of 8",
    ] {
        assert!(said.contains(expected), "{expected}: {said}");
    }
    chat.check_platform().await;
}
