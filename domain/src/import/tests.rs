//! The import's rules, without a database: a snapshot stands in for the directory.

use chrono::{DateTime, Utc};

use super::*;
use crate::people::{ChatIdentity, ChatUserId, Person, PersonId, Platform, Role, TimezoneSource};
use crate::ports::DirectorySnapshot;

fn options() -> ImportOptions {
    ImportOptions {
        default_timezone: Timezone::parse("UTC").unwrap(),
        deactivate_missing: false,
    }
}

fn problems_in(csv: &str) -> Vec<String> {
    problems_against(csv, &DirectorySnapshot::default(), &options())
}

fn problems_against(
    csv: &str,
    snapshot: &DirectorySnapshot,
    options: &ImportOptions,
) -> Vec<String> {
    let problems = match read_rows(csv.as_bytes()) {
        Err(problems) => problems,
        Ok(read) => plan_file(&read, snapshot, options).expect_err("the file is refused"),
    };
    problems.iter().map(ToString::to_string).collect()
}

fn planned(csv: &str, snapshot: &DirectorySnapshot, options: &ImportOptions) -> ImportPlan {
    let read = read_rows(csv.as_bytes()).expect("the file reads");
    plan_file(&read, snapshot, options).expect("the file plans")
}

fn stored(email: &str, manager: Option<&str>, slack: Option<&str>) -> Person {
    let at: DateTime<Utc> = "2026-01-01T00:00:00Z".parse().unwrap();
    Person {
        id: PersonId(1),
        email: Email::parse(email).unwrap(),
        name: DisplayName::parse(email).unwrap(),
        timezone: Timezone::UTC,
        timezone_source: TimezoneSource::Hr,
        role: Role::Employee,
        manager: manager.map(|m| Email::parse(m).unwrap()),
        teams: Vec::new(),
        region: None,
        active: true,
        identities: slack
            .map(|id| ChatIdentity {
                platform: Platform::Slack,
                workspace_id: None,
                user_id: ChatUserId::parse(Platform::Slack, id).unwrap(),
            })
            .into_iter()
            .collect(),
        quiet_hours: None,
        out_of_office: Vec::new(),
        created_at: at,
        updated_at: at,
    }
}

fn directory(people: Vec<Person>) -> DirectorySnapshot {
    DirectorySnapshot { people }
}

#[test]
fn every_bad_cell_is_reported_with_its_line_and_column() {
    let csv = "email,name,timezone,role,region,slack_user_id,discord_user_id\n\
               not-an-email,Ana,Europe/Berlin,employee,de,,\n\
               ben@example.com,,Mars/Olympus,ceo,Bavaria!,u123,abc\n\
               carl@example.com,Carl,UTC,employee,,,\n";
    assert_eq!(
        problems_in(csv),
        [
            "line 2: email: `not-an-email` is not an email address: it has no @",
            "line 3: name: this cell is required",
            "line 3: timezone: unknown time zone `Mars/Olympus`: use an IANA name such as Europe/Berlin or America/New_York",
            "line 3: role: unknown role `ceo`: use employee, manager or hr_admin",
            "line 3: region: `Bavaria!` is not a region: use 1 to 32 letters, digits, - or _, such as de or us-ca",
            "line 3: slack_user_id: `u123` is not a slack user id: a Slack member id starts with U or W, as in U024BE7LH",
            "line 3: discord_user_id: `abc` is not a discord user id: a Discord user id is 17 to 20 digits, as in 80351110224678912",
        ]
    );
}

#[test]
fn problems_in_cells_and_across_rows_are_reported_together() {
    let csv = "email,name,timezone,manager_email\n\
               ana@example.com,Ana,Mars/Olympus,ghost@example.com\n\
               ben@example.com,,UTC,ana@example.com\n\
               ben@example.com,Ben again,UTC,\n";
    assert_eq!(
        problems_in(csv),
        [
            "line 2: timezone: unknown time zone `Mars/Olympus`: use an IANA name such as Europe/Berlin or America/New_York",
            "line 2: manager_email: no person ghost@example.com in the file or in the directory; add a row for them",
            "line 3: name: this cell is required",
            "line 4: email: ben@example.com appears again; it is first on line 3",
        ]
    );
}

#[test]
fn an_unknown_or_repeated_column_and_missing_required_ones_are_refused() {
    assert_eq!(
        problems_in("email,nickname,email\nana@example.com,Ana,ana@example.com\n"),
        [
            "line 1: nickname: unknown column; the columns are email, name, timezone, role, manager_email, team, region, slack_user_id, discord_user_id",
            "line 1: email: this column appears twice in the header",
            "line 1: name: this column is required in the header",
        ]
    );
}

#[test]
fn an_empty_file_is_refused_naming_the_header() {
    let problems = problems_in("");
    assert_eq!(problems.len(), 1);
    assert!(
        problems[0].starts_with("line 1: header: the file is empty"),
        "{problems:?}"
    );
}

#[test]
fn a_row_with_the_wrong_number_of_fields_is_refused() {
    assert_eq!(
        problems_in("email,name\nana@example.com,Ana,extra\n"),
        ["line 2: row: expected 2 fields, found 3"]
    );
}

#[test]
fn a_cell_that_is_not_utf8_is_refused() {
    let mut csv = b"email,name\nana@example.com,Ana L".to_vec();
    csv.extend_from_slice(&[0xf3, 0x28]);
    csv.extend_from_slice(b"pez\n");
    let problems: Vec<String> = read_rows(&csv[..])
        .unwrap()
        .problems
        .iter()
        .map(ToString::to_string)
        .collect();
    assert_eq!(
        problems,
        ["line 2: name: this cell is not UTF-8 text; save the file as CSV UTF-8"]
    );
}

#[test]
fn quoted_cells_bom_crlf_and_any_column_order_are_read() {
    let csv = "\u{feff}name,email\r\n\"López, Ana\",ANA@example.com\r\n\"Multi\r\nline\",x@example.com\r\n\r\nBen,bad\r\n";
    let problems = problems_in(csv);
    assert_eq!(
        problems,
        [
            "line 3: name: a name must not contain control characters",
            "line 6: email: `bad` is not an email address: it has no @",
        ]
    );
    let rows = read_rows("\u{feff}name,email\r\n\"López, Ana\",ANA@example.com\r\n".as_bytes())
        .unwrap()
        .rows;
    assert_eq!(rows[0].name.as_str(), "López, Ana");
    assert_eq!(rows[0].email.as_str(), "ana@example.com");
}

#[test]
fn lines_ended_by_a_carriage_return_alone_are_counted_like_any_other() {
    // Found by the csv_rows fuzz target (fuzz/): every problem in such a file said line 1.
    assert_eq!(
        problems_in("email,name\ra@x.o,"),
        ["line 2: name: this cell is required"]
    );
    let mixed = "email,name\rana@example.com,Ana\r\rben@example.com,\r\ncarl@example.com,\n";
    assert_eq!(
        problems_in(mixed),
        [
            "line 4: name: this cell is required",
            "line 5: name: this cell is required",
        ]
    );
}

#[test]
fn a_duplicate_email_is_refused_naming_the_first_line() {
    assert_eq!(
        problems_in(
            "email,name\nana@example.com,Ana\nben@example.com,Ben\nANA@example.com,Ana again\n"
        ),
        ["line 4: email: ana@example.com appears again; it is first on line 2"]
    );
}

#[test]
fn a_manager_must_be_in_the_file_or_the_directory() {
    let csv = "email,name,manager_email\n\
               ana@example.com,Ana,boss@example.com\n\
               ben@example.com,Ben,ghost@example.com\n\
               carl@example.com,Carl,ana@example.com\n";
    let known = directory(vec![stored("boss@example.com", None, None)]);
    assert_eq!(
        problems_against(csv, &known, &options()),
        [
            "line 3: manager_email: no person ghost@example.com in the file or in the directory; add a row for them"
        ]
    );
}

#[test]
fn nobody_is_their_own_manager() {
    assert_eq!(
        problems_in("email,name,manager_email\nana@example.com,Ana,ana@example.com\n"),
        ["line 2: manager_email: a person cannot be their own manager"]
    );
}

#[test]
fn a_manager_cycle_is_refused_on_every_line_it_passes() {
    let csv = "email,name,manager_email\n\
               a@example.com,A,b@example.com\n\
               b@example.com,B,c@example.com\n\
               c@example.com,C,a@example.com\n\
               d@example.com,D,a@example.com\n";
    let cycle = "a@example.com → b@example.com → c@example.com → a@example.com";
    assert_eq!(
        problems_in(csv),
        [
            format!("line 2: manager_email: managers form a cycle: {cycle}"),
            format!("line 3: manager_email: managers form a cycle: {cycle}"),
            format!("line 4: manager_email: managers form a cycle: {cycle}"),
        ]
    );
}

#[test]
fn a_cycle_through_the_directory_is_found_too() {
    // boss manages nobody in the file, but the directory says boss reports to ana.
    let known = directory(vec![stored(
        "boss@example.com",
        Some("ana@example.com"),
        None,
    )]);
    let csv = "email,name,manager_email\nana@example.com,Ana,boss@example.com\n";
    let problems = problems_against(csv, &known, &options());
    assert_eq!(
        problems,
        [
            "line 2: manager_email: managers form a cycle: ana@example.com → boss@example.com → ana@example.com"
        ]
    );
}

#[test]
fn a_chat_id_claimed_by_two_people_is_refused() {
    let csv = "email,name,slack_user_id\n\
               ana@example.com,Ana,U0AAA0001\n\
               ben@example.com,Ben,U0AAA0001\n\
               carl@example.com,Carl,U0OLD0001\n";
    let known = directory(vec![stored("old@example.com", None, Some("U0OLD0001"))]);
    assert_eq!(
        problems_against(csv, &known, &options()),
        [
            "line 3: slack_user_id: U0AAA0001 is also given to ana@example.com on line 2",
            "line 4: slack_user_id: U0OLD0001 already belongs to old@example.com in the directory",
        ]
    );
}

#[test]
fn deactivating_a_manager_who_still_has_reports_is_refused() {
    let known = directory(vec![stored("boss@example.com", None, None)]);
    let csv = "email,name,manager_email\nana@example.com,Ana,boss@example.com\n";
    let options = ImportOptions {
        deactivate_missing: true,
        ..options()
    };
    let problems = problems_against(csv, &known, &options);
    assert_eq!(problems.len(), 1);
    assert!(
        problems[0].contains("--deactivate-missing would deactivate a manager"),
        "{problems:?}"
    );
}

#[test]
fn a_plan_creates_the_new_updates_the_changed_and_counts_the_rest() {
    let known = directory(vec![
        stored("same@example.com", None, None),
        stored("moved@example.com", None, None),
        stored("left@example.com", None, None),
    ]);
    let csv = "email,name,timezone\n\
               same@example.com,same@example.com,\n\
               moved@example.com,moved@example.com,Asia/Tokyo\n\
               new@example.com,New,\n";
    let options = ImportOptions {
        deactivate_missing: true,
        ..options()
    };
    let plan = planned(csv, &known, &options);
    assert_eq!(plan.unchanged, 1);
    assert_eq!(plan.created(), 1);
    let updated: Vec<_> = plan
        .changes
        .iter()
        .filter_map(|c| match &c.kind {
            ChangeKind::Updated { fields } => Some((c.email.as_str(), fields.clone())),
            ChangeKind::Created => None,
        })
        .collect();
    assert_eq!(updated, [("moved@example.com", vec!["timezone"])]);
    let deactivated: Vec<&str> = plan.deactivate.iter().map(|p| p.email.as_str()).collect();
    assert_eq!(deactivated, ["left@example.com"]);
}

#[test]
fn a_zone_from_the_file_is_hrs_and_a_missing_one_is_the_default() {
    let csv = "email,name,timezone\n\
               given@example.com,Given,Asia/Tokyo\n\
               blank@example.com,Blank,\n";
    let plan = planned(csv, &DirectorySnapshot::default(), &options());
    let sources: Vec<_> = plan
        .changes
        .iter()
        .map(|c| (c.email.as_str(), c.timezone.as_str(), c.timezone_source))
        .collect();
    assert_eq!(
        sources,
        [
            ("given@example.com", "Asia/Tokyo", TimezoneSource::Hr),
            ("blank@example.com", "UTC", TimezoneSource::Default),
        ]
    );
}

#[test]
fn a_zone_the_file_repeats_becomes_hrs_unless_someone_chose_it() {
    let with_source = |email: &str, source: TimezoneSource| Person {
        timezone_source: source,
        ..stored(email, None, None)
    };
    let known = directory(vec![
        with_source("default@example.com", TimezoneSource::Default),
        with_source("slack@example.com", TimezoneSource::Slack),
        with_source("person@example.com", TimezoneSource::Person),
        with_source("blank@example.com", TimezoneSource::Slack),
    ]);
    let csv = "email,name,timezone\n\
               default@example.com,default@example.com,UTC\n\
               slack@example.com,slack@example.com,UTC\n\
               person@example.com,person@example.com,UTC\n\
               blank@example.com,blank@example.com,\n";
    let plan = planned(csv, &known, &options());
    let changed: Vec<_> = plan
        .changes
        .iter()
        .map(|c| (c.email.as_str(), c.timezone_source))
        .collect();
    assert_eq!(
        changed,
        [
            ("default@example.com", TimezoneSource::Hr),
            ("slack@example.com", TimezoneSource::Hr),
        ]
    );
    assert_eq!(
        plan.unchanged, 2,
        "a person's own zone and an empty cell stay"
    );
}

mod records_of_other_imports {
    use crate::import::{Record, records};

    fn lines(text: &str) -> Vec<Record> {
        records(text.as_bytes()).expect("the file reads")
    }

    fn record(line: u64, cells: &[&str]) -> Record {
        let cells = cells.iter().map(|cell| (*cell).to_owned()).collect();
        Record { line, cells }
    }

    #[test]
    fn each_record_is_numbered_by_the_line_it_starts_on_whatever_the_line_ends() {
        for end in ["\n", "\r\n", "\r"] {
            let text = format!("a,b{end}1,2{end}{end}3,4{end}");
            assert_eq!(
                lines(&text),
                vec![
                    record(1, &["a", "b"]),
                    record(2, &["1", "2"]),
                    record(4, &["3", "4"])
                ],
                "{end:?}"
            );
        }
    }

    #[test]
    fn a_quoted_cell_keeps_its_commas_quotes_and_line_breaks_and_later_lines_count_them() {
        let text = "a,b\r\n\"x, \"\"y\"\"\r\nz\",2\r\n3,4";
        assert_eq!(
            lines(text),
            vec![
                record(1, &["a", "b"]),
                record(2, &["x, \"y\"\r\nz", "2"]),
                record(4, &["3", "4"]),
            ]
        );
    }

    #[test]
    fn a_byte_order_mark_is_not_part_of_the_first_cell() {
        assert_eq!(
            lines("\u{feff}owner,title\n"),
            vec![record(1, &["owner", "title"])]
        );
    }

    #[test]
    fn text_that_is_not_utf8_is_refused_at_its_line() {
        let problem = records(b"a,b\r\n1,2\r\n3,\xff\r\n").unwrap_err();
        assert_eq!(problem.line, 3);
        assert!(problem.reason.contains("not UTF-8"), "{problem}");
    }
}
