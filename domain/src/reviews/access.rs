//! Who may do what in a review cycle: one pure function, [`check`], over the actor's
//! [`Role`], the [`Action`], the actor's [`Relation`] to the person the data is about (the
//! subject) and a few facts in a [`Context`]. Workflows ask it before every read or write;
//! a refusal is a sentence they can send back as the chat answer.
//!
//! | Action | Who may |
//! |---|---|
//! | write the self-review | the subject (`Own`), any role |
//! | write the manager review | the subject's manager (`Report`, role Manager or HR admin) |
//! | write a peer review | an approved peer reviewer (`assigned_peer`) about someone else (`Other`): never yourself, never your report |
//! | read any individual review | its author, always |
//! | read a self-review | the subject's manager; HR |
//! | read the manager review | HR; the subject once results are released |
//! | read a peer review, anonymous cycle | nobody but its author, not even HR: results show peers only in aggregate |
//! | read a peer review, named cycle | the subject's manager; HR; the subject once results are released |
//! | nominate peers | the subject; HR for anyone |
//! | approve nominations | the subject's manager; HR — never the subject, HR included |
//! | read results | HR; the subject and their manager once results are released |
//! | acknowledge results | the subject once results are released |
//! | release, reopen, lower the threshold | HR only, whatever the relation |
//!
//! Where those rules leave room, the safer reading is taken:
//!
//! - **"The subject's manager"** is relation `Report` *and* role Manager or HR admin. An
//!   Employee with a `Report` relation is inconsistent data and gets no manager rights.
//! - **HR's "always" and "for anyone" cover other people's data, not HR's own.** About
//!   themselves (`Own`) HR admins follow the subject's rules: they read their own manager
//!   review, peer reviews and results only after release, like anyone else, and cannot
//!   approve their own nominations. Nominating their own peers is allowed, as for anyone.
//! - **Reading a review rests on `author`, not on `Own`.** The subject reads their
//!   self-review as its author; `Own` alone does not open a self-review, and a manager who
//!   did not write a manager review (say, one who took over the team mid-cycle) does not
//!   read it either.
//! - **Facts that do not concern an action are ignored**: `anonymous` matters only for peer
//!   reviews, `assigned_peer` only for writing one. Whether the cycle is still open or a
//!   review already submitted is the workflow's check, not this one.

use super::form::Reviewer;
use crate::people::Role;

/// Whose data an action is about, seen from the actor.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Relation {
    /// The actor is the subject.
    Own,
    /// The actor is the subject's direct manager.
    Report,
    /// Anyone else, and every cycle-wide action.
    Other,
}

/// What someone tries to do.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Action {
    /// Write, save a draft of or submit that review about the subject.
    WriteReview(Reviewer),
    /// Read that individual review about the subject.
    ReadReview(Reviewer),
    /// Nominate peers for the subject.
    Nominate,
    /// Approve or edit the subject's nominations.
    ApproveNominations,
    /// Read the subject's released results: aggregates, scores, the manager's summary.
    ReadResults,
    /// Acknowledge the subject's results.
    Acknowledge,
    /// Release the cycle's results (cycle-wide: pass [`Relation::Other`]).
    Release,
    /// Reopen a submitted review; the workflow audits it.
    Reopen,
    /// Lower the cycle's anonymity threshold k.
    LowerThreshold,
}

/// Facts beyond role and relation; all `false` by default.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct Context {
    /// The actor is an approved peer reviewer of the subject.
    pub assigned_peer: bool,
    /// The cycle's peer reviews are anonymous.
    pub anonymous: bool,
    /// The cycle's results are released.
    pub released: bool,
    /// The actor wrote this review.
    pub author: bool,
}

const ONLY_SUBJECT_WRITES_SELF_REVIEW: &str =
    "Only the person being reviewed can write their self-review.";
const ONLY_MANAGER_WRITES_MANAGER_REVIEW: &str =
    "Only the person's manager can write their manager review.";
const PEER_REVIEW_OF_YOURSELF: &str =
    "You can't peer-review yourself: write your self-review instead.";
const PEER_REVIEW_OF_YOUR_REPORT: &str =
    "You manage this person, so write their manager review instead of a peer review.";
const NOT_AN_APPROVED_PEER: &str =
    "You can peer-review someone only once you are among their approved peer reviewers.";
const SELF_REVIEW_READERS: &str =
    "Only the person's manager and HR can read someone else's self-review.";
const MANAGER_REVIEW_READERS: &str =
    "Only HR and, once results are released, the person reviewed can read a manager review.";
const ANONYMOUS_PEER_REVIEW: &str = "Anonymous peer reviews are read only by whoever wrote them: the results show them in aggregate.";
const PEER_REVIEW_READERS: &str = "Only the person's manager, HR and, once results are released, the person reviewed can read a peer review.";
const NOT_RELEASED_YET: &str = "This opens once HR releases the cycle's results.";
const NOMINATORS: &str = "Only the person being reviewed or HR can nominate their peers.";
const APPROVING_YOUR_OWN: &str =
    "You can't approve your own nominations: your manager or HR does that.";
const APPROVERS: &str = "Only the person's manager or HR can approve their nominations.";
const RESULT_READERS: &str = "Only the person, their manager and HR can read these results.";
const ACKNOWLEDGERS: &str = "Only the person reviewed can acknowledge their results.";
const HR_ONLY: &str = "Only HR admins can do this.";

/// Whether `role` may do `action` on data with `relation`, in `context`; `Err` holds a
/// sentence telling why not, fit for the chat answer. The policy is the table at the top
/// of this module.
pub fn check(
    role: Role,
    action: Action,
    relation: Relation,
    context: Context,
) -> Result<(), &'static str> {
    match action {
        Action::WriteReview(kind) => write_review(role, kind, relation, context),
        // Whoever wrote a review may always read it back.
        Action::ReadReview(_) if context.author => Ok(()),
        Action::ReadReview(Reviewer::SelfReview) => read_self_review(role, relation),
        Action::ReadReview(Reviewer::Manager) => read_manager_review(role, relation, context),
        Action::ReadReview(Reviewer::Peer) => read_peer_review(role, relation, context),
        Action::Nominate => require(
            relation == Relation::Own || role == Role::HrAdmin,
            NOMINATORS,
        ),
        Action::ApproveNominations => approve_nominations(role, relation),
        Action::ReadResults => read_results(role, relation, context),
        Action::Acknowledge => {
            require(relation == Relation::Own, ACKNOWLEDGERS)?;
            require(context.released, NOT_RELEASED_YET)
        }
        Action::Release | Action::Reopen | Action::LowerThreshold => {
            require(role == Role::HrAdmin, HR_ONLY)
        }
    }
}

/// Whether `role` may do `action` on data with `relation`, in `context`: [`check`] without
/// the reason.
pub fn allowed(role: Role, action: Action, relation: Relation, context: Context) -> bool {
    check(role, action, relation, context).is_ok()
}

/// `Ok` when `condition` holds, else the refusal `reason`.
fn require(condition: bool, reason: &'static str) -> Result<(), &'static str> {
    if condition { Ok(()) } else { Err(reason) }
}

/// The actor is the subject's direct manager, with a role that can manage.
fn is_manager_of_subject(role: Role, relation: Relation) -> bool {
    relation == Relation::Report && matches!(role, Role::Manager | Role::HrAdmin)
}

/// The actor is HR acting on someone else's data: HR's privileges never cover their own.
fn is_hr_for_someone_else(role: Role, relation: Relation) -> bool {
    role == Role::HrAdmin && relation != Relation::Own
}

fn write_review(
    role: Role,
    kind: Reviewer,
    relation: Relation,
    context: Context,
) -> Result<(), &'static str> {
    match kind {
        Reviewer::SelfReview => require(relation == Relation::Own, ONLY_SUBJECT_WRITES_SELF_REVIEW),
        Reviewer::Manager => require(
            is_manager_of_subject(role, relation),
            ONLY_MANAGER_WRITES_MANAGER_REVIEW,
        ),
        Reviewer::Peer => match relation {
            Relation::Own => Err(PEER_REVIEW_OF_YOURSELF),
            Relation::Report => Err(PEER_REVIEW_OF_YOUR_REPORT),
            Relation::Other => require(context.assigned_peer, NOT_AN_APPROVED_PEER),
        },
    }
}

/// Someone else's self-review; its author was let in by [`check`].
fn read_self_review(role: Role, relation: Relation) -> Result<(), &'static str> {
    require(
        is_manager_of_subject(role, relation) || is_hr_for_someone_else(role, relation),
        SELF_REVIEW_READERS,
    )
}

/// A manager review the actor did not write.
fn read_manager_review(
    role: Role,
    relation: Relation,
    context: Context,
) -> Result<(), &'static str> {
    if is_hr_for_someone_else(role, relation) {
        return Ok(());
    }
    require(relation == Relation::Own, MANAGER_REVIEW_READERS)?;
    require(context.released, NOT_RELEASED_YET)
}

/// A peer review the actor did not write.
fn read_peer_review(role: Role, relation: Relation, context: Context) -> Result<(), &'static str> {
    require(!context.anonymous, ANONYMOUS_PEER_REVIEW)?;
    if is_manager_of_subject(role, relation) || is_hr_for_someone_else(role, relation) {
        return Ok(());
    }
    require(relation == Relation::Own, PEER_REVIEW_READERS)?;
    require(context.released, NOT_RELEASED_YET)
}

fn approve_nominations(role: Role, relation: Relation) -> Result<(), &'static str> {
    require(relation != Relation::Own, APPROVING_YOUR_OWN)?;
    require(
        is_manager_of_subject(role, relation) || role == Role::HrAdmin,
        APPROVERS,
    )
}

fn read_results(role: Role, relation: Relation, context: Context) -> Result<(), &'static str> {
    if is_hr_for_someone_else(role, relation) {
        return Ok(());
    }
    require(
        relation == Relation::Own || is_manager_of_subject(role, relation),
        RESULT_READERS,
    )?;
    require(context.released, NOT_RELEASED_YET)
}

#[cfg(test)]
mod tests;
