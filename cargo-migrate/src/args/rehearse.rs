//! The raw options of `rehearse`.

use super::{DbOpts, DevOpts};
use clap::Args as ClapArgs;

/// `rehearse` options: migrate-cli's (the application's command takes the
/// same), the dev server and the database options of `cargo migrate`.
#[derive(Debug, ClapArgs)]
pub(crate) struct RehearseArgs {
    #[command(flatten)]
    pub settings: migrate_cli::rehearse::Settings,

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
        let s = &r.settings;
        assert_eq!(s.target.as_deref(), Some("b2"));
        assert_eq!(s.from_url.as_deref(), Some("postgres://h/prod"));
        assert_eq!(s.max_lock, Some(1.5));
        assert_eq!(s.sample, Some(10.0));
        assert!(s.no_down && s.keep && s.json);
    }
}
