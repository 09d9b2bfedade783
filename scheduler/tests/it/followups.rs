//! Follow-ups end when the work is done: completing an occurrence cancels the person's
//! nudge and the escalations about them, and nothing else.

use std::sync::Arc;
use std::time::Duration as StdDuration;

use chrono::Duration;
use rhythm_domain::people::PersonId;
use rhythm_domain::ports::{Messenger, OccurrenceId, Outbox as _, Outgoing, SendError, Sent};
use rhythm_scheduler::dispatcher::{DispatchSettings, Dispatcher};
use rhythm_scheduler::planner::Planner;
use rhythm_testing::TestDb;
use std::sync::Mutex;

/// Records `email step` for every send.
#[derive(Clone, Default)]
struct Recorder(Arc<Mutex<Vec<String>>>);

impl Messenger for Recorder {
    async fn send(&self, message: &Outgoing) -> Result<Sent, SendError> {
        self.0
            .lock()
            .unwrap()
            .push(format!("{} {}", message.email, message.step));
        Ok(Sent {
            message_id: message.id.0.to_string(),
        })
    }
}

impl Recorder {
    fn take(&self) -> Vec<String> {
        let mut sends = std::mem::take(&mut *self.0.lock().unwrap());
        sends.sort();
        sends
    }
}

async fn id_of(db: &TestDb, email: &str) -> PersonId {
    PersonId(
        db.count(&format!("SELECT id FROM people WHERE email = '{email}'"))
            .await,
    )
}

#[tokio::test]
async fn completing_cancels_the_nudge_and_the_escalations_about_that_person_only() {
    let db = crate::support::with_people_and_schedule(
        "email,name,role,manager_email\n\
         boss@x.com,Boss,manager,\n\
         ana@x.com,Ana,employee,boss@x.com\n\
         ben@x.com,Ben,employee,boss@x.com\n\
         hr@x.com,Hera,hr_admin,\n",
        "kind = \"check_in\"\ncron = \"0 9 * * *\"\ntimezone = \"UTC\"\n\
         business_days = [\"mon\", \"tue\", \"wed\", \"thu\", \"fri\", \"sat\", \"sun\"]\n\
         follow_up = { nudge_after = \"4h\", escalate_after = \"1d\", escalate_hr_after = \"2d\" }",
    )
    .await;
    let clock = Arc::new(db.clock.clone());
    let planner = Planner::new(db.store.clone(), clock.clone(), 100);
    assert_eq!(planner.run_due().await.unwrap().deliveries, 13);
    let recorder = Recorder::default();
    let settings = DispatchSettings {
        owner: "d".into(),
        lease: StdDuration::from_secs(60),
        ..DispatchSettings::default()
    };
    let dispatcher = Dispatcher::new(db.store.clone(), recorder.clone(), clock, settings);
    assert_eq!(dispatcher.run_due().await.unwrap().sent, 4, "the reminders");
    recorder.take();

    let occurrence = OccurrenceId(db.count("SELECT MIN(id) FROM occurrences").await);
    let ana = id_of(&db, "ana@x.com").await;
    let boss = id_of(&db, "boss@x.com").await;
    assert_eq!(db.store.complete(occurrence, ana).await.unwrap(), 3);
    assert_eq!(
        db.store.complete(occurrence, ana).await.unwrap(),
        0,
        "completing twice changes nothing more"
    );
    assert_eq!(
        db.store.complete(occurrence, boss).await.unwrap(),
        2,
        "the boss's own nudge and HR's escalation about them; not their escalations about Ben"
    );

    db.clock.advance(Duration::days(3));
    dispatcher.run_due().await.unwrap();
    let ben = id_of(&db, "ben@x.com").await.0;
    assert_eq!(
        recorder.take(),
        [
            "ben@x.com nudge".to_owned(),
            format!("boss@x.com escalation:{ben}"),
            format!("hr@x.com escalation_hr:{ben}"),
            "hr@x.com nudge".to_owned(),
        ]
    );
    assert_eq!(
        db.count("SELECT COUNT(*) FROM deliveries WHERE status = 'cancelled'")
            .await,
        5
    );
}
