use chrono::NaiveTime;

use super::*;
use crate::checkin::{QuestionKind, Visibility};

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

#[test]
fn a_deadline_without_reminders_keeps_none_through_its_document() {
    // Found by the schedule fuzz target's round-trip check (fuzz/): the store keeps a
    // schedule as its document, and `deadline_offsets = []` came back as the three defaults.
    let text = "[[schedule]]\nname = \"Review\"\nkind = \"appraisal_deadline\"\n\
                at = \"2026-12-15T17:00:00\"\naudience = \"everyone\"\ndeadline_offsets = []\n";
    let schedule = Policy::parse(text).unwrap().schedules.remove(0);
    assert!(schedule.deadline_offsets.is_empty());
    let json = serde_json::to_string(&schedule.to_doc()).unwrap();
    let back: ScheduleDoc = serde_json::from_str(&json).unwrap();
    assert_eq!(back.read(&HashSet::new()).unwrap(), schedule, "{json}");
}

const TEMPLATE: &str = "[[checkin_template]]\nname = \"retro\"\nvisibility = \"manager\"\ncloses = \"12:30\"\n\
    [[checkin_template.questions]]\nid = \"mood\"\nprompt = \"How did it go?\"\nkind = \"scale\"\nlabels = [\"1\", \"2\", \"3\", \"4\", \"5\"]\n\
    [[checkin_template.questions]]\nid = \"keep\"\nprompt = \"What should we keep?\"\n\
    [[checkin_template.questions]]\nid = \"pace\"\nprompt = \"The pace?\"\nkind = \"choice\"\noptions = [\"Slow\", \"Fine\", \"Fast\"]\noptional = true\n";

fn template_problems(questions: &str) -> Vec<String> {
    problems(&format!("[[checkin_template]]\nname = \"t\"\n{questions}"))
}

#[test]
fn the_example_policy_has_the_weekly_template_its_check_in_names() {
    let text = include_str!("../../../../config/policy.example.toml");
    let policy = Policy::parse(text).unwrap();
    let names: Vec<&str> = policy.templates.iter().map(|t| t.name.as_str()).collect();
    assert_eq!(names, ["weekly"]);
    assert_eq!(policy.schedules[0].template, "weekly");
    let weekly = &policy.templates[0];
    let ids: Vec<&str> = weekly.questions.iter().map(|q| q.id.as_str()).collect();
    assert_eq!(ids, ["mood", "wins", "focus", "blockers", "goals"]);
    assert!(weekly.blocker().is_some_and(|q| q.optional));
    assert!(weekly.goals().is_some());
    assert!(policy.plan_templates(&[]).is_ok());
}

#[test]
fn a_template_asks_about_goals_at_most_once() {
    let goals = |id: &str| {
        format!(
            "[[checkin_template.questions]]\nid = \"{id}\"\nprompt = \"Goals?\"\nkind = \"goals\"\n"
        )
    };
    let policy = Policy::parse(&format!(
        "[[checkin_template]]\nname = \"t\"\n{}",
        goals("goals")
    ));
    assert!(policy.unwrap().templates[0].goals().is_some());
    assert_eq!(
        template_problems(&format!("{}{}", goals("goals"), goals("more"))),
        ["checkin_template `t`: template `t` has 2 goal progress questions; one lists every goal"]
    );
}

#[test]
fn a_template_reads_every_key_and_omitted_keys_take_their_defaults() {
    let policy = Policy::parse(TEMPLATE).unwrap();
    let retro = &policy.templates[0];
    assert_eq!(retro.name, "retro");
    assert_eq!(retro.visibility, Visibility::Manager);
    assert_eq!(retro.closes, NaiveTime::from_hms_opt(12, 30, 0).unwrap());
    assert_eq!(
        retro.questions[1].kind,
        QuestionKind::Text,
        "text by default"
    );
    assert!(!retro.questions[1].optional);
    assert_eq!(
        retro.questions[2].kind,
        QuestionKind::Choice {
            options: vec!["Slow".into(), "Fine".into(), "Fast".into()]
        }
    );
    assert!(retro.questions[2].optional);

    let bare = "[[checkin_template]]\nname = \"bare\"\nquestions = [{ id = \"done\", prompt = \"Done?\" }]\n";
    let bare = &Policy::parse(bare).unwrap().templates[0];
    assert_eq!(bare.visibility, Visibility::Team);
    assert_eq!(bare.closes, NaiveTime::from_hms_opt(17, 0, 0).unwrap());
}

#[test]
fn closes_may_be_a_string_or_a_toml_time_but_must_be_a_time_of_day() {
    let closes = |value: &str| {
        let text = format!(
            "[[checkin_template]]\nname = \"t\"\ncloses = {value}\nquestions = [{{ id = \"a\", prompt = \"A?\" }}]\n"
        );
        Policy::parse(&text).map(|policy| policy.templates[0].closes)
    };
    let half_past_four = NaiveTime::from_hms_opt(16, 30, 0).unwrap();
    assert_eq!(closes("\"16:30\""), Ok(half_past_four));
    assert_eq!(closes("\"16:30:00\""), Ok(half_past_four));
    assert_eq!(closes("16:30:00"), Ok(half_past_four));
    assert_eq!(
        closes("\"5pm\"").unwrap_err(),
        ["checkin_template `t`: closes: \"5pm\" is not a time of day: write it as \"17:00\""]
    );
    assert!(closes("2026-01-01T17:00:00").is_err());
}

#[test]
fn every_template_problem_is_named_by_template_and_key() {
    let text = "[[checkin_template]]\nname = \"bad\"\nvisibility = \"public\"\ncloses = \"25:00\"\n\
                [[checkin_template.questions]]\nid = \"Mood!\"\nprompt = \"How are you feeling right now, on a scale of one to five?\"\nkind = \"scale\"\nlabels = [\"a\", \"b\"]\n\
                [[checkin_template.questions]]\nprompt = \"\"\nkind = \"slider\"\n";
    assert_eq!(
        problems(text),
        [
            "checkin_template `bad`: visibility: unknown visibility `public`; use team (the digest shows the answers) or manager (only the person, their managers and HR)",
            "checkin_template `bad`: closes: \"25:00\" is not a time of day: write it as \"17:00\"",
            "checkin_template `bad`: question `Mood!`: id: `Mood!` must be lower-case letters, digits or _, such as \"done\"",
            "checkin_template `bad`: question `Mood!`: prompt: 57 characters; keep it to 45 (the longest label a Discord form shows)",
            "checkin_template `bad`: question `Mood!`: labels: a scale needs 5 labels, worst first, for 1 to 5; 2 given",
            "checkin_template `bad`: question 2: id: missing; give a short key such as \"done\"",
            "checkin_template `bad`: question 2: prompt: missing; say what the question asks, in at most 45 characters",
            "checkin_template `bad`: question 2: kind: unknown question kind `slider`; use text, scale, choice, blocker or goals",
        ]
    );
}

#[test]
fn questions_need_the_lists_their_kind_uses_and_no_others() {
    let found = template_problems(
        "[[checkin_template.questions]]\nid = \"a\"\nprompt = \"A?\"\nkind = \"choice\"\noptions = [\"Only\"]\n\
         [[checkin_template.questions]]\nid = \"b\"\nprompt = \"B?\"\nkind = \"scale\"\n\
         [[checkin_template.questions]]\nid = \"c\"\nprompt = \"C?\"\nlabels = [\"x\"]\n\
         [[checkin_template.questions]]\nid = \"d\"\nprompt = \"D?\"\nkind = \"choice\"\noptions = [\"Yes\", \" \"]\n",
    );
    assert_eq!(
        found,
        [
            "checkin_template `t`: question `a`: options: a choice needs 2 to 25 options; 1 given",
            "checkin_template `t`: question `b`: labels: a scale needs 5 labels, worst first, for 1 to 5; 0 given",
            "checkin_template `t`: question `c`: labels: only a scale has labels; this question is kind = \"text\"",
            "checkin_template `t`: question `d`: options: the 2nd is empty",
        ]
    );
}

#[test]
fn a_template_asks_one_to_five_questions_each_with_its_own_id() {
    assert_eq!(
        template_problems(""),
        ["checkin_template `t`: questions: 0 given; give 1 to 5 (a form shows at most 5)"]
    );
    let six: String = (1..=6)
        .map(|n| format!("[[checkin_template.questions]]\nid = \"q{n}\"\nprompt = \"Q{n}?\"\n"))
        .collect();
    assert_eq!(
        template_problems(&six),
        ["checkin_template `t`: questions: 6 given; give 1 to 5 (a form shows at most 5)"]
    );
    let twice = "[[checkin_template.questions]]\nid = \"a\"\nprompt = \"A?\"\n\
                 [[checkin_template.questions]]\nid = \"a\"\nprompt = \"Again?\"\n";
    assert_eq!(
        template_problems(twice),
        [
            "checkin_template `t`: question `a`: id: `a` is used twice; give each question its own id"
        ]
    );
}

#[test]
fn a_template_name_is_required_and_unique_and_unknown_keys_are_refused() {
    assert_eq!(
        problems(&format!("{TEMPLATE}{TEMPLATE}")),
        ["checkin_template `retro` is defined twice; names must be unique"]
    );
    let unnamed = TEMPLATE.replace("name = \"retro\"", "name = \" \"");
    assert_eq!(
        problems(&unnamed),
        ["checkin_template ``: name: a check-in template needs a name"]
    );
    let typo = TEMPLATE.replace("visibility", "visible");
    assert!(problems(&typo)[0].contains("unknown field `visible`"));
    let question_typo = TEMPLATE.replace("optional = true", "optinal = true");
    assert!(problems(&question_typo)[0].contains("unknown field `optinal`"));
}

#[test]
fn schedule_and_template_problems_are_reported_together() {
    let text = format!(
        "{}{}",
        MINIMAL.replace("check_in", "standup"),
        TEMPLATE.replace("\"12:30\"", "\"noon\"")
    );
    let found = problems(&text);
    assert_eq!(found.len(), 2, "{found:#?}");
    assert!(found[0].starts_with("schedule `Weekly`: kind:"));
    assert!(found[1].starts_with("checkin_template `retro`: closes:"));
}

#[test]
fn the_default_template_may_be_replaced() {
    let text = TEMPLATE.replace("name = \"retro\"", "name = \"default\"");
    let policy = Policy::parse(&format!("{MINIMAL}{text}")).unwrap();
    assert_eq!(policy.templates[0].name, "default");
    let (changes, write) = policy
        .plan_templates(&[Template::default_template()])
        .unwrap();
    assert_eq!(changes.updated[0].name, "default");
    assert_eq!(
        changes.updated[0].keys,
        ["closes", "questions", "visibility"]
    );
    assert_eq!(write, policy.templates);
}

#[test]
fn a_check_in_must_name_a_template_in_the_file_a_stored_one_or_the_default() {
    let retro = Policy::parse(TEMPLATE).unwrap().templates.remove(0);
    let naming =
        |template: &str| Policy::parse(&format!("{MINIMAL}template = \"{template}\"\n")).unwrap();
    assert_eq!(
        naming("retro").plan_templates(&[]).unwrap_err(),
        [
            "schedule `Weekly`: template: no check-in template named `retro`; define it with [[checkin_template]] in the policy file, or name one of: default"
        ]
    );
    assert!(naming("retro").plan_templates(&[retro]).is_ok());
    assert!(naming("default").plan_templates(&[]).is_ok());
    let in_file = Policy::parse(&format!("{MINIMAL}template = \"retro\"\n{TEMPLATE}")).unwrap();
    assert!(in_file.plan_templates(&[]).is_ok());
    let announcement = Policy::parse(&format!(
        "{}template = \"launch\"\n",
        MINIMAL.replace("check_in", "announcement")
    ))
    .unwrap();
    assert!(
        announcement.plan_templates(&[]).is_ok(),
        "only check-ins have check-in templates"
    );
}

#[test]
fn applying_templates_creates_updates_and_keeps_but_never_deletes() {
    let policy = Policy::parse(TEMPLATE).unwrap();
    let (changes, write) = policy.plan_templates(&[]).unwrap();
    assert_eq!(changes.created, ["retro"]);
    assert_eq!(write, policy.templates);

    let (changes, write) = policy.plan_templates(&policy.templates).unwrap();
    assert_eq!((changes.unchanged, write.len()), (1, 0));

    let edited = Policy::parse(&TEMPLATE.replace("How did it go?", "How was it?")).unwrap();
    let (changes, write) = edited.plan_templates(&policy.templates).unwrap();
    assert_eq!(changes.updated[0].keys, ["questions"]);
    assert_eq!(write, edited.templates);

    let without = Policy::parse(MINIMAL).unwrap();
    let (changes, write) = without.plan_templates(&policy.templates).unwrap();
    assert_eq!(changes.kept, ["retro"]);
    assert!(write.is_empty());
}

#[test]
fn a_template_survives_the_round_trip_through_its_stored_document() {
    let text = include_str!("../../../../config/policy.example.toml");
    let mut templates = Policy::parse(&format!("{text}{TEMPLATE}"))
        .unwrap()
        .templates;
    templates.push(Template::default_template());
    for template in templates {
        let json = serde_json::to_string(&template).unwrap();
        let back: Template = serde_json::from_str(&json).unwrap();
        assert_eq!(back, template, "{json}");
    }
}

const REVIEW_CYCLE: &str = r#"
[[review_cycle]]
name = "2026 H2"
participants = "everyone"
min_responses = 3
deadlines = { nominations = "2026-12-01", self_reviews = "2026-12-08", peer_reviews = "2026-12-15", manager_reviews = "2026-12-20", release = "2027-01-08" }

[[review_cycle.section]]
title = "Craft"

[[review_cycle.section.question]]
id = "quality"
prompt = "Quality of their work"
kind = "rating"
levels = ["Often needs rework", "Needs some rework", "Solid", "Raises the bar", "Sets the bar"]
"#;

#[test]
fn review_cycles_are_read_with_the_rest_of_the_file() {
    let policy = Policy::parse(&format!("{MINIMAL}{REVIEW_CYCLE}")).unwrap();
    assert_eq!(policy.schedules.len(), 1);
    assert_eq!(policy.review_cycles.len(), 1);
    assert_eq!(policy.review_cycles[0].name, "2026 H2");
    assert_eq!(policy.review_cycles[0].min_responses, 3);
    assert!(
        Policy::parse(MINIMAL).unwrap().review_cycles.is_empty(),
        "no [[review_cycle]], no cycles"
    );
}

#[test]
fn a_bad_review_cycle_refuses_the_whole_file_with_the_other_problems() {
    let text = format!(
        "{}{}",
        MINIMAL.replace("check_in", "standup"),
        REVIEW_CYCLE.replace("min_responses = 3", "min_responses = 2")
    );
    let found = problems(&text);
    assert_eq!(found.len(), 2, "{found:#?}");
    assert!(
        found[0].starts_with("schedule `Weekly`: kind:"),
        "{found:#?}"
    );
    assert!(
        found[1].starts_with(
            "review_cycle `2026 H2`: min_responses: 2 would let too few answers point to a \
             reviewer; use at least 3"
        ),
        "{found:#?}"
    );
}
