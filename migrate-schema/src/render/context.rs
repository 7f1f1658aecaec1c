//! What every dialect's renderer works with: the models around the change
//! it renders, and the statements it gives back.

use serde::{Deserialize, Serialize};

use crate::change::Change;
use crate::model::Schema;

/// One SQL statement of a draft.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Statement {
    /// The statement, ending with `;`.
    pub sql: String,
    /// The change it comes from, described (`add column users.email`).
    pub change: String,
}

/// What a renderer sees besides the change itself.
pub(crate) struct Context<'a> {
    pub(crate) current: &'a Schema,
    pub(crate) desired: &'a Schema,
    pub(crate) changes: &'a [Change],
}
