//! What can be structurally wrong with a set of revisions.

use crate::node::Relation;

/// A structural problem in a set of revisions. File names are given so that
/// callers can point at lines.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum GraphError {
    /// Two files declare the same revision id.
    #[error("revision id `{id}` is declared by both {first} and {second}; give one of them a new id (and update any `Revises:` that meant it)")]
    DuplicateId {
        /// The id.
        id: String,
        /// The file that sorts first.
        first: String,
        /// The other file.
        second: String,
    },
    /// A `Revises:` or `Depends On:` names no revision.
    #[error("`{}:` names `{missing}`, which no migration declares{}", relation.key(), suggest(suggestions))]
    UnknownReference {
        /// The revision whose header is wrong.
        revision: String,
        /// Its file.
        file: String,
        /// Which header.
        relation: Relation,
        /// The id that does not exist.
        missing: String,
        /// The closest existing ids.
        suggestions: Vec<String>,
    },
    /// Parents and dependencies form a cycle.
    #[error("the revisions form a cycle: {}; one `Revises:` or `Depends On:` on that loop must change", cycle.join(" -> "))]
    Cycle {
        /// The revisions on the cycle, each followed by one it points to, the first repeated at the end.
        cycle: Vec<String>,
    },
    /// Two revisions declare the same branch label.
    #[error("branch label `{label}` is declared by both {first} and {second}; rename one of them")]
    DuplicateLabel {
        /// The label.
        label: String,
        /// The first file.
        first: String,
        /// The other file.
        second: String,
    },
    /// A squash revision must revise the last revision it replaces.
    #[error("squash revision `{revision}` must revise exactly one revision, the last one its `Replaces:` lists (and not itself); write `Revises: <last replaced id>`")]
    SquashRevises {
        /// The squash revision.
        revision: String,
        /// Its file.
        file: String,
    },
    /// Two squash revisions replace the same revision.
    #[error("revision `{id}` is replaced by both {first} and {second}; a revision can be squashed once (squash the first squash and what follows it instead)")]
    SquashOverlap {
        /// The replaced id.
        id: String,
        /// The first squash's file.
        first: String,
        /// The other squash's file.
        second: String,
    },
    /// Some, not all, of a squash's replaced files were deleted.
    #[error("squash revision `{revision}` replaces revisions of which some files are gone ({}) and some are still here; delete all of the replaced files or none (restore them with `git checkout`)", quote_list(missing))]
    SquashPartial {
        /// The squash revision.
        revision: String,
        /// Its file.
        file: String,
        /// The replaced ids with no file.
        missing: Vec<String>,
    },
    /// A squash's `Replaces:` is not exactly its `Revises:` point and that point's ancestors.
    #[error("squash revision `{revision}` must replace its `Revises:` point and everything before it{}{}; run `cargo migrate squash --to <rev>` to write the list", if missing.is_empty() { String::new() } else { format!(", but does not list {}", quote_list(missing)) }, if extra.is_empty() { String::new() } else { format!(", and lists {} which are not before it", quote_list(extra)) })]
    SquashNotPrefix {
        /// The squash revision.
        revision: String,
        /// Its file.
        file: String,
        /// Ancestors the list leaves out.
        missing: Vec<String>,
        /// Listed revisions that are not ancestors.
        extra: Vec<String>,
    },
    /// A revision outside a squash points into the middle of it.
    #[error("`{}:` of `{revision}` names `{inside}`, which squash revision `{squash}` replaces without being its last revision; a squash must cover a prefix nothing branches from: squash at a later revision, or make `{revision}` follow `{squash}`", relation.key())]
    SquashBranch {
        /// The revision pointing inside.
        revision: String,
        /// Its file.
        file: String,
        /// Which header.
        relation: Relation,
        /// The replaced id it names.
        inside: String,
        /// The squash revision.
        squash: String,
    },
    /// A squash replaces another squash whose own replaced files are still here.
    #[error("squash revision `{outer}` replaces squash revision `{inner}`, whose replaced files are still here; delete those first (once every database is past `{inner}`), then squash again")]
    SquashNested {
        /// The squash that is replaced.
        inner: String,
        /// The squash replacing it.
        outer: String,
        /// The outer squash's file.
        file: String,
    },
    /// A branch label that is also a revision id would make targets ambiguous.
    #[error("branch label `{label}` is also the id of the revision in {other}; rename the label")]
    LabelIsRevisionId {
        /// The label.
        label: String,
        /// The file declaring the label.
        file: String,
        /// The file of the revision with that id.
        other: String,
    },
}

fn suggest(suggestions: &[String]) -> String {
    if suggestions.is_empty() {
        "; check for a typo or a file that was not committed".to_owned()
    } else {
        format!("; did you mean {}?", quote_list(suggestions))
    }
}

pub(crate) fn quote_list(items: &[String]) -> String {
    items
        .iter()
        .map(|s| format!("`{s}`"))
        .collect::<Vec<_>>()
        .join(", ")
}
