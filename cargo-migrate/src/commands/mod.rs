//! One module per subcommand (related ones share a module); `dispatch` picks one.

mod check;
mod dispatch;
mod init;
mod inspect;
mod json;
mod lint;
mod migrate;
mod revision;

pub(crate) use dispatch::{dispatch, Env};
