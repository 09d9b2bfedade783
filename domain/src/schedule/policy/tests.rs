use super::*;

fn problems(text: &str) -> Vec<String> {
    Policy::parse(text).expect_err("the policy is refused")
}

const MINIMAL: &str = "[[schedule]]\nname = \"Weekly\"\nkind = \"check_in\"\ncron = \"0 9 * * MON\"\naudience = \"everyone\"\n";

#[test]
fn the_example_policy_reads_with_its_defaults() {
    let text = include_str!("../../../../config/policy.example.toml");
    let policy = Policy::parse(text).unwrap();
    assert_eq!(policy.calendars.len(), 2);
    let names: Vec<&str> = policy.schedules.iter().map(|s| s.name.as_str()).collect();
    assert_eq!(
        names,
        [
            "Weekly check-in",
            "Monthly goal review",
            "Platform 1:1s",
            "H2 self-review deadline"
        ]
    );
    let deadline = &policy.schedules[3];
    assert!(matches!(deadline.recurrence, Recurrence::Once(_)));
    let offsets: Vec<String> = deadline
        .deadline_offsets
        .iter()
        .map(ToString::to_string)
        .collect();
    assert_eq!(offsets, ["-7d", "-1d", "0d"]);
    assert_eq!(policy.schedules[2].holidays.as_deref(), Some("de"));
}

#[test]
fn omitted_keys_take_their_defaults() {
    let schedule = &Policy::parse(MINIMAL).unwrap().schedules[0];
    assert_eq!(schedule.zone, ZoneChoice::Recipient);
    assert_eq!(schedule.business_days, BusinessDays::default());
    assert_eq!(schedule.on_day_off, DayOffPolicy::NextBusinessDay);
    assert_eq!(schedule.grace.to_string(), "1h");
    assert_eq!(schedule.template, "default");
    assert_eq!(schedule.follow_up, FollowUp::default());
    assert!(schedule.deadline_offsets.is_empty());
}

#[test]
fn every_problem_is_named_by_schedule_and_key() {
    let text = "[[schedule]]\nname = \"Broken\"\nkind = \"standup\"\ncron = \"0 9 * *\"\n\
                timezone = \"Mars/Base\"\naudience = \"people:\"\nstarts = \"2027-01-01\"\nends = \"2026-01-01\"\n";
    let found = problems(text);
    assert_eq!(found.len(), 4, "{found:#?}");
    assert!(
        found[0].starts_with("schedule `Broken`: kind: unknown schedule kind `standup`"),
        "{found:#?}"
    );
    assert!(
        found[1].starts_with("schedule `Broken`: cron: `0 9 * *` is not a cron expression"),
        "{found:#?}"
    );
    assert!(
        found[2].starts_with("schedule `Broken`: timezone: unknown time zone `Mars/Base`"),
        "{found:#?}"
    );
    assert_eq!(
        found[3],
        "schedule `Broken`: audience: the audience `people:` names nobody"
    );
}

#[test]
fn an_end_before_the_start_is_refused() {
    let text = format!("{MINIMAL}starts = \"2027-01-01\"\nends = \"2026-01-01\"\n");
    assert_eq!(
        problems(&text),
        ["schedule `Weekly`: schedule: ends (2026-01-01) is before starts (2027-01-01)"]
    );
}

#[test]
fn cron_and_at_are_exclusive_and_one_is_required() {
    let both = MINIMAL.replace(
        "cron = \"0 9 * * MON\"\n",
        "cron = \"0 9 * * MON\"\nat = \"2026-12-15T17:00:00\"\n",
    );
    assert!(problems(&both)[0].contains("give either cron (repeating) or at (once)"));
    let neither = MINIMAL.replace("cron = \"0 9 * * MON\"\n", "");
    assert!(problems(&neither)[0].contains("give either cron (repeating) or at (once)"));
}

#[test]
fn follow_ups_need_something_to_complete_and_must_escalate_after_the_nudge() {
    let announcement =
        MINIMAL.replace("check_in", "announcement") + "follow_up = { nudge_after = \"4h\" }\n";
    assert!(problems(&announcement)[0].contains("an announcement has nothing"));
    let backwards =
        format!("{MINIMAL}follow_up = {{ nudge_after = \"1d\", escalate_after = \"4h\" }}\n");
    assert!(problems(&backwards)[0].contains("not after the nudge"));
}

#[test]
fn a_schedule_name_is_unique_and_calendars_must_exist() {
    let twice = format!("{MINIMAL}{MINIMAL}");
    assert_eq!(
        problems(&twice),
        ["schedule `Weekly` is defined twice; names must be unique"]
    );
    let missing = format!("{MINIMAL}holidays = \"fr\"\n");
    assert_eq!(
        problems(&missing),
        [
            "schedule `Weekly`: holidays: no holiday calendar named `fr`; define it with [[holiday_calendar]] in the policy file"
        ]
    );
}

#[test]
fn unknown_keys_and_toml_errors_are_refused_with_their_place() {
    let typo = format!("{MINIMAL}timezon = \"UTC\"\n");
    let found = problems(&typo);
    assert!(found[0].contains("unknown field `timezon`"), "{found:?}");
    assert!(found[0].contains("line 6"), "{found:?}");
    assert!(problems("[[schedule]\n")[0].contains("line 1"));
}

#[test]
fn deadline_offsets_read_signed_and_belong_to_deadlines() {
    assert_eq!(Offset::parse("-7d").unwrap().to_string(), "-7d");
    assert_eq!(Offset::parse("+1d").unwrap().to_string(), "1d");
    assert!(Offset::parse("soon").is_err());
    let check_in = format!("{MINIMAL}deadline_offsets = [\"-1d\"]\n");
    assert!(problems(&check_in)[0].contains("only for kind = \"appraisal_deadline\""));
}

#[test]
fn deadlines_escalate_by_default_and_an_empty_follow_up_turns_that_off() {
    let deadline = MINIMAL
        .replace("check_in", "appraisal_deadline")
        .replace("cron = \"0 9 * * MON\"", "at = \"2026-12-15T17:00:00\"");
    let read = |text: &str| Policy::parse(text).unwrap().schedules.remove(0).follow_up;
    assert_eq!(read(&deadline), FollowUp::deadline_default());
    assert_eq!(
        read(&format!("{deadline}follow_up = {{}}\n")),
        FollowUp::default()
    );
    assert_eq!(
        read(MINIMAL),
        FollowUp::default(),
        "check-ins do not follow up unless told"
    );
    let hr_before_nudge =
        format!("{deadline}follow_up = {{ nudge_after = \"2d\", escalate_hr_after = \"1d\" }}\n");
    assert!(problems(&hr_before_nudge)[0].contains("follow_up.escalate_hr_after is 1d"));
}

#[test]
fn a_schedule_survives_the_round_trip_through_its_document() {
    let mut text = include_str!("../../../../config/policy.example.toml").to_owned();
    text.push_str(
        "[[schedule]]\nname = \"Quiet deadline\"\nkind = \"appraisal_deadline\"\nat = \"2026-12-15T17:00:00\"\naudience = \"everyone\"\nfollow_up = {}\n",
    );
    let policy = Policy::parse(&text).unwrap();
    let calendars: HashSet<String> = policy.calendars.iter().map(|c| c.name.clone()).collect();
    for schedule in &policy.schedules {
        let doc = schedule.to_doc();
        let json = serde_json::to_string(&doc).unwrap();
        let back: ScheduleDoc = serde_json::from_str(&json).unwrap();
        assert_eq!(back.read(&calendars).unwrap(), *schedule, "{json}");
    }
}
