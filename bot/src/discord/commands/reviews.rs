//! `/review` and `/rhythm cycle`: the same subcommands as the words a Slack user types
//! (`rhythm_domain::reviews::parse` and `rhythm_domain::reviews::hr_parse`).

use rhythm_domain::reviews::anonymity::MIN_K;
use rhythm_domain::reviews::cycle::MAX_NAME_CHARS;
use serde_json::{Value, json};

use super::{INTEGER, STRING, SUB_COMMAND_GROUP, USER, command, option, subcommand};

/// How many peers `/review nominate` and `/review approve` offer a field for: five, the
/// default of a policy's `nominations.max`. A policy may allow up to 10; on Discord five is
/// still the most one command names (on Slack, where people are typed as mentions, there is
/// no such limit).
const PEERS: usize = 5;

/// The largest anonymity threshold Discord accepts for `/rhythm cycle threshold`; the
/// smallest is the domain's [`MIN_K`].
const MAX_THRESHOLD: usize = 50;

/// `/review`: `mine`, `nominate` (one to five peers), `approve` (a report, and the peers
/// approved if not their nominations), `results`, `ack`, `help`.
pub(super) fn review() -> Value {
    let peers = |first_required: bool, description: &str| -> Vec<Value> {
        (1..=PEERS)
            .map(|n| {
                option(
                    USER,
                    &format!("peer{n}"),
                    description,
                    first_required && n == 1,
                )
            })
            .collect()
    };
    let mut approve = vec![option(USER, "report", "Your report", true)];
    approve.extend(peers(
        false,
        "A peer you approve; leave empty to approve the nominations as they are",
    ));
    command(
        "review",
        "Your review cycle: what you owe, nominating peers, approving, results",
        vec![
            subcommand(
                "mine",
                "The reviews you owe, and where your own review stands",
                Vec::new(),
            ),
            subcommand(
                "nominate",
                "Name the peers you would like to review you",
                peers(true, "A peer to review you"),
            ),
            subcommand(
                "approve",
                "Approve your report's peer nominations, or the peers you name",
                approve,
            ),
            subcommand("results", "Your results, once HR releases them", Vec::new()),
            subcommand("ack", "Acknowledge your released results", Vec::new()),
            subcommand("help", "How review cycles work", Vec::new()),
        ],
    )
}

/// `/rhythm cycle`, a subcommand group: HR's verbs about review cycles.
pub(super) fn cycle() -> Value {
    let name = || {
        json!({
            "type": STRING,
            "name": "name",
            "description": "The cycle's name: 2026 H2",
            "required": true,
            "max_length": MAX_NAME_CHARS,
        })
    };
    let named = |verb: &str, description: &str| subcommand(verb, description, vec![name()]);
    json!({
        "type": SUB_COMMAND_GROUP,
        "name": "cycle",
        "description": "Review cycles, for HR: create, start, release, close, and their progress",
        "options": [
            subcommand("list", "Every cycle, its state and progress", Vec::new()),
            named("status", "Who owes what in a cycle, per phase, and what is late"),
            named("create", "A draft cycle for everyone: the standard form, a week per phase"),
            named("start", "Start a draft: everyone gets their packet"),
            named("release", "Send each person and their manager the results"),
            named("close", "Stop taking reviews"),
            subcommand(
                "threshold",
                "Peers needed before their answers show (only before release)",
                vec![
                    name(),
                    json!({
                        "type": INTEGER,
                        "name": "peers",
                        "description": "How many peers must answer",
                        "required": true,
                        "min_value": MIN_K,
                        "max_value": MAX_THRESHOLD,
                    }),
                ],
            ),
            subcommand(
                "reopen",
                "Reopen a submitted review",
                vec![
                    name(),
                    option(USER, "subject", "Whom the review is about", true),
                    option(USER, "reviewer", "Who wrote it", true),
                    option(STRING, "reason", "Why: it goes in the audit log", true),
                ],
            ),
            subcommand("help", "HR's verbs about review cycles", Vec::new()),
        ],
    })
}
