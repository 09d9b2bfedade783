//! The weekly board: on Mondays at 09:00 in the policy's board zone, last week's leaderboard
//! (receivers, givers, values, and how widely each team was recognised) is posted in each
//! kudos channel. It is a notice like a kudos's announcements, keyed by the Monday, so every
//! replica may add it and it is posted once; a week without kudos posts nothing.

use chrono::{DateTime, Datelike as _, Days, NaiveDate, NaiveTime, TimeZone as _, Utc};

use super::command::BoardPeriod;
use super::leaderboard::{self, midnight};
use super::messages;
use super::policy::KudosPolicy;
use crate::chat::{Block, Message};
use crate::ports::{Directory, Kudos, StoreError};

/// The subjects of weekly boards: `kudos-board:` and the Monday it is posted.
pub const SUBJECT_PREFIX: &str = "kudos-board:";
/// The local hour on Monday the board is posted at.
const POSTED_AT_HOUR: u32 = 9;

/// The board to post by `now`: the subject of this week's (the one summing up last week),
/// once its Monday 09:00 has passed; `None` if the policy posts none.
pub fn due(policy: &KudosPolicy, now: DateTime<Utc>) -> Option<String> {
    if !policy.weekly_board {
        return None;
    }
    let zone = policy.board_zone();
    let today = now.with_timezone(&zone).date_naive();
    let monday = today - Days::new(u64::from(today.weekday().num_days_from_monday()));
    let at = NaiveTime::from_hms_opt(POSTED_AT_HOUR, 0, 0)?;
    let due_at = zone
        .from_local_datetime(&monday.and_time(at))
        .earliest()?
        .with_timezone(&Utc);
    (now >= due_at).then(|| format!("{SUBJECT_PREFIX}{monday}"))
}

/// What the board `subject` names says; `None` if the week had no public kudos (or the
/// subject is not a board's).
pub async fn compose<S: Kudos + Directory>(
    store: &S,
    subject: &str,
) -> Result<Option<Message>, StoreError> {
    let Some(monday) = subject
        .strip_prefix(SUBJECT_PREFIX)
        .and_then(|day| day.parse::<NaiveDate>().ok())
    else {
        return Ok(None);
    };
    let policy = store.kudos_policy().await?;
    let zone = policy.board_zone();
    // Only for a zone where midnight and the two hours after it never happen that day.
    let fallback = Utc.from_utc_datetime(&monday.and_time(NaiveTime::MIN));
    let window = (
        midnight(monday - Days::new(7), zone, fallback),
        midnight(monday, zone, fallback),
    );
    let mut board = leaderboard::read(store, BoardPeriod::Week, window, None).await?;
    if board.kudos == 0 {
        return Ok(None);
    }
    board.period = "last week".to_owned();
    Ok(Some(Message {
        summary: format!("Kudos last week: {} given", board.kudos),
        blocks: vec![
            Block::Header("🏆 Last week's kudos".to_owned()),
            Block::Text(messages::board(&board)),
        ],
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(text: &str) -> DateTime<Utc> {
        text.parse().unwrap()
    }

    #[test]
    fn the_board_is_due_from_monday_nine_in_the_board_zone_all_week() {
        let mut policy = KudosPolicy::default();
        // Monday 2026-11-23.
        assert_eq!(due(&policy, at("2026-11-23T08:59:59Z")), None);
        assert_eq!(
            due(&policy, at("2026-11-23T09:00:00Z")).as_deref(),
            Some("kudos-board:2026-11-23")
        );
        assert_eq!(
            due(&policy, at("2026-11-29T23:00:00Z")).as_deref(),
            Some("kudos-board:2026-11-23")
        );
        policy.board_timezone = "Asia/Tokyo".to_owned();
        // 09:00 in Tokyo is 00:00 UTC.
        assert_eq!(
            due(&policy, at("2026-11-23T00:00:00Z")).as_deref(),
            Some("kudos-board:2026-11-23")
        );
        assert_eq!(
            due(&policy, at("2026-11-22T23:59:00Z")),
            None,
            "08:59 on Monday in Tokyo"
        );
        policy.weekly_board = false;
        assert_eq!(due(&policy, at("2026-11-23T12:00:00Z")), None);
    }
}
