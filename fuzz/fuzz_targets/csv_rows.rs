//! The people import on any bytes: [`read_rows`] (the CSV parser and each cell's parser),
//! then [`plan_file`] against an empty directory, as `rhythm people import` does.
//!
//! Invariants: nothing panics; every row and problem names a line of the file; a file that
//! plans creates one person per distinct email.

#![no_main]

use std::collections::HashSet;

use libfuzzer_sys::fuzz_target;
use rhythm_domain::import::{ChangeKind, ImportOptions, plan_file, read_rows};
use rhythm_domain::people::Timezone;
use rhythm_domain::ports::DirectorySnapshot;

fuzz_target!(|data: &[u8]| {
    // csv ends a line at `\n`, `\r\n`, or a `\r` alone.
    let ends = (0..data.len())
        .filter(|&at| data[at] == b'\n' || (data[at] == b'\r' && data.get(at + 1) != Some(&b'\n')))
        .count();
    let lines = 1 + ends as u64;
    let read = match read_rows(data) {
        Ok(read) => read,
        Err(problems) => {
            assert!(!problems.is_empty());
            for problem in &problems {
                assert!((1..=lines).contains(&problem.line), "{problem}");
            }
            return;
        }
    };
    for row in &read.rows {
        assert!((2..=lines).contains(&row.line), "row at line {}", row.line);
    }
    for problem in &read.problems {
        assert!((1..=lines).contains(&problem.line), "{problem}");
    }
    let options = ImportOptions {
        default_timezone: Timezone::UTC,
        deactivate_missing: true,
    };
    let empty = DirectorySnapshot { people: Vec::new() };
    if let Ok(plan) = plan_file(&read, &empty, &options) {
        let emails: HashSet<_> = read.rows.iter().map(|row| &row.email).collect();
        assert_eq!(plan.changes.len(), emails.len());
        assert!(
            plan.changes
                .iter()
                .all(|change| change.kind == ChangeKind::Created)
        );
        assert!(plan.deactivate.is_empty() && plan.unchanged == 0);
    }
});
