//! The console messenger: until a chat platform is configured, every delivery is printed,
//! one line each, and recorded as sent with a `console-ID` message id, so `rhythm run` does
//! something visible on a fresh machine.

use std::io::Write;
use std::sync::{Arc, Mutex, PoisonError};

use rhythm_domain::chat::Message;
use rhythm_domain::ports::{
    Announcer, Destination, MessageRef, Messenger, Outgoing, SendError, Sent,
};

/// Prints deliveries to a writer (stdout in `rhythm run`).
#[derive(Clone)]
pub struct ConsoleMessenger {
    out: Arc<Mutex<Box<dyn Write + Send>>>,
}

impl ConsoleMessenger {
    /// Prints to standard output.
    pub fn stdout() -> Self {
        Self::to(Box::new(std::io::stdout()))
    }

    /// Prints to `out`.
    pub fn to(out: Box<dyn Write + Send>) -> Self {
        Self {
            out: Arc::new(Mutex::new(out)),
        }
    }
}

/// What a delivery says, in one line.
pub fn describe(message: &Outgoing) -> String {
    let what = match message.step.as_str() {
        "reminder" => "reminder".to_owned(),
        "nudge" => "nudge: not done yet".to_owned(),
        step if step.starts_with("escalation:") => {
            "escalation: a report has not done it".to_owned()
        }
        step if step.starts_with("escalation_hr:") => {
            "escalation to HR: someone has not done it".to_owned()
        }
        step => step.replacen("deadline:", "deadline reminder ", 1),
    };
    format!(
        "{} → {} <{}>: {} [{}] ({what})",
        message.due_at.format("%Y-%m-%d %H:%M UTC"),
        message.name,
        message.email,
        message.schedule,
        message.kind
    )
}

impl Messenger for ConsoleMessenger {
    async fn send(&self, message: &Outgoing) -> Result<Sent, SendError> {
        let line = describe(message);
        let mut out = self.out.lock().unwrap_or_else(PoisonError::into_inner);
        writeln!(out, "{line}")
            .and_then(|()| out.flush())
            .map_err(|error| SendError::Retryable {
                after: None,
                reason: format!("cannot write to the console: {error}"),
            })?;
        Ok(Sent {
            message_id: format!("console-{}", message.id.0),
        })
    }
}

impl Announcer for ConsoleMessenger {
    fn platform(&self) -> &str {
        "console"
    }

    /// Prints one line: where it would go, and its summary.
    async fn announce(&self, to: &Destination, message: &Message) -> Result<MessageRef, SendError> {
        let mut out = self.out.lock().unwrap_or_else(PoisonError::into_inner);
        writeln!(out, "→ {to}: {}", message.summary)
            .and_then(|()| out.flush())
            .map_err(|error| SendError::Retryable {
                after: None,
                reason: format!("cannot write to the console: {error}"),
            })?;
        Ok(MessageRef {
            channel: "console".to_owned(),
            id: to.to_string(),
        })
    }
}

#[cfg(test)]
mod tests {
    use rhythm_domain::people::{DisplayName, Email, PersonId, Timezone};
    use rhythm_domain::ports::{DeliveryId, OccurrenceId, ScheduleId};

    use super::*;

    #[derive(Clone, Default)]
    struct Buffer(Arc<Mutex<Vec<u8>>>);

    impl Write for Buffer {
        fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
            self.0.lock().unwrap().write(bytes)
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }

    #[tokio::test]
    async fn a_delivery_is_printed_on_one_line_and_gets_a_console_id() {
        let buffer = Buffer::default();
        let console = ConsoleMessenger::to(Box::new(buffer.clone()));
        let message = Outgoing {
            id: DeliveryId(42),
            occurrence: OccurrenceId(7),
            person: PersonId(3),
            email: Email::parse("ana@example.com").unwrap(),
            name: DisplayName::parse("Ana López").unwrap(),
            timezone: Timezone::UTC,
            schedule_id: ScheduleId(2),
            schedule: "Weekly check-in".into(),
            template: "default".into(),
            kind: "check_in".into(),
            step: "deadline:-7d".into(),
            due_at: "2026-03-09T08:00:00Z".parse().unwrap(),
            attempts: 0,
            lease_until: chrono::DateTime::<chrono::Utc>::MAX_UTC,
        };
        let sent = console.send(&message).await.unwrap();
        assert_eq!(sent.message_id, "console-42");
        let printed = String::from_utf8(buffer.0.lock().unwrap().clone()).unwrap();
        assert_eq!(
            printed,
            "2026-03-09 08:00 UTC → Ana López <ana@example.com>: Weekly check-in [check_in] (deadline reminder -7d)\n"
        );
    }
}
