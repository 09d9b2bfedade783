//! Reading an import CSV into parsed rows, or into every problem it has.

use std::collections::HashMap;
use std::io::Read;

use crate::people::{ChatUserId, DisplayName, Email, Platform, Region, Role, TeamName, Timezone};

use super::Problem;

/// The columns an import file may have, in any order.
pub const COLUMNS: [&str; 9] = [
    "email",
    "name",
    "timezone",
    "role",
    "manager_email",
    "team",
    "region",
    "slack_user_id",
    "discord_user_id",
];

/// One valid row of an import file.
///
/// An optional field is `None` when its column is absent from the file: the person's stored
/// value is then kept (or, for someone new, the default applies).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportRow {
    /// The row's line in the file (1 is the header).
    pub line: u64,
    /// The person's key.
    pub email: Email,
    /// Their name.
    pub name: DisplayName,
    /// `None`: column absent or cell empty, keep theirs (new people get the default zone).
    pub timezone: Option<Timezone>,
    /// `None`: column absent or cell empty, keep theirs (new people are employees).
    pub role: Option<Role>,
    /// `Some(None)`: no manager.
    pub manager: Option<Option<Email>>,
    /// `Some(vec![])`: in no team.
    pub teams: Option<Vec<TeamName>>,
    /// `Some(None)`: no region.
    pub region: Option<Option<Region>>,
    /// `None`: column absent or cell empty; chat accounts are never removed by import.
    pub slack: Option<ChatUserId>,
    /// As `slack`.
    pub discord: Option<ChatUserId>,
}

/// Where each known column sits in the file.
#[derive(Debug, Default)]
struct Layout {
    index: [Option<usize>; COLUMNS.len()],
    width: usize,
}

impl Layout {
    fn read(header: &csv::ByteRecord) -> Result<Self, Vec<Problem>> {
        let names = header.iter().map(String::from_utf8_lossy);
        let columns = header_columns(names, &COLUMNS, &["email", "name"])?;
        let mut layout = Layout {
            width: header.len(),
            ..Layout::default()
        };
        for (slot, column) in COLUMNS.iter().enumerate() {
            layout.index[slot] = columns.get(column).copied();
        }
        Ok(layout)
    }

    fn slot(&self, column: &str) -> Option<usize> {
        let slot = COLUMNS.iter().position(|known| *known == column)?;
        self.index[slot]
    }
}

/// The text of one record, cell by cell, with the record's line for problems.
struct Cells<'a> {
    line: u64,
    layout: &'a Layout,
    record: &'a csv::ByteRecord,
    problems: &'a mut Vec<Problem>,
}

impl Cells<'_> {
    /// The trimmed text of `column`: `None` if the column is absent.
    fn text(&mut self, column: &'static str) -> Option<&str> {
        let raw = self.record.get(self.layout.slot(column)?)?;
        match std::str::from_utf8(raw) {
            Ok(text) => Some(text.trim()),
            Err(_) => {
                self.problems.push(Problem::new(
                    self.line,
                    column,
                    "this cell is not UTF-8 text; save the file as CSV UTF-8",
                ));
                None
            }
        }
    }

    /// Parses a present, non-empty cell; records the problem if it does not parse.
    fn parse<T>(
        &mut self,
        column: &'static str,
        parse: impl FnOnce(&str) -> Result<T, crate::people::Invalid>,
    ) -> Option<Option<T>> {
        let line = self.line;
        let text = self.text(column)?;
        if text.is_empty() {
            return Some(None);
        }
        match parse(text) {
            Ok(value) => Some(Some(value)),
            Err(invalid) => {
                self.problems.push(Problem::new(line, column, invalid.0));
                None
            }
        }
    }

    fn required<T>(
        &mut self,
        column: &'static str,
        parse: impl FnOnce(&str) -> Result<T, crate::people::Invalid>,
    ) -> Option<T> {
        let line = self.line;
        match self.parse(column, parse)? {
            Some(value) => Some(value),
            None => {
                self.problems
                    .push(Problem::new(line, column, "this cell is required"));
                None
            }
        }
    }
}

/// Turns the byte offset where a record starts into its line number.
///
/// The csv crate's own line count lags by one after a CRLF line end (it counts the `\n` as
/// the start of the next record), and spreadsheets write CRLF, so lines are counted here
/// from the byte where each record starts. A line ends where csv ends a record: at `\n`,
/// `\r\n`, or a `\r` alone (classic Mac line ends, which Excel for Mac still offers).
struct LineCounter<'a> {
    data: &'a [u8],
    offset: usize,
    line: u64,
}

impl LineCounter<'_> {
    /// The line of the record starting at `byte`; records must come in file order.
    fn line_at(&mut self, position: Option<&csv::Position>) -> u64 {
        let Some(position) = position else {
            return self.line;
        };
        let mut start = usize::try_from(position.byte())
            .unwrap_or(usize::MAX)
            .min(self.data.len());
        // Skip the line ends before the record (and blank lines, which csv skips too).
        while matches!(self.data.get(start), Some(b'\r' | b'\n')) {
            start += 1;
        }
        if start > self.offset {
            self.line += line_ends(self.data, self.offset, start) as u64;
            self.offset = start;
        }
        self.line
    }
}

/// How many lines end in `data[from..to]`: one at each `\n`, and one at each `\r` that no
/// `\n` follows.
fn line_ends(data: &[u8], from: usize, to: usize) -> usize {
    (from..to)
        .filter(|&at| match data[at] {
            b'\n' => true,
            b'\r' => data.get(at + 1) != Some(&b'\n'),
            _ => false,
        })
        .count()
}

/// Where each of the `known` columns sits in a header (names trimmed, any case), or every
/// problem of the header: a column not known, one named twice, a `required` one missing.
pub fn header_columns<'a>(
    header: impl IntoIterator<Item = std::borrow::Cow<'a, str>>,
    known: &[&'static str],
    required: &[&str],
) -> Result<HashMap<&'static str, usize>, Vec<Problem>> {
    let mut columns = HashMap::new();
    let mut problems = Vec::new();
    for (position, cell) in header.into_iter().enumerate() {
        let name = cell.trim().to_ascii_lowercase();
        match known.iter().find(|column| **column == name) {
            Some(column) if columns.insert(*column, position).is_some() => problems.push(
                Problem::new(1, column, "this column appears twice in the header"),
            ),
            Some(_) => {}
            None => problems.push(Problem::new(
                1,
                if name.is_empty() { "(empty)" } else { &name },
                format!("unknown column; the columns are {}", known.join(", ")),
            )),
        }
    }
    for column in required {
        if !columns.contains_key(column) {
            problems.push(Problem::new(
                1,
                column,
                "this column is required in the header",
            ));
        }
    }
    if problems.is_empty() {
        Ok(columns)
    } else {
        Err(problems)
    }
}

/// One record of a CSV file, with the line it starts on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Record {
    /// The line it starts on (1 is the header).
    pub line: u64,
    /// Its cells, as written (quotes removed, not trimmed).
    pub cells: Vec<String>,
}

/// Every record of a CSV file, the header first, each numbered by the line it starts on the
/// way the people import numbers them (a line ends at `\n`, `\r\n` or a `\r` alone; blank
/// lines are skipped but counted). Text that is not UTF-8 is a problem naming its line.
/// For other imports (goals) that read their own columns.
pub fn records(data: &[u8]) -> Result<Vec<Record>, Problem> {
    let mut lines = LineCounter {
        data,
        offset: 0,
        line: 1,
    };
    let mut reader = csv::ReaderBuilder::new()
        .flexible(true)
        .has_headers(false)
        .from_reader(data);
    let mut records = Vec::new();
    let mut record = csv::StringRecord::new();
    loop {
        match reader.read_record(&mut record) {
            Ok(false) => return Ok(records),
            Ok(true) => records.push(Record {
                line: lines.line_at(record.position()),
                cells: record.iter().map(str::to_owned).collect(),
            }),
            Err(error) => {
                let line = lines.line_at(error.position());
                let reason = match error.kind() {
                    csv::ErrorKind::Utf8 { .. } => {
                        "this line is not UTF-8 text; save the file as CSV UTF-8".to_owned()
                    }
                    _ => error.to_string(),
                };
                return Err(Problem::new(line, "row", reason));
            }
        }
    }
}

/// An import file as read: the rows, and the problems of their cells.
///
/// A row whose cells have problems is still in `rows` if its email parsed, with each bad
/// field left unset, so that the checks across rows (managers, cycles, chat ids) can report
/// their problems in the same run. Any problem in `problems` stops the import.
#[derive(Debug, Default)]
pub struct ReadRows {
    /// Every row with a valid email.
    pub rows: Vec<ImportRow>,
    /// Every cell and row problem, in file order.
    pub problems: Vec<Problem>,
}

/// Reads an import file. A problem that makes the whole file unreadable (the header, the
/// encoding of a line, an I/O error) is an `Err`.
pub fn read_rows(mut input: impl Read) -> Result<ReadRows, Vec<Problem>> {
    let mut data = Vec::new();
    input.read_to_end(&mut data).map_err(|error| {
        vec![Problem::new(
            1,
            "file",
            format!("cannot read the file: {error}"),
        )]
    })?;
    let mut lines = LineCounter {
        data: &data,
        offset: 0,
        line: 1,
    };
    let mut reader = csv::ReaderBuilder::new()
        .flexible(true)
        .from_reader(&data[..]);
    let header = reader
        .byte_headers()
        .map_err(|error| vec![Problem::new(1, "row", error.to_string())])?
        .clone();
    if header.iter().all(<[u8]>::is_empty) {
        return Err(vec![Problem::new(
            1,
            "header",
            format!(
                "the file is empty; the first line must name the columns, such as {}",
                COLUMNS.join(",")
            ),
        )]);
    }
    let layout = Layout::read(&header)?;
    let mut rows = Vec::new();
    let mut problems = Vec::new();
    let mut record = csv::ByteRecord::new();
    loop {
        match reader.read_byte_record(&mut record) {
            Ok(false) => break,
            Ok(true) => {
                let line = lines.line_at(record.position());
                if record.len() != layout.width {
                    problems.push(Problem::new(
                        line,
                        "row",
                        format!("expected {} fields, found {}", layout.width, record.len()),
                    ));
                    continue;
                }
                let mut cells = Cells {
                    line,
                    layout: &layout,
                    record: &record,
                    problems: &mut problems,
                };
                if let Some(row) = read_row(&mut cells) {
                    rows.push(row);
                }
            }
            Err(error) => {
                let line = lines.line_at(error.position());
                problems.push(Problem::new(line, "row", error.to_string()));
                if !matches!(error.kind(), csv::ErrorKind::Utf8 { .. }) {
                    break;
                }
            }
        }
    }
    Ok(ReadRows { rows, problems })
}

fn read_row(cells: &mut Cells<'_>) -> Option<ImportRow> {
    let email = cells.required("email", Email::parse);
    let name = cells.required("name", DisplayName::parse);
    let timezone = cells.parse("timezone", Timezone::parse);
    let role = cells.parse("role", Role::parse);
    let manager = cells.parse("manager_email", Email::parse);
    let teams = cells.parse("team", TeamName::parse_list);
    let region = cells.parse("region", Region::parse);
    let slack = cells.parse("slack_user_id", |text| {
        ChatUserId::parse(Platform::Slack, text)
    });
    let discord = cells.parse("discord_user_id", |text| {
        ChatUserId::parse(Platform::Discord, text)
    });
    let email = email?;
    Some(ImportRow {
        line: cells.line,
        // A row without a valid name is only kept for the checks across rows; its problem
        // stops the import, so this stand-in is never written.
        name: name.unwrap_or_else(|| DisplayName::stand_in(&email)),
        email,
        timezone: timezone.flatten(),
        role: role.flatten(),
        manager,
        teams: teams.map(Option::unwrap_or_default),
        region,
        slack: slack.flatten(),
        discord: discord.flatten(),
    })
}
