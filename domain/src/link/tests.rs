use super::*;
use crate::people::ChatUserId;

fn account(platform: Platform, user: &str) -> Account {
    Account {
        platform,
        user: ChatUserId::parse(platform, user).unwrap(),
    }
}

#[test]
fn six_digits_are_a_code_and_anything_else_an_email() {
    assert_eq!(
        parse("123456"),
        Ok(LinkCommand::Redeem("123456".to_owned()))
    );
    assert_eq!(
        parse("123-456"),
        Ok(LinkCommand::Redeem("123456".to_owned()))
    );
    assert_eq!(
        parse("Ana@Example.com"),
        Ok(LinkCommand::Ask(Email::parse("ana@example.com").unwrap()))
    );
}

#[test]
fn slack_mailto_links_are_read_as_the_email() {
    assert_eq!(
        parse("<mailto:ana@example.com|ana@example.com>"),
        Ok(LinkCommand::Ask(Email::parse("ana@example.com").unwrap()))
    );
}

#[test]
fn a_bad_code_or_email_says_what_would_be_right() {
    let short = parse("12345").unwrap_err();
    assert!(short.contains("codes are six digits"), "{short}");
    let email = parse("ana").unwrap_err();
    assert!(
        email.starts_with("`ana` is not an email address"),
        "{email}"
    );
    assert!(email.contains("/rhythm link ana@example.com"), "{email}");
}

#[test]
fn a_code_hashes_differently_for_each_account() {
    let discord = account(Platform::Discord, "80351110224678912");
    let other = account(Platform::Discord, "80351110224678913");
    assert_eq!(hash(&discord, "123456"), hash(&discord, "123456"));
    assert_ne!(hash(&discord, "123456"), hash(&other, "123456"));
    assert_ne!(hash(&discord, "123456"), hash(&discord, "123457"));
    assert_eq!(hash(&discord, "123456").len(), 64);
}
