//! Action items as typed in the notes form, one per line: `Ben: send the draft by
//! 2026-03-20`, `me: book the training by friday`. The owner is `me`/`I`, `you`, or either
//! of the pair by first name, full name or email; the due day is a date or a weekday (the
//! next one), and may not have passed.

use chrono::{DateTime, Datelike as _, Days, NaiveDate, NaiveTime, TimeZone as _, Utc, Weekday};

use crate::people::{Person, Platform};
use crate::ports::{Destination, NewActionItem, NewNotice};

/// The most action items one session records.
pub const MAX_ITEMS: usize = 10;
/// When an action item's reminder goes out on its due day, in its owner's zone.
const REMIND_AT: NaiveTime = NaiveTime::from_hms_opt(9, 0, 0).expect("09:00 is a time");

/// Reads the action items field: `recorder` typed it at a session with `other`, on their
/// local day `today`. `Err` is the problem, naming its line.
pub fn action_items(
    text: &str,
    recorder: &Person,
    other: &Person,
    today: NaiveDate,
) -> Result<Vec<NewActionItem>, String> {
    let lines: Vec<(usize, &str)> = text
        .lines()
        .enumerate()
        .map(|(n, line)| {
            (
                n + 1,
                line.trim().trim_start_matches(['-', '•', '*']).trim(),
            )
        })
        .filter(|(_, line)| !line.is_empty())
        .collect();
    if lines.len() > MAX_ITEMS {
        return Err(format!("At most {MAX_ITEMS} action items, one per line."));
    }
    lines
        .into_iter()
        .map(|(n, line)| item(line, recorder, other, today).map_err(|e| format!("Line {n}: {e}")))
        .collect()
}

fn item(
    line: &str,
    recorder: &Person,
    other: &Person,
    today: NaiveDate,
) -> Result<NewActionItem, String> {
    const SHAPE: &str = "write it like `Ben: send the draft by 2026-03-20`";
    let Some((who, rest)) = line.split_once(':') else {
        return Err(format!("say whose it is first; {SHAPE}."));
    };
    let owner = owner(who.trim(), recorder, other).ok_or_else(|| {
        format!(
            "`{}` is neither of you: name `me`, `{}`, or `you`.",
            who.trim(),
            first_name(other)
        )
    })?;
    let words: Vec<&str> = rest.split_whitespace().collect();
    let [text @ .., marker, day] = words.as_slice() else {
        return Err(format!("give it a due day; {SHAPE}."));
    };
    if !matches!(marker.to_ascii_lowercase().as_str(), "by" | "due" | "on") {
        return Err(format!("give it a due day; {SHAPE}."));
    }
    let due = due_day(day, today)?;
    let text = text.join(" ");
    if text.chars().count() < 3 || text.chars().count() > 300 {
        return Err("say what is to be done, in 3 to 300 characters.".to_owned());
    }
    Ok(NewActionItem {
        owner: owner.id,
        text,
        due,
    })
}

fn first_name(person: &Person) -> &str {
    person.name.as_str().split_whitespace().next().unwrap_or("")
}

fn owner<'a>(who: &str, recorder: &'a Person, other: &'a Person) -> Option<&'a Person> {
    let who = who.trim_start_matches('@').to_lowercase();
    match who.as_str() {
        "me" | "i" | "myself" => return Some(recorder),
        "you" | "them" => return Some(other),
        _ => {}
    }
    [recorder, other].into_iter().find(|person| {
        let name = person.name.as_str().to_lowercase();
        let email = person.email.as_str().to_lowercase();
        name == who
            || first_name(person).to_lowercase() == who
            || email == who
            || email.split('@').next() == Some(who.as_str())
    })
}

/// `2026-03-20`, `friday`, `tomorrow`; not before `today`.
fn due_day(word: &str, today: NaiveDate) -> Result<NaiveDate, String> {
    let word = word.trim_end_matches(['.', ',']).to_ascii_lowercase();
    let due = if word == "today" {
        today
    } else if word == "tomorrow" {
        today + Days::new(1)
    } else if let Ok(day) = word.parse::<Weekday>() {
        let ahead = (7 + day.num_days_from_monday() - today.weekday().num_days_from_monday()) % 7;
        today + Days::new(u64::from(if ahead == 0 { 7 } else { ahead }))
    } else {
        NaiveDate::parse_from_str(&word, "%Y-%m-%d")
            .map_err(|_| format!("`{word}` is not a day: write 2026-03-20, friday or tomorrow."))?
    };
    if due < today {
        return Err(format!("{due} has passed: give a day from today on."));
    }
    Ok(due)
}

/// Each item's reminder, in the order of `items`: a DM to its owner (one of `pair`) at
/// 09:00 their time on the due day, on the platform they can be reached on (`fallback`,
/// the recorder's, if they have no chat account).
pub fn reminders(
    items: &[NewActionItem],
    pair: [&Person; 2],
    fallback: Platform,
) -> Vec<(NewNotice, DateTime<Utc>)> {
    items
        .iter()
        .map(|item| {
            let owner = pair
                .into_iter()
                .find(|person| person.id == item.owner)
                .unwrap_or(pair[0]);
            let zone = owner.timezone.tz();
            let local = item.due.and_time(REMIND_AT);
            let at = zone
                .from_local_datetime(&local)
                .earliest()
                .map_or_else(|| local.and_utc(), |t| t.with_timezone(&Utc));
            let notice = NewNotice {
                platform: owner.dm_platform(Some(fallback)).unwrap_or(fallback),
                to: Destination::Person(owner.id),
            };
            (notice, at)
        })
        .collect()
}
