//! Alembic's revision-target grammar: text parsed into specs and ranges.
//! Where a spec points is `resolve`'s business, what a command does with it
//! `plan`'s.
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

mod error;

pub use error::TargetError;

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
/// from (which [`Display`](fmt::Display) shows) does not count. Messages quote
/// that text, so change a spec by building a new one ([`Spec::new`]) rather
/// than by editing its fields.
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

/// A target as a caller holds it: text still to parse (`"head"`, `"-1"`,
/// a `String` from a command line) or a [`Spec`] parsed already, so that a
/// command line that parsed its argument to report a syntax error early
/// hands the parsed value on instead of its text.
///
/// ```
/// use migrate_graph::{Spec, ToSpec};
/// let parsed = Spec::parse("head-1").unwrap();
/// assert_eq!("head-1".to_spec().unwrap(), parsed);
/// assert_eq!(parsed.to_spec().unwrap(), parsed);
/// ```
pub trait ToSpec {
    /// The spec this names.
    fn to_spec(&self) -> Result<Spec, TargetError>;
}

impl ToSpec for Spec {
    fn to_spec(&self) -> Result<Spec, TargetError> {
        Ok(self.clone())
    }
}

impl ToSpec for str {
    fn to_spec(&self) -> Result<Spec, TargetError> {
        Spec::parse(self)
    }
}

impl ToSpec for String {
    fn to_spec(&self) -> Result<Spec, TargetError> {
        Spec::parse(self)
    }
}

impl<T: ToSpec + ?Sized> ToSpec for &T {
    fn to_spec(&self) -> Result<Spec, TargetError> {
        (**self).to_spec()
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
