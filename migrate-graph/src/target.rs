//! Alembic's revision-target grammar and what each target means for upgrade,
//! downgrade and stamp.
//!
//! | form | meaning |
//! | --- | --- |
//! | `head` | the single head; an error listing them if there are several |
//! | `heads` | every head |
//! | `base` | before the first revision |
//! | `ae10`, `ae1027a6acf` | a revision by full id or unique prefix |
//! | `+2`, `-1` | relative to the current revision |
//! | `ae10+2`, `ae10-1` | relative to a revision |
//! | `mybranch@head`, `mybranch@ae10` | on the branch a label names |
//! | `mybranch@base+2`, `mybranch@-1` | relative, walking only that branch |
//! | `FROM:TO` | a range, for offline SQL and `history -r` |
//!
//! Callers parse a target once ([`Spec`], [`Range`], or [`Target`] when either
//! may come) and hand the parsed value to the graph's planners. A spec keeps
//! the text it was parsed from, so messages quote exactly what was typed,
//! shortened to 80 characters.

use crate::is_valid_id;
use std::fmt;
use std::str::FromStr;

/// A parsed target: one spec, or a `FROM:TO` range.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Target {
    /// A single spec such as `head` or `mybranch@-1`.
    Single(Spec),
    /// `FROM:TO`, with either end left out or both.
    Range(Range),
}

/// One target spec: `[branch@]anchor[+N|-N]`.
///
/// Two specs are equal when they mean the same; the text they were parsed
/// from (which [`Display`](fmt::Display) shows) does not count.
#[derive(Clone, Debug)]
pub struct Spec {
    /// The branch label (or revision) before `@`, restricting walks and downgrades to its line.
    pub branch: Option<String>,
    /// What the spec starts from.
    pub anchor: Anchor,
    /// Steps to walk: positive towards heads, negative towards base.
    pub relative: i64,
    /// The text it was parsed from, trimmed; for messages.
    text: String,
}

/// A `FROM:TO` range of revisions, for offline scripts and `history -r`.
/// What an absent end means is up to the command (see
/// [`Graph::plan_offline`](crate::Graph::plan_offline) and
/// [`Graph::history_range`](crate::Graph::history_range)).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Range {
    /// Where the range starts.
    pub from: Option<Spec>,
    /// Where it ends.
    pub to: Option<Spec>,
}

/// What a spec starts from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Anchor {
    /// `head`.
    Head,
    /// `heads`.
    Heads,
    /// `base`.
    Base,
    /// A full id or a prefix.
    Revision(String),
    /// The database's current revision (a bare `+N` / `-N`).
    Current,
}

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
}

fn hint(suggestions: &[String]) -> String {
    if suggestions.is_empty() {
        "; see `cargo migrate history` for the ids".to_owned()
    } else {
        format!("; did you mean {}?", crate::graph::quote_list(suggestions))
    }
}

/// `text` as messages quote it: at most 80 characters, cut with `...`, so a
/// huge argument is not echoed whole.
pub(crate) fn clip(text: &str) -> String {
    if text.chars().count() <= 80 {
        text.to_owned()
    } else {
        format!("{}...", text.chars().take(77).collect::<String>())
    }
}

impl TargetError {
    /// The error for `input`, a `FROM:TO` range, given where one revision is
    /// needed; it quotes `input` shortened to 80 characters.
    pub fn range_not_allowed(input: &str) -> TargetError {
        TargetError::RangeNotAllowed { input: clip(input) }
    }
}

impl Target {
    /// Parses a target or a `FROM:TO` range: a range when the text holds `:`.
    ///
    /// ```
    /// use migrate_graph::{Anchor, Spec, Target};
    /// let t = Target::parse("feature@base+2").unwrap();
    /// assert_eq!(t, Target::Single(Spec::new(Some("feature".into()), Anchor::Base, 2)));
    /// assert!(matches!(Target::parse("a1:head").unwrap(), Target::Range(_)));
    /// assert!(Target::parse("he ad").is_err());
    /// ```
    pub fn parse(input: &str) -> Result<Target, TargetError> {
        if input.contains(':') {
            Range::parse(input).map(Target::Range)
        } else {
            Spec::parse(input).map(Target::Single)
        }
    }
}

impl FromStr for Target {
    type Err = TargetError;
    fn from_str(s: &str) -> Result<Target, TargetError> {
        Target::parse(s)
    }
}

impl Range {
    /// Parses `FROM:TO`, where either end may be left out (`:TO`, `FROM:`,
    /// `:`), or a lone `TO` (a range from nothing to `TO`).
    ///
    /// ```
    /// use migrate_graph::{Anchor, Range};
    /// let r = Range::parse("ae10:feature@head").unwrap();
    /// assert_eq!(r.from.unwrap().to_string(), "ae10");
    /// assert_eq!(r.to.unwrap().branch.as_deref(), Some("feature"));
    /// assert_eq!(Range::parse("head").unwrap(), Range { from: None, to: Some(Anchor::Head.into()) });
    /// assert!(Range::parse("a:b:c").is_err());
    /// ```
    pub fn parse(input: &str) -> Result<Range, TargetError> {
        let text = input.trim();
        let Some((from, to)) = text.split_once(':') else {
            return Ok(Range {
                from: None,
                to: Some(Spec::parse(text)?),
            });
        };
        if to.contains(':') {
            return Err(TargetError::Syntax {
                input: clip(input),
                reason: "a range has one `:`, as in `FROM:TO`",
            });
        }
        let side = |s: &str| -> Result<Option<Spec>, TargetError> {
            if s.trim().is_empty() {
                Ok(None)
            } else {
                Spec::parse(s).map(Some)
            }
        };
        Ok(Range {
            from: side(from)?,
            to: side(to)?,
        })
    }
}

impl FromStr for Range {
    type Err = TargetError;
    fn from_str(s: &str) -> Result<Range, TargetError> {
        Range::parse(s)
    }
}

impl fmt::Display for Range {
    /// `FROM:TO`, each end as it was typed (or left out).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(from) = &self.from {
            write!(f, "{from}")?;
        }
        f.write_str(":")?;
        if let Some(to) = &self.to {
            write!(f, "{to}")?;
        }
        Ok(())
    }
}

impl Spec {
    /// A spec from its parts; it displays as it would be typed.
    pub fn new(branch: Option<String>, anchor: Anchor, relative: i64) -> Spec {
        let mut text = branch.as_ref().map(|b| format!("{b}@")).unwrap_or_default();
        text.push_str(match &anchor {
            Anchor::Head => "head",
            Anchor::Heads => "heads",
            Anchor::Base => "base",
            Anchor::Revision(r) => r,
            Anchor::Current => "",
        });
        if relative != 0 {
            text.push_str(&format!("{relative:+}"));
        }
        Spec {
            branch,
            anchor,
            relative,
            text,
        }
    }

    /// Parses one spec (no range).
    ///
    /// ```
    /// use migrate_graph::{Anchor, Spec};
    /// let s = Spec::parse("ae10-1").unwrap();
    /// assert_eq!((s.anchor, s.relative), (Anchor::Revision("ae10".into()), -1));
    /// assert!(Spec::parse("a:b").is_err());
    /// ```
    pub fn parse(input: &str) -> Result<Spec, TargetError> {
        let text = input.trim();
        let syntax = |reason| TargetError::Syntax {
            input: clip(input),
            reason,
        };
        if text.is_empty() {
            return Err(syntax("it is empty"));
        }
        if text.contains(':') {
            // A malformed range gets the range's own error.
            return Err(match Range::parse(input) {
                Err(e) => e,
                Ok(_) => TargetError::range_not_allowed(text),
            });
        }
        let (branch, rest) = match text.split_once('@') {
            Some((b, rest)) => {
                if !is_valid_id(b) {
                    return Err(syntax(
                        "the branch before `@` must be a label or revision id",
                    ));
                }
                (Some(b.to_owned()), rest)
            }
            None => (None, text),
        };
        let split = rest.find(['+', '-']).unwrap_or(rest.len());
        let (anchor, rel) = rest.split_at(split);
        let relative = if rel.is_empty() {
            0
        } else {
            let digits = &rel[1..];
            if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
                return Err(syntax(
                    "a relative step is `+N` or `-N` with a whole number N",
                ));
            }
            let n: i64 = digits
                .parse()
                .map_err(|_| syntax("the step count is too large"))?;
            if n == 0 {
                return Err(syntax("a relative step of 0 goes nowhere"));
            }
            if rel.starts_with('-') {
                -n
            } else {
                n
            }
        };
        let anchor = match anchor {
            "" if relative != 0 => Anchor::Current,
            "" => return Err(syntax("nothing after `@`")),
            "head" => Anchor::Head,
            "heads" if relative == 0 => Anchor::Heads,
            "heads" => {
                return Err(syntax(
                    "`heads` names several revisions and cannot take a step",
                ))
            }
            "base" => Anchor::Base,
            id if is_valid_id(id) => Anchor::Revision(id.to_owned()),
            _ => return Err(syntax("a revision id has only letters, digits and `_`")),
        };
        Ok(Spec {
            branch,
            anchor,
            relative,
            text: text.to_owned(),
        })
    }
}

impl PartialEq for Spec {
    fn eq(&self, other: &Spec) -> bool {
        (&self.branch, &self.anchor, self.relative)
            == (&other.branch, &other.anchor, other.relative)
    }
}

impl Eq for Spec {}

impl From<Anchor> for Spec {
    /// A spec with no branch and no step: `Anchor::Heads.into()` is `heads`.
    fn from(anchor: Anchor) -> Spec {
        Spec::new(None, anchor, 0)
    }
}

impl FromStr for Spec {
    type Err = TargetError;
    fn from_str(s: &str) -> Result<Spec, TargetError> {
        Spec::parse(s)
    }
}

impl fmt::Display for Spec {
    /// The spec as it was typed (trimmed), or as it would be typed.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text)
    }
}
