//! The check-in workflow over a real database, with no platform: the planner fires, the
//! delivery composes a prompt (opening the check-in), the person presses and submits, and
//! the nudge is cancelled; a skip and a snooze do what they say.

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};

use chrono::Duration;
use rhythm_domain::chat::{Interaction, Reply, Update};
use rhythm_domain::checkin::messages::{SKIP, SNOOZE, START, SUBMIT};
use rhythm_domain::checkin::workflow::{Composed, compose, interact};
use rhythm_domain::clock::Clock as _;
use rhythm_domain::people::Person;
use rhythm_domain::ports::{
    CheckInId, CheckInStatus, CheckIns as _, Directory as _, MessageRef, Messenger, Outgoing,
    PeopleFilter, SendError, Sent,
};
use rhythm_scheduler::dispatcher::{DispatchSettings, Dispatcher};
use rhythm_scheduler::planner::Planner;
use rhythm_store::Store;
use rhythm_testing::TestDb;

/// Composes each delivery as a chat adapter would, records the prompt, and keeps what it sent.
#[derive(Clone)]
struct Composer {
    store: Store,
    sent: Arc<Mutex<Vec<(String, Composed)>>>,
}

impl Messenger for Composer {
    async fn send(&self, delivery: &Outgoing) -> Result<Sent, SendError> {
        let composed =
            compose(&self.store, delivery)
                .await
                .map_err(|error| SendError::Retryable {
                    after: None,
                    reason: error.to_string(),
                })?;
        let id = format!("{}", delivery.id.0);
        if let Composed::Send {
            checkin: Some(checkin),
            ..
        } = &composed
        {
            let at = MessageRef {
                channel: "D1".into(),
                id: id.clone(),
            };
            self.store.set_prompt(*checkin, "test", &at).await.unwrap();
        }
        self.sent
            .lock()
            .unwrap()
            .push((delivery.step.clone(), composed));
        Ok(Sent { message_id: id })
    }
}

struct Flow {
    db: TestDb,
    dispatcher: Dispatcher<Store, Composer>,
    sent: Arc<Mutex<Vec<(String, Composed)>>>,
    ana: Person,
}

async fn flow() -> Flow {
    flow_with("follow_up = { nudge_after = \"4h\" }", 2).await
}

/// Ana in Berlin, a Monday 10:00 check-in with the policy `keys` added, planned into
/// `deliveries` rows at Monday 10:00.
async fn flow_with(keys: &str, deliveries: usize) -> Flow {
    let db = crate::support::with_people_and_schedule(
        "email,name,timezone\nana@x.com,Ana,Europe/Berlin\n",
        &format!("kind = \"check_in\"\ncron = \"0 10 * * MON\"\ntimezone = \"recipient\"\n{keys}"),
    )
    .await;
    db.clock.advance(Duration::hours(1)); // Monday 10:00 in Berlin
    let clock = Arc::new(db.clock.clone());
    let planner = Planner::new(db.store.clone(), clock.clone(), 100);
    assert_eq!(planner.run_due().await.unwrap().deliveries, deliveries);
    let sent = Arc::default();
    let composer = Composer {
        store: db.store.clone(),
        sent: Arc::clone(&sent),
    };
    let settings = DispatchSettings {
        owner: "d".into(),
        ..DispatchSettings::default()
    };
    let dispatcher = Dispatcher::new(db.store.clone(), composer, clock, settings);
    let ana = db
        .store
        .people(&PeopleFilter::default())
        .await
        .unwrap()
        .remove(0);
    Flow {
        db,
        dispatcher,
        sent,
        ana,
    }
}

impl Flow {
    async fn dispatch(&self) -> Vec<(String, Composed)> {
        self.dispatcher.run_due().await.unwrap();
        std::mem::take(&mut *self.sent.lock().unwrap())
    }

    async fn press(&self, action: &str, checkin: CheckInId) -> Reply {
        let pressed = Interaction::Pressed {
            action: action.into(),
            value: checkin.0.to_string(),
        };
        interact(&self.db.store, &self.ana, &pressed, self.db.clock.now())
            .await
            .unwrap()
    }

    async fn submit(&self, checkin: CheckInId, answers: &[(&str, &str)]) -> Reply {
        let submitted = Interaction::Submitted {
            action: SUBMIT.into(),
            value: checkin.0.to_string(),
            answers: answers
                .iter()
                .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
                .collect::<BTreeMap<_, _>>(),
        };
        interact(&self.db.store, &self.ana, &submitted, self.db.clock.now())
            .await
            .unwrap()
    }
}

fn prompted(sent: &[(String, Composed)]) -> CheckInId {
    match sent {
        [
            (
                step,
                Composed::Send {
                    checkin: Some(id), ..
                },
            ),
        ] if step == "reminder" => *id,
        other => panic!("one prompt expected, got {other:?}"),
    }
}

#[tokio::test]
async fn a_prompt_is_answered_in_the_form_and_the_nudge_is_cancelled() {
    let flow = flow().await;
    let checkin = prompted(&flow.dispatch().await);
    let Reply::Open(form) = flow.press(START, checkin).await else {
        panic!("Start opens the form");
    };
    assert_eq!(form.fields.len(), 4);

    let Reply::FieldErrors(problems) = flow.submit(checkin, &[("mood", "9")]).await else {
        panic!("a bad answer is refused in the form");
    };
    assert_eq!(problems.len(), 3, "{problems:?}");

    let answers = [("mood", "4"), ("done", "Shipped"), ("next", "Docs")];
    let Reply::Close(Some(Update {
        platform,
        at,
        message,
    })) = flow.submit(checkin, &answers).await
    else {
        panic!("a good answer closes the form and updates the prompt");
    };
    assert_eq!((platform.as_str(), at.channel.as_str()), ("test", "D1"));
    assert_eq!(message.summary, "Checked in ✓");

    flow.db.clock.advance(Duration::hours(5));
    assert!(flow.dispatch().await.is_empty(), "the nudge was cancelled");
    let stored = flow.db.store.checkin(checkin).await.unwrap().unwrap();
    assert_eq!(stored.status, CheckInStatus::Submitted);
    assert!(!stored.late);
}

#[tokio::test]
async fn skipping_cancels_the_nudge_and_snoozing_asks_again_an_hour_later() {
    let flow = flow().await;
    let checkin = prompted(&flow.dispatch().await);
    assert!(matches!(
        flow.press(SNOOZE, checkin).await,
        Reply::Update(_)
    ));
    flow.db.clock.advance(Duration::minutes(61));
    let again = flow.dispatch().await;
    assert!(
        matches!(&again[..], [(step, Composed::Send { checkin: Some(id), .. })] if step.starts_with("snooze:") && *id == checkin),
        "{again:?}"
    );
    assert!(matches!(flow.press(SKIP, checkin).await, Reply::Update(_)));
    flow.db.clock.advance(Duration::hours(4));
    assert!(flow.dispatch().await.is_empty(), "no nudge after a skip");
    assert!(
        matches!(flow.press(SKIP, checkin).await, Reply::Private(_)),
        "skipping twice says it is done"
    );
}

#[tokio::test]
async fn a_late_answer_is_accepted_and_marked_and_then_cannot_be_edited() {
    let flow = flow().await;
    let checkin = prompted(&flow.dispatch().await);
    flow.db.clock.advance(Duration::hours(8)); // 18:00 in Berlin: the window closed at 17:00
    let answers = [("mood", "3"), ("done", "a"), ("next", "b")];
    assert!(matches!(
        flow.submit(checkin, &answers).await,
        Reply::Close(Some(_))
    ));
    assert!(flow.db.store.checkin(checkin).await.unwrap().unwrap().late);
    assert!(
        matches!(flow.press(START, checkin).await, Reply::Private(text) if text.contains("closed at 17:00"))
    );
}

#[tokio::test]
async fn a_check_in_asks_the_questions_of_the_template_its_schedule_names() {
    let flow = flow_with(
        "template = \"retro\"\n\
         [[checkin_template]]\nname = \"retro\"\ncloses = \"12:00\"\n\
         [[checkin_template.questions]]\nid = \"keep\"\nprompt = \"What should we keep?\"\n\
         [[checkin_template.questions]]\nid = \"pace\"\nprompt = \"The pace?\"\nkind = \"choice\"\n\
         options = [\"Slow\", \"Fine\", \"Fast\"]\n",
        1,
    )
    .await;

    let checkin = prompted(&flow.dispatch().await);
    let stored = flow.db.store.checkin(checkin).await.unwrap().unwrap();
    assert_eq!(stored.template, "retro");
    assert_eq!(
        stored.closes_at - stored.opened_at,
        Duration::hours(2),
        "the window closes at the template's 12:00"
    );
    let Reply::Open(form) = flow.press(START, checkin).await else {
        panic!("Start opens the form");
    };
    let fields: Vec<(&str, &str)> = form
        .fields
        .iter()
        .map(|field| (field.id.as_str(), field.label.as_str()))
        .collect();
    assert_eq!(
        fields,
        [("keep", "What should we keep?"), ("pace", "The pace?")]
    );
    assert!(matches!(
        flow.submit(checkin, &[("keep", "Pairing"), ("pace", "Warp")])
            .await,
        Reply::FieldErrors(_)
    ));
    assert!(matches!(
        flow.submit(checkin, &[("keep", "Pairing"), ("pace", "Fine")])
            .await,
        Reply::Close(Some(_))
    ));
}
