//! Check-in templates on the command line: `rhythm schedule templates`, and the template
//! lines of `rhythm schedule apply`.

use anyhow::Context as _;
use rhythm_domain::checkin::{QuestionKind, Template, Visibility};
use rhythm_domain::ports::{ScheduleSnapshot, Schedules as _};
use rhythm_domain::schedule::{ScheduleKind, TemplateChanges};
use rhythm_store::Store;
use serde_json::json;

use crate::error::CliError;

/// Prints what an apply does (or, with `would`, would do) to the templates.
pub(super) fn print_changes(changes: &TemplateChanges, would: &str) {
    for name in &changes.created {
        println!("{would}create template {name}");
    }
    for updated in &changes.updated {
        println!(
            "{would}update template {} ({})",
            updated.name,
            updated.keys.join(", ")
        );
    }
    for name in &changes.kept {
        println!(
            "keep template   {name} (not in the file; kept, since check-ins already asked refer to it)"
        );
    }
}

/// `; templates: 1 created, …` for the summary line, or nothing if there are no templates.
pub(super) fn counts(changes: &TemplateChanges) -> String {
    if changes.is_empty() {
        return String::new();
    }
    format!(
        "; templates: {} created, {} updated, {} kept, {} unchanged",
        changes.created.len(),
        changes.updated.len(),
        changes.kept.len(),
        changes.unchanged
    )
}

/// A template to list: whether it is the built-in one, and the check-in schedules using it.
struct Listed<'a> {
    template: &'a Template,
    built_in: bool,
    used_by: Vec<&'a str>,
}

/// The stored templates, and the built-in `default` unless a policy replaced it, by name.
fn listed<'a>(snapshot: &'a ScheduleSnapshot, built_in: &'a Template) -> Vec<Listed<'a>> {
    let replaced = snapshot.templates.iter().any(|t| t.name == built_in.name);
    let mut all: Vec<Listed<'a>> = snapshot
        .templates
        .iter()
        .map(|template| (template, false))
        .chain((!replaced).then_some((built_in, true)))
        .map(|(template, built_in)| Listed {
            template,
            built_in,
            used_by: snapshot
                .schedules
                .iter()
                .filter(|stored| {
                    stored.schedule.kind == ScheduleKind::CheckIn
                        && stored.schedule.template == template.name
                })
                .map(|stored| stored.schedule.name.as_str())
                .collect(),
        })
        .collect();
    all.sort_by(|a, b| a.template.name.cmp(&b.template.name));
    all
}

/// `rhythm schedule templates [--json]`.
pub(super) async fn list(store: &Store, json: bool) -> Result<(), CliError> {
    let snapshot = store
        .schedule_snapshot()
        .await
        .context("reading check-in templates")?;
    let built_in = Template::default_template();
    let all = listed(&snapshot, &built_in);
    if json {
        let all: Vec<serde_json::Value> = all.iter().map(template_json).collect();
        println!(
            "{}",
            serde_json::to_string_pretty(&all).map_err(anyhow::Error::from)?
        );
        return Ok(());
    }
    let mut table = super::super::plain_table([
        "TEMPLATE",
        "VISIBILITY",
        "CLOSES",
        "QUESTION",
        "KIND",
        "PROMPT",
        "USED BY",
    ]);
    for listed in &all {
        let template = listed.template;
        for (n, question) in template.questions.iter().enumerate() {
            let first = |text: String| if n == 0 { text } else { String::new() };
            let name = if listed.built_in {
                format!("{} (built-in)", template.name)
            } else {
                template.name.clone()
            };
            table.add_row([
                first(name),
                first(visibility(template.visibility).to_owned()),
                first(template.closes.format("%H:%M").to_string()),
                question.id.clone(),
                kind(&question.kind, question.optional),
                question.prompt.clone(),
                first(listed.used_by.join(", ")),
            ]);
        }
    }
    println!("{table}");
    Ok(())
}

fn template_json(listed: &Listed<'_>) -> serde_json::Value {
    let mut value = serde_json::to_value(listed.template).unwrap_or_else(|_| json!({}));
    if let Some(object) = value.as_object_mut() {
        object.insert(
            "closes".into(),
            json!(listed.template.closes.format("%H:%M").to_string()),
        );
        object.insert("built_in".into(), json!(listed.built_in));
        object.insert("used_by".into(), json!(listed.used_by));
    }
    value
}

fn visibility(visibility: Visibility) -> &'static str {
    match visibility {
        Visibility::Team => "team",
        Visibility::Manager => "manager",
    }
}

fn kind(kind: &QuestionKind, optional: bool) -> String {
    let name = match kind {
        QuestionKind::Text => "text",
        QuestionKind::Scale { .. } => "scale",
        QuestionKind::Choice { .. } => "choice",
        QuestionKind::Blocker => "blocker",
        QuestionKind::Goals => "goals",
    };
    if optional {
        format!("{name} (optional)")
    } else {
        name.to_owned()
    }
}
