//! One module per subcommand (related ones share a module); `dispatch` picks one.

mod autogen;
mod check;
mod dispatch;
mod init;
mod inspect;
mod lint;
mod migrate;
mod revision;
mod schema;
mod scratch;
mod squash;
mod stairway;

pub(crate) use dispatch::{dispatch, Env};
