//! A message's blocks as Discord markdown: its `content`.
//!
//! The neutral markup `**bold**` is Discord's too and is kept. Everything else that Discord
//! would read as markdown is backslash-escaped, so text shows as typed:
//!
//! The neutral `` `code` `` is Discord's too and is kept as it is, with what is inside: Discord
//! reads nothing inside a code span as markdown or as a mention.
//!
//! - anywhere in a line: `\`, a `*` that is not half of a `**`, `_`, `~`, a `` ` `` with no
//!   closing one, `|`, `<`
//!   (which also covers `<@123>`, `<#123>`, `<t:…>` and custom emoji) and `[` (a masked link
//!   needs it; `]`, `(` and `)` mean nothing without it, so they are left alone), and the `@`
//!   of `@everyone` and `@here`;
//! - at the start of a line (after any indentation): `>` (quotes), `#` (headings), `-` and `+`
//!   (lists, and `-#` small print), and the `.` of `1.` (numbered lists).
//!
//! Links (`http://…`, `https://…`, up to the next space, `<` or `**`) are left as they are,
//! so they stay clickable: Discord reads a link before the markdown inside it.
//! The `allowed_mentions` of the message stops pings either way; the escaping keeps a typed
//! mention from even looking like one.

use rhythm_domain::chat::Block;

use crate::text::is_blank;

/// Where text is cut (it ends with this).
const ELLIPSIS: char = '…';

/// The blocks as one markdown text (not yet cut to a length), a line break between parts: a
/// `## ` heading, paragraphs (an empty line between two in a row), `**label**: value` lines,
/// `-# ` small print, and an empty line for a divider. Buttons are components, not text: they
/// are left out here.
pub(super) fn content(blocks: &[Block]) -> String {
    let mut parts: Vec<String> = Vec::new();
    let mut previous: Option<&Block> = None;
    for block in blocks {
        match block {
            Block::Header(text) if !is_blank(text) => {
                let line = text.split_whitespace().collect::<Vec<_>>().join(" ");
                parts.push(format!("## {}", escape(&line)));
            }
            Block::Text(text) if !is_blank(text) => {
                // Paragraphs one after another are set apart by an empty line.
                if matches!(previous, Some(Block::Text(_))) {
                    parts.push(String::new());
                }
                parts.push(escape(text.trim()));
            }
            Block::Fields(fields) => parts.extend(
                fields
                    .iter()
                    .filter_map(|(label, value)| field_line(label, value)),
            ),
            Block::Context(text) => parts.extend(
                text.lines()
                    .filter(|line| !is_blank(line))
                    .map(|line| format!("-# {}", escape(line.trim()))),
            ),
            // An empty line; never two in a row, nor one first.
            Block::Divider => {
                if parts.last().is_some_and(|last| !last.is_empty()) {
                    parts.push(String::new());
                }
            }
            Block::Header(_) | Block::Text(_) | Block::Buttons(_) => continue,
        }
        previous = Some(block);
    }
    if parts.last().is_some_and(String::is_empty) {
        parts.pop();
    }
    parts.join("\n")
}

/// A field as `**label**: value`; `None` if both are empty.
fn field_line(label: &str, value: &str) -> Option<String> {
    // The label is bold already, so bold markers inside it are dropped rather than nested.
    let label = escape(label.replace("**", "").trim());
    let value = escape(value.trim());
    match (label.is_empty(), value.is_empty()) {
        (true, true) => None,
        (false, true) => Some(format!("**{label}**")),
        (true, false) => Some(value),
        (false, false) => Some(format!("**{label}**: {value}")),
    }
}

/// Neutral text as Discord markdown that shows everything but `**bold**` as typed.
pub(super) fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + text.len() / 8);
    for (n, line) in text.split('\n').enumerate() {
        if n > 0 {
            out.push('\n');
        }
        escape_line(line, &mut out);
    }
    out
}

/// One line: its start, then the rest.
fn escape_line(line: &str, out: &mut String) {
    let body = line.trim_start_matches([' ', '\t']);
    out.push_str(&line[..line.len() - body.len()]);
    let rest = if let Some(rest) = body.strip_prefix(['>', '#', '-', '+']) {
        out.push('\\');
        out.push_str(&body[..1]);
        rest
    } else if let Some(rest) = numbered_list_dot(body) {
        out.push_str(&body[..body.len() - rest.len() - 1]);
        out.push_str("\\.");
        rest
    } else {
        body
    };
    escape_inline(rest, out);
}

/// After `1.` and the like at the start of a line (followed by a space or nothing), what
/// follows the dot.
fn numbered_list_dot(body: &str) -> Option<&str> {
    let digits = body.len() - body.trim_start_matches(|c: char| c.is_ascii_digit()).len();
    let rest = body[digits..].strip_prefix('.')?;
    (digits > 0 && (rest.is_empty() || rest.starts_with([' ', '\t']))).then_some(rest)
}

/// The inline characters of one line (no line breaks in `text`).
fn escape_inline(text: &str, out: &mut String) {
    let mut rest = text;
    let mut previous: Option<char> = None;
    while let Some(c) = rest.chars().next() {
        if let Some(link) = link_at(rest, previous) {
            out.push_str(link);
            rest = &rest[link.len()..];
            previous = link.chars().next_back();
            continue;
        }
        if let Some(span) = code_at(rest) {
            out.push_str(span);
            rest = &rest[span.len()..];
            previous = Some('`');
            continue;
        }
        if let Some(after) = rest.strip_prefix("**") {
            out.push_str("**");
            rest = after;
            previous = Some('*');
            continue;
        }
        let mention =
            c == '@' && (rest[1..].starts_with("everyone") || rest[1..].starts_with("here"));
        if mention || matches!(c, '\\' | '*' | '_' | '~' | '`' | '|' | '<' | '[') {
            out.push('\\');
        }
        out.push(c);
        rest = &rest[c.len_utf8()..];
        previous = Some(c);
    }
}

/// The code span starting `text`, if one does: a backtick, then text, then the next
/// backtick. Kept as it is: Discord shows what is inside as typed (no markdown, no
/// mentions), in a fixed-width font, as Slack does.
fn code_at(text: &str) -> Option<&str> {
    let inside = text.strip_prefix('`')?;
    let end = inside.find('`')?;
    (end > 0).then(|| &text[..end + 2])
}

/// The link starting `text`, if one does: `http://` or `https://` not inside a word, up to
/// the next whitespace, `<` or `**`.
fn link_at(text: &str, previous: Option<char>) -> Option<&str> {
    if previous.is_some_and(char::is_alphanumeric)
        || !(text.starts_with("https://") || text.starts_with("http://"))
    {
        return None;
    }
    let end = text
        .char_indices()
        .find(|&(at, c)| c.is_whitespace() || c == '<' || text[at..].starts_with("**"))
        .map_or(text.len(), |(at, _)| at);
    Some(&text[..end])
}

/// Markdown cut to at most `max` characters, ending with `…` if it was cut: never inside an
/// escape or a `**`, and with bold left open by the cut closed again.
pub(super) fn cut(markdown: &str, max: usize) -> String {
    if markdown.chars().count() <= max {
        return markdown.to_owned();
    }
    let (kept, open) = prefix(markdown, max.saturating_sub(1));
    if !open {
        return format!("{kept}{ELLIPSIS}");
    }
    // Room for the `**` that closes the bold.
    match prefix(markdown, max.saturating_sub(3)) {
        (kept, true) => format!("{kept}{ELLIPSIS}**"),
        (kept, false) => format!("{kept}{ELLIPSIS}"),
    }
}

/// The first `room` characters of `markdown`, less a trailing half escape or half `**`, and
/// whether bold is open at the end of them.
fn prefix(markdown: &str, room: usize) -> (&str, bool) {
    let end = markdown
        .char_indices()
        .nth(room)
        .map_or(markdown.len(), |(at, _)| at);
    let text = &markdown[..end];
    let (mut at, mut open) = (0, false);
    let bytes = text.as_bytes();
    while at < bytes.len() {
        match (bytes[at], bytes.get(at + 1)) {
            // A whole escape: the backslash and the (ASCII) character it escapes.
            (b'\\', Some(_)) => at += 2,
            (b'*', Some(b'*')) => {
                open = !open;
                at += 2;
            }
            // A backslash or a `*` cut from what followed it.
            (b'\\' | b'*', None) => return (&text[..at], open),
            _ => at += 1,
        }
    }
    (text, open)
}
