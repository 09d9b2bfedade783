//! Text as Discord markdown: escaping what a person typed, and cutting to the limit.

use rhythm_domain::chat::escape_markup;

use super::*;

#[test]
fn typed_markdown_is_escaped_so_it_shows_as_typed() {
    let typed = [
        (
            "_x_ and ~~gone~~ and ||spoiler||",
            r"\_x\_ and \~\~gone\~\~ and \|\|spoiler\|\|",
        ),
        ("# heading", r"\# heading"),
        ("## not a title", r"\## not a title"),
        ("-# not small", r"\-# not small"),
        ("- item", r"\- item"),
        ("a\n  + item", "a\n  \\+ item"),
        ("> quote", r"\> quote"),
        (">>> all", r"\>>> all"),
        ("1. first", r"1\. first"),
        ("1.5 hours - or 2", "1.5 hours - or 2"),
        ("@everyone and @here", r"\@everyone and \@here"),
        ("mail ana@example.com", "mail ana@example.com"),
        (
            "hi <@123> in <#456> at <t:1700000000>",
            r"hi \<@123> in \<#456> at \<t:1700000000>",
        ),
        (
            "```rust\nfn main() {}\n```",
            "\\`\\`\\`rust\nfn main() {}\n\\`\\`\\`",
        ),
        ("a ` b", r"a \` b"),
        (
            "[click](https://evil.example)",
            r"\[click](https://evil.example)",
        ),
        (r"a \ b", r"a \\ b"),
        ("2 * 3 = 6", r"2 \* 3 = 6"),
    ];
    for (typed, shown) in typed {
        assert_eq!(content(vec![text(typed)]), shown, "{typed}");
    }
}

#[test]
fn code_spans_are_kept_with_what_is_inside_them() {
    assert_eq!(
        content(vec![text("Send `/rhythm link 123456` here")]),
        "Send `/rhythm link 123456` here"
    );
    assert_eq!(
        content(vec![text("`<@123> _x_` and _y_")]),
        r"`<@123> _x_` and \_y\_",
        "inside a span Discord reads no markdown and no mention"
    );
    assert_eq!(
        content(vec![text("``")]),
        r"\`\`",
        "an empty span is no span"
    );
}

#[test]
fn text_a_person_wrote_with_double_stars_is_not_made_bold() {
    assert_eq!(
        content(vec![text(&format!(
            "**Ana**: {}",
            escape_markup("**not bold**")
        ))]),
        "**Ana**: \\*\u{200B}\\*not bold\\*\u{200B}\\*"
    );
}

#[test]
fn links_stay_clickable() {
    assert_eq!(
        content(vec![text(
            "see https://example.com/a_b_(c)~d and **https://x.io/y_z**"
        )]),
        "see https://example.com/a_b_(c)~d and **https://x.io/y_z**"
    );
    assert_eq!(
        content(vec![text("<https://example.com/_x_>")]),
        r"\<https://example.com/_x_>"
    );
    assert_eq!(
        content(vec![text("xhttps://a_b")]),
        r"xhttps://a\_b",
        "not a link inside a word"
    );
}

#[test]
fn typed_markup_is_escaped_in_headers_fields_and_small_print_too() {
    let typed = "# _x_ <@1>";
    let shown = r"\# \_x\_ \<@1>";
    assert_eq!(
        content(vec![
            Block::Header(typed.to_owned()),
            Block::Fields(vec![(typed.to_owned(), typed.to_owned())]),
            Block::Context(typed.to_owned()),
        ]),
        format!("## {shown}\n**{shown}**: {shown}\n-# {shown}")
    );
}

#[test]
fn long_content_is_cut_to_2000_characters_counted_not_as_bytes() {
    let long = content(vec![text(&"é".repeat(3000))]);
    assert_eq!(long.chars().count(), MAX_CONTENT);
    assert!(long.ends_with("éé…"));
    assert!(
        long.len() > MAX_CONTENT,
        "multi-byte: more bytes than characters"
    );

    let exactly = content(vec![text(&"🎉".repeat(MAX_CONTENT))]);
    assert_eq!(exactly, "🎉".repeat(MAX_CONTENT), "2000 characters fit");
}

#[test]
fn a_cut_never_splits_an_escape_and_closes_bold_it_left_open() {
    let escapes = content(vec![text(&"_".repeat(1500))]);
    assert_eq!(escapes.chars().count(), 1999);
    assert_eq!(escapes, format!("{}…", r"\_".repeat(999)));

    let bold = content(vec![text(&format!("**{}**", "b".repeat(2500)))]);
    assert_eq!(bold.chars().count(), MAX_CONTENT);
    assert_eq!(bold, format!("**{}…**", "b".repeat(1995)));

    let marker = content(vec![text(&format!("{}**bold**", "a".repeat(1998)))]);
    assert_eq!(
        marker,
        format!("{}…", "a".repeat(1998)),
        "half a `**` is dropped"
    );
}
