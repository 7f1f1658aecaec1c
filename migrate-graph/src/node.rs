//! What the graph is built from: one node per revision, and which header
//! an edge comes from.

/// One revision as the graph sees it: its id, file and edges.
#[derive(Clone, Debug)]
pub struct Node<'a> {
    /// The revision id.
    pub id: &'a str,
    /// The file name; ties in the apply order go to the name that sorts first.
    pub file_name: &'a str,
    /// `Revises:` ids.
    pub parents: Vec<&'a str>,
    /// `Depends On:` ids.
    pub depends_on: Vec<&'a str>,
    /// `Branch Labels:` declared on this revision.
    pub branch_labels: Vec<&'a str>,
    /// `Replaces:` ids: empty unless this is a squash revision.
    pub replaces: Vec<&'a str>,
}

/// Which header an edge comes from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Relation {
    /// `Revises:`.
    Revises,
    /// `Depends On:`.
    DependsOn,
}

impl Relation {
    /// The header key.
    pub fn key(self) -> &'static str {
        match self {
            Relation::Revises => "Revises",
            Relation::DependsOn => "Depends On",
        }
    }
}
