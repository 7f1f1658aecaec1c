//! One module per subcommand (related ones share a module); `dispatch` picks one.
//!
//! Imports flow one way, from `dispatch` down to the commands and from the
//! commands down to what they share: `revision` hands `--autogenerate` to
//! `autogen`; `revision`, `autogen` and `squash` write their file through
//! `new_revision`; `autogen`, `squash`, `schema` and `stairway` reach
//! scratch databases through `scratch`. No module imports one above it,
//! and every command takes the `Env` of `crate::db`.
//!
//! # Imports
//!
//! `dispatch` → `check`, `fleet`, `import`, `init`, `inspect`, `migrate`, `rehearse`, `revision` → `autogen`, `lint`, `schema`, `squash`, `stairway` → `new_revision`, `scratch`

mod autogen;
mod check;
mod dispatch;
mod fleet;
mod import;
mod init;
mod inspect;
mod lint;
mod migrate;
mod new_revision;
mod rehearse;
mod revision;
mod schema;
mod scratch;
mod squash;
mod stairway;

pub(crate) use crate::db::Env;
pub(crate) use dispatch::dispatch;
