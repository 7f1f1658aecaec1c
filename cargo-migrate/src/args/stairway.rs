//! The raw options of `test`, the stairway.

use super::{DbOpts, DevOpts};
use clap::Args as ClapArgs;

/// `test` options.
#[derive(Debug, ClapArgs)]
pub(crate) struct TestArgs {
    /// Check REV and every revision after it in apply order; the ones
    /// before are applied without being checked.
    #[arg(long, value_name = "REV", conflicts_with = "only")]
    pub from: Option<String>,

    /// Check REV alone, on its ancestors applied without being checked.
    /// The end checks (heads, schema.sql) are not made.
    #[arg(long, value_name = "REV")]
    pub only: Option<String>,

    /// Print the report as JSON on stdout.
    #[arg(long)]
    pub json: bool,

    /// Compare owners, grants and definers too (left out of the schema
    /// dumps by default).
    #[arg(long)]
    pub privileges: bool,

    #[command(flatten)]
    pub dev: DevOpts,

    #[command(flatten)]
    pub db: DbOpts,
}

#[cfg(test)]
mod tests {
    use crate::args::{Cli, Command};
    use clap::Parser;

    fn parse(args: &[&str]) -> Result<Cli, clap::Error> {
        Cli::try_parse_from(["cargo-migrate", "migrate", "test"].iter().chain(args))
    }

    #[test]
    fn options_parse_and_from_conflicts_with_only() {
        let Cli::Migrate(a) =
            parse(&["--only", "b2", "--json", "--dev-url", "postgres://h/d"]).unwrap();
        let Command::Test(t) = a.command else {
            panic!("not the test command")
        };
        assert_eq!(t.only.as_deref(), Some("b2"));
        assert!(t.json && t.from.is_none());
        assert_eq!(t.dev.dev_url.as_deref(), Some("postgres://h/d"));
        let e = parse(&["--only", "b2", "--from", "a1"]).unwrap_err();
        assert_eq!(e.kind(), clap::error::ErrorKind::ArgumentConflict);
    }
}
