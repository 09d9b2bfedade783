use super::*;

use Action::{
    Acknowledge, ApproveNominations, LowerThreshold, Nominate, ReadResults, ReadReview, Release,
    Reopen, WriteReview,
};
use Relation::{Other, Own, Report};
use Reviewer as Kind;
use Role::{Employee, HrAdmin};

/// Every action, each review kind spelt out.
const ACTIONS: [Action; 13] = [
    WriteReview(Kind::SelfReview),
    WriteReview(Kind::Peer),
    WriteReview(Kind::Manager),
    ReadReview(Kind::SelfReview),
    ReadReview(Kind::Peer),
    ReadReview(Kind::Manager),
    Nominate,
    ApproveNominations,
    ReadResults,
    Acknowledge,
    Release,
    Reopen,
    LowerThreshold,
];

const RELATIONS: [Relation; 3] = [Own, Report, Other];

/// Fails to compile when an action is added, so `ACTIONS` and `expected` get updated.
fn listed(action: Action) -> bool {
    match action {
        WriteReview(Kind::SelfReview | Kind::Peer | Kind::Manager)
        | ReadReview(Kind::SelfReview | Kind::Peer | Kind::Manager)
        | Nominate
        | ApproveNominations
        | ReadResults
        | Acknowledge
        | Release
        | Reopen
        | LowerThreshold => ACTIONS.contains(&action),
    }
}

/// The 16 combinations of the four facts.
fn contexts() -> impl Iterator<Item = Context> {
    (0u8..16).map(|bits| Context {
        assigned_peer: bits & 1 != 0,
        anonymous: bits & 2 != 0,
        released: bits & 4 != 0,
        author: bits & 8 != 0,
    })
}

/// The policy written out again, independently of `check`: every allowed case as a
/// pattern over (role, action, relation, assigned_peer, anonymous, released, author);
/// anything not listed is refused.
fn expected(role: Role, action: Action, relation: Relation, context: Context) -> bool {
    let Context {
        assigned_peer,
        anonymous,
        released,
        author,
    } = context;
    matches!(
        (
            role,
            action,
            relation,
            assigned_peer,
            anonymous,
            released,
            author
        ),
        // Writing.
        (_, WriteReview(Kind::SelfReview), Own, _, _, _, _)
            | (Role::Manager | HrAdmin, WriteReview(Kind::Manager), Report, _, _, _, _)
            | (_, WriteReview(Kind::Peer), Other, true, _, _, _)
            // Reading individual reviews: the author, always.
            | (_, ReadReview(_), _, _, _, _, true)
            // A self-review: the manager, HR about others.
            | (Role::Manager | HrAdmin, ReadReview(Kind::SelfReview), Report, _, _, _, _)
            | (HrAdmin, ReadReview(Kind::SelfReview), Other, _, _, _, _)
            // The manager review: HR about others, the subject once released.
            | (HrAdmin, ReadReview(Kind::Manager), Report | Other, _, _, _, _)
            | (_, ReadReview(Kind::Manager), Own, _, _, true, _)
            // A named peer review: the manager, HR about others, the subject once released.
            | (Role::Manager | HrAdmin, ReadReview(Kind::Peer), Report, _, false, _, _)
            | (HrAdmin, ReadReview(Kind::Peer), Other, _, false, _, _)
            | (_, ReadReview(Kind::Peer), Own, _, false, true, _)
            // Nominations.
            | (_, Nominate, Own, _, _, _, _)
            | (HrAdmin, Nominate, Report | Other, _, _, _, _)
            | (Role::Manager | HrAdmin, ApproveNominations, Report, _, _, _, _)
            | (HrAdmin, ApproveNominations, Other, _, _, _, _)
            // Results.
            | (HrAdmin, ReadResults, Report | Other, _, _, _, _)
            | (_, ReadResults, Own, _, _, true, _)
            | (Role::Manager, ReadResults, Report, _, _, true, _)
            | (_, Acknowledge, Own, _, _, true, _)
            // Cycle-wide.
            | (HrAdmin, Release | Reopen | LowerThreshold, _, _, _, _, _)
    )
}

#[test]
fn the_policy_matches_the_written_matrix_everywhere() {
    let mut checked = 0;
    for role in Role::ALL {
        for action in ACTIONS {
            assert!(listed(action));
            for relation in RELATIONS {
                for context in contexts() {
                    assert_eq!(
                        allowed(role, action, relation, context),
                        expected(role, action, relation, context),
                        "{role:?} {action:?} {relation:?} {context:?}"
                    );
                    checked += 1;
                }
            }
        }
    }
    assert_eq!(checked, 3 * 13 * 3 * 16);
    assert_eq!(checked, 1872);
}

const ALL_REASONS: [&str; 16] = [
    ONLY_SUBJECT_WRITES_SELF_REVIEW,
    ONLY_MANAGER_WRITES_MANAGER_REVIEW,
    PEER_REVIEW_OF_YOURSELF,
    PEER_REVIEW_OF_YOUR_REPORT,
    NOT_AN_APPROVED_PEER,
    SELF_REVIEW_READERS,
    MANAGER_REVIEW_READERS,
    ANONYMOUS_PEER_REVIEW,
    PEER_REVIEW_READERS,
    NOT_RELEASED_YET,
    NOMINATORS,
    APPROVING_YOUR_OWN,
    APPROVERS,
    RESULT_READERS,
    ACKNOWLEDGERS,
    HR_ONLY,
];

fn is_sentence(text: &str) -> bool {
    text.starts_with(|c: char| c.is_uppercase()) && text.ends_with('.') && text.len() > 10
}

const ANONYMOUS_AND_RELEASED: Context = Context {
    assigned_peer: false,
    anonymous: true,
    released: true,
    author: false,
};

#[test]
fn an_employee_cannot_read_an_anonymous_peer_review_about_them() {
    let refusal = check(
        Employee,
        ReadReview(Kind::Peer),
        Own,
        ANONYMOUS_AND_RELEASED,
    );
    assert_eq!(refusal, Err(ANONYMOUS_PEER_REVIEW));
}

#[test]
fn hr_cannot_read_an_anonymous_peer_review() {
    for relation in RELATIONS {
        assert!(!allowed(
            HrAdmin,
            ReadReview(Kind::Peer),
            relation,
            ANONYMOUS_AND_RELEASED
        ));
    }
}

#[test]
fn the_author_of_an_anonymous_peer_review_reads_it_back() {
    let context = Context {
        author: true,
        ..ANONYMOUS_AND_RELEASED
    };
    assert!(allowed(Employee, ReadReview(Kind::Peer), Other, context));
}

#[test]
fn a_manager_cannot_write_a_peer_review_of_their_report() {
    let context = Context {
        assigned_peer: true,
        ..Context::default()
    };
    let refusal = check(Role::Manager, WriteReview(Kind::Peer), Report, context);
    assert_eq!(refusal, Err(PEER_REVIEW_OF_YOUR_REPORT));
    assert!(allowed(
        Role::Manager,
        WriteReview(Kind::Manager),
        Report,
        context
    ));
}

#[test]
fn hr_cannot_approve_their_own_nominations() {
    let refusal = check(HrAdmin, ApproveNominations, Own, Context::default());
    assert_eq!(refusal, Err(APPROVING_YOUR_OWN));
}

#[test]
fn hr_reads_their_own_results_only_after_release() {
    let unreleased = Context::default();
    let released = Context {
        released: true,
        ..unreleased
    };
    assert_eq!(
        check(HrAdmin, ReadResults, Own, unreleased),
        Err(NOT_RELEASED_YET)
    );
    assert!(allowed(HrAdmin, ReadResults, Own, released));
    assert!(allowed(HrAdmin, ReadResults, Other, unreleased));
}

#[test]
fn every_refusal_reason_is_a_sentence() {
    for reason in ALL_REASONS {
        assert!(is_sentence(reason), "{reason:?}");
    }
    for role in Role::ALL {
        for action in ACTIONS {
            for relation in RELATIONS {
                for context in contexts() {
                    if let Err(reason) = check(role, action, relation, context) {
                        assert!(ALL_REASONS.contains(&reason), "{reason:?}");
                    }
                }
            }
        }
    }
}
