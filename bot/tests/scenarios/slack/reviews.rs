//! Review cycles on Slack: more people with accounts, and a button pressed by its label
//! (a reviewer's list has a *Write* button per review, the same action on each).

use std::ops::Range;

use rhythm_testing::TestDb;
use rhythm_testing::slack::{FakeMessage, FakeUser, payloads};

use super::{Slack, uid};
use crate::chat::Outcome;

impl Slack {
    /// Gives people `range` Slack accounts too.
    pub(crate) fn add_accounts(&self, range: Range<usize>) {
        for n in range {
            let (email, name) = (format!("p{n}@x.com"), format!("Person {n}"));
            self.fake.add_user(FakeUser::person(&uid(n), &email, &name));
        }
    }

    /// Person `n` presses the button labelled `label` on their newest DM.
    pub(crate) async fn press_labelled(&mut self, db: &TestDb, n: usize, label: &str) -> Outcome {
        let user = uid(n);
        let Some(dm) = self.fake.messages_to(&user).pop() else {
            panic!("person {n} has no DM to press {label} on");
        };
        let (action, value) = labelled(&dm, label);
        let trigger = self.fake.new_trigger_id();
        let press = payloads::block_actions(&user, &action, &value, &dm.channel, &dm.ts, &trigger);
        let before = self.before(n);
        let form = payloads::interactive_form_body(&press);
        let ack = self.deliver(db, "interactive", press, form).await;
        assert_eq!(ack, None, "a press is acked with nothing");
        self.outcome(n, &before, Some(&dm)).await
    }
}

/// The `action_id` and value of the button labelled `label` on `message`.
fn labelled(message: &FakeMessage, label: &str) -> (String, String) {
    message
        .blocks
        .iter()
        .filter_map(|block| block["elements"].as_array())
        .flatten()
        .find(|element| element["text"]["text"] == label)
        .and_then(|element| {
            Some((
                element["action_id"].as_str()?.to_owned(),
                element["value"].as_str()?.to_owned(),
            ))
        })
        .unwrap_or_else(|| panic!("no button {label} on {message:?}"))
}
