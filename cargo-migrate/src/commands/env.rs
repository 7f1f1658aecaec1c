//! What every command may use besides its own arguments: kept apart from
//! `dispatch`, which calls every command, so that no command imports it.

use crate::settings::Settings;
use migrate_cli::{Context, Database, Policy, Reporter};

/// What every command may use besides its own arguments.
pub(crate) struct Env<'a> {
    /// Resolved settings.
    pub settings: &'a Settings,
    /// The database URL, when the command takes one and one is set.
    pub url: Option<&'a str>,
    /// Prints warnings and diagnostics without passwords.
    pub reporter: &'a Reporter,
}

impl<'a> Env<'a> {
    /// The context of migrate-cli's database commands: the directory read
    /// when needed, the URL (a missing one names the variable migrate.toml
    /// says), `table`, and `cargo migrate`'s [`Policy`].
    pub(crate) fn context<'c, L>(
        &self,
        migrations: &'c L,
        table: &'c Option<String>,
    ) -> Context<'c, L>
    where
        'a: 'c,
    {
        Context {
            migrations,
            database: Database::url(self.url, self.settings.url_env()),
            table: table.as_deref(),
            reporter: self.reporter,
            policy: Policy::CARGO,
        }
    }
}
