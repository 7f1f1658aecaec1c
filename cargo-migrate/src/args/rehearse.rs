//! The raw options of `rehearse`.

use super::{DbOpts, DevOpts};
use clap::Args as ClapArgs;

/// `rehearse` options.
#[derive(Debug, ClapArgs)]
pub(crate) struct RehearseArgs {
    /// Rehearse the upgrade to TARGET: `heads` (default), `head`, a
    /// revision id, an id prefix or a branch label.
    #[arg(value_name = "TARGET")]
    pub target: Option<String>,

    /// The database to copy (only read). Default: the database URL.
    #[arg(long, value_name = "URL")]
    pub from_url: Option<String>,

    /// Print the report as JSON on stdout.
    #[arg(long)]
    pub json: bool,

    /// Keep the copy afterwards and print its URL (password hidden).
    #[arg(long)]
    pub keep: bool,

    /// Exit 1 when a lock stronger than row-level (one that blocks writes)
    /// is held longer than SECONDS on the copy.
    #[arg(long, value_name = "SECONDS")]
    pub max_lock: Option<f64>,

    /// Do not roll back on the copy (nor upgrade again).
    #[arg(long)]
    pub no_down: bool,

    /// Copy the schema and about PERCENT of each table's rows (the version
    /// table whole), for a database too large to copy: the report says so.
    #[arg(long, value_name = "PERCENT")]
    pub sample: Option<f64>,

    #[command(flatten)]
    pub dev: DevOpts,

    #[command(flatten)]
    pub db: DbOpts,
}

#[cfg(test)]
mod tests {
    use crate::args::{Cli, Command};
    use clap::Parser;

    #[test]
    fn options_parse() {
        let Cli::Migrate(a) = Cli::try_parse_from([
            "cargo-migrate",
            "migrate",
            "rehearse",
            "b2",
            "--from-url",
            "postgres://h/prod",
            "--max-lock",
            "1.5",
            "--no-down",
            "--sample",
            "10",
            "--keep",
            "--json",
        ])
        .unwrap();
        let Command::Rehearse(r) = a.command else {
            panic!("not rehearse")
        };
        assert_eq!(r.target.as_deref(), Some("b2"));
        assert_eq!(r.from_url.as_deref(), Some("postgres://h/prod"));
        assert_eq!(r.max_lock, Some(1.5));
        assert_eq!(r.sample, Some(10.0));
        assert!(r.no_down && r.keep && r.json);
    }
}
