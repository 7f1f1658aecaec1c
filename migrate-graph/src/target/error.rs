//! Why a target cannot be parsed or resolved, each message saying what to
//! type instead.

/// A target that cannot be parsed or resolved. Each message says what to type instead.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum TargetError {
    /// Not in the grammar. (In every variant, the text given is shortened to
    /// 80 characters.)
    #[error("`{input}` is not a revision target: {reason}; targets look like `head`, `heads`, `base`, an id or id prefix, `+1`, `-2`, `<rev>+1` or `<label>@head`")]
    Syntax {
        /// The text given.
        input: String,
        /// What is wrong with it.
        reason: &'static str,
    },
    /// No revision (or label) has this id or prefix.
    #[error("no revision or branch label matches `{input}`{}", hint(suggestions))]
    Unknown {
        /// The id, prefix or label given.
        input: String,
        /// The closest ids.
        suggestions: Vec<String>,
    },
    /// A prefix shared by several revisions.
    #[error("`{prefix}` is ambiguous: it starts {}; type more characters", candidates.join(", "))]
    AmbiguousPrefix {
        /// The prefix.
        prefix: String,
        /// Matching revisions as `id (file)`.
        candidates: Vec<String>,
    },
    /// `head` while the graph has several heads.
    #[error("`head` is ambiguous: there are {} heads ({}); use `heads` for all of them, or `<label>@head` / a revision id for one", heads.len(), heads.join(", "))]
    MultipleHeads {
        /// The heads as `id (file)`.
        heads: Vec<String>,
    },
    /// A relative target while the database is at several heads.
    #[error("`{input}` is ambiguous: the database is at {} heads ({}); say which branch, as `<label>@{input}` or `<rev>{input}`", heads.len(), heads.join(", "))]
    AmbiguousCurrent {
        /// The target given.
        input: String,
        /// The current heads.
        heads: Vec<String>,
    },
    /// Walking up reached a branch point.
    #[error("`{input}` walks up through the branch point at {at}, which leads to {}; name the branch, as `<label>@{input}`, or give a revision id", options.join(" and "))]
    BranchPoint {
        /// The target given.
        input: String,
        /// Where the walk forked.
        at: String,
        /// The children it could take.
        options: Vec<String>,
    },
    /// Walking down reached a merge point.
    #[error("`{input}` walks down through the merge point {at}, whose parents are {}; name the branch, as `<label>@{input}`, or give a revision id", options.join(" and "))]
    MergePoint {
        /// The target given.
        input: String,
        /// The merge revision.
        at: String,
        /// Its parents.
        options: Vec<String>,
    },
    /// Walking past the last head or below base.
    #[error("`{input}` goes past {end}: there are not that many revisions {direction}")]
    PastEnd {
        /// The target given.
        input: String,
        /// `base` or the head it stopped at.
        end: String,
        /// `above it` or `below it`.
        direction: &'static str,
    },
    /// A relative step count that does not match the revisions it would run.
    #[error("`{input}` would {verb} {actual} revision(s), not {expected}; name the target revision instead")]
    RelativeCount {
        /// The target given.
        input: String,
        /// `apply` or `revert`.
        verb: &'static str,
        /// The steps asked for.
        expected: usize,
        /// The revisions it would run.
        actual: usize,
    },
    /// A downgrade to a revision that is not applied.
    #[error("cannot downgrade to {revision}: it is not applied; use `upgrade {revision}` to move up, or pick an applied revision (see `cargo migrate history --indicate-current`)")]
    NotApplied {
        /// The revision as `id (file)`.
        revision: String,
    },
    /// `label@rev` where rev is not on the label's line.
    #[error("{revision} is not on branch `{branch}`")]
    NotOnBranch {
        /// The revision.
        revision: String,
        /// The branch.
        branch: String,
    },
    /// A range where one revision is needed, or the reverse.
    #[error("`{input}` is a range; ranges (`FROM:TO`) work with `--sql` and `history -r` only")]
    RangeNotAllowed {
        /// The target given.
        input: String,
    },
    /// `heads` (or another spec naming several revisions) where one is needed.
    #[error("`{input}` names {} revisions here ({}); give one of them", revisions.len(), revisions.join(", "))]
    NotSingle {
        /// The target given.
        input: String,
        /// The revisions it names, as `id (file)`.
        revisions: Vec<String>,
    },
    /// Stamp targets where one is an ancestor of another.
    #[error("stamp targets overlap: {ancestor} is an ancestor of {descendant}; drop one, or pass `--purge` to rewrite the table from scratch")]
    OverlappingStamp {
        /// The ancestor.
        ancestor: String,
        /// Its descendant.
        descendant: String,
    },
    /// A downgrade that would stop inside a squash the database recorded as one revision.
    #[error("this database recorded squash revision {squash} as one revision, so a downgrade cannot stop at {target} inside it; downgrade to {squash} itself or to before it (`base`, or what it revises once its replaced files are gone)")]
    InsideSquash {
        /// The squash revision.
        squash: String,
        /// The revision the downgrade would stop at.
        target: String,
    },
}

fn hint(suggestions: &[String]) -> String {
    if suggestions.is_empty() {
        "; see `cargo migrate history` for the ids".to_owned()
    } else {
        format!(
            "; did you mean {}?",
            crate::graph_error::quote_list(suggestions)
        )
    }
}
