//! What a database command works with, and the few choices in which the
//! two command lines differ ([`Policy`], [`Offline`]), decided once by
//! whoever builds the [`Context`]. The [`Database`] is the service's own
//! pool, or a URL parsed once and connected to only when the command needs
//! a database, while the migrations load.

use super::error::CmdError;
use super::report::Reporter;
use super::show::Revisions;
use migrate_graph::{Anchor, Applied, Graph, Spec};
use migrate_runtime::{DatabaseUrl, Db, Dialect, Migrations, Migrator, Tool, UrlError};
use std::borrow::Cow;
use std::io::{BufRead, IsTerminal, Write};

/// Where the migrations come from: the set a binary embeds, or (for
/// `cargo migrate`) a directory read when the command needs it, so that a
/// command's own mistakes are reported before the directory's.
pub trait Load: Sync {
    /// What loading fails with; the shared commands' errors convert into it.
    type Error: From<CmdError> + Send;

    /// The migrations.
    fn load(&self) -> Result<Cow<'_, Migrations>, Self::Error>;

    /// The revisions as the read commands show them: by file name in a
    /// build, by path in a directory.
    fn revisions(&self) -> Result<Revisions<'_>, Self::Error>;
}

impl Load for Migrations {
    type Error = CmdError;

    fn load(&self) -> Result<Cow<'_, Migrations>, CmdError> {
        Ok(Cow::Borrowed(self))
    }

    fn revisions(&self) -> Result<Revisions<'_>, CmdError> {
        Ok(Revisions::embedded(self))
    }
}

/// What every database command works with.
pub struct Context<'a, L: ?Sized> {
    /// The migrations.
    pub migrations: &'a L,
    /// The database.
    pub database: Database<'a>,
    /// The version table (`--table`, `table` in migrate.toml), if not the default.
    pub table: Option<&'a str>,
    /// Prints diagnostics without passwords.
    pub reporter: &'a Reporter,
    /// How this command line differs from the other.
    pub policy: Policy,
}

impl<L: Load + ?Sized> Context<'_, L> {
    /// A migrator over `set` with this context's table.
    pub(crate) fn migrator<'m>(&self, set: &'m Migrations) -> Migrator<'m> {
        let mut m = set.migrator();
        if let Some(t) = self.table {
            m = m.table(t);
        }
        if let Some(tool) = self.policy.adopt_from {
            m = m.adopt_from(tool);
        }
        m
    }
}

/// Where the database comes from.
pub enum Database<'a> {
    /// The service's own pool (`MigrateCommand::run_with`).
    Pool(&'a Db),
    /// A URL to connect to when the command needs it.
    Url {
        /// The URL as parsed, if one was given; a URL that does not parse
        /// fails only the commands that need it. (Boxed: a pool is a pointer.)
        url: Option<Box<Result<DatabaseUrl, UrlError>>>,
        /// The variable a missing URL's message says to set.
        env: String,
    },
}

impl Database<'_> {
    /// `text`, parsed once, or no URL; `env` is named when one is missing.
    pub fn url(text: Option<&str>, env: impl Into<String>) -> Database<'static> {
        Database::Url {
            url: text.map(|t| Box::new(DatabaseUrl::parse(t))),
            env: env.into(),
        }
    }

    /// The URL, parsed; `None` without one.
    fn parsed(&self) -> Result<Option<&DatabaseUrl>, CmdError> {
        match self {
            Database::Url { url: Some(url), .. } => {
                Ok(Some(url.as_ref().as_ref().map_err(Clone::clone)?))
            }
            _ => Ok(None),
        }
    }

    /// The error for a command that needs a database and has none.
    fn missing(&self, command: &'static str) -> CmdError {
        let env = match self {
            Database::Url { env, .. } => env.clone(),
            Database::Pool(_) => String::new(),
        };
        CmdError::NoDatabaseUrl { command, env }
    }

    /// The dialect of the pool or the URL (the application's offline
    /// scripts); `command` is named when there is neither.
    pub(crate) fn dialect(&self, command: &'static str) -> Result<Dialect, CmdError> {
        match (self, self.parsed()?) {
            (Database::Pool(db), _) => Ok(db.dialect()),
            (_, Some(url)) => Ok(url.dialect()),
            (_, None) => Err(self.missing(command)),
        }
    }

    /// The URL's dialect, or `None` without a URL (`cargo migrate`'s
    /// offline scripts, which then ask for `--dialect`).
    pub(crate) fn url_dialect(&self) -> Result<Option<Dialect>, CmdError> {
        Ok(self.parsed()?.map(DatabaseUrl::dialect))
    }

    /// Starts connecting (in the background, so that loading the migrations
    /// overlaps it), or fails at once when there is no URL.
    pub(crate) fn connect(&self, command: &'static str) -> Result<Pending<'_>, CmdError> {
        match (self, self.parsed()?) {
            (Database::Pool(db), _) => Ok(Pending::Pool(db)),
            (_, Some(url)) => {
                let url = url.clone();
                let task = tokio::spawn(async move { Db::connect_url(&url).await });
                Ok(Pending::Connecting(Abort(task)))
            }
            (_, None) => Err(self.missing(command)),
        }
    }
}

/// A database being connected to, or the pool.
pub(crate) enum Pending<'a> {
    /// The service's pool: used, never closed.
    Pool(&'a Db),
    /// A connection of this command's own: closed after use.
    Connecting(Abort),
}

/// A connect task, abandoned when the command fails before using it (the
/// migrations did not load, say): a slow server is not waited for.
pub(crate) struct Abort(tokio::task::JoinHandle<Result<Db, migrate_runtime::Error>>);

impl Drop for Abort {
    fn drop(&mut self) {
        self.0.abort();
    }
}

impl Pending<'_> {
    /// Waits for the connection, runs `work` with it and closes it.
    pub(crate) async fn with<T>(
        self,
        work: impl AsyncFnOnce(&Db) -> Result<T, migrate_runtime::Error>,
    ) -> Result<T, CmdError> {
        match self {
            Pending::Pool(db) => Ok(work(db).await?),
            Pending::Connecting(mut task) => {
                let db = match (&mut task.0).await {
                    Ok(connected) => connected?,
                    // The task is neither cancelled nor panics unless the
                    // runtime is going away; report it like a failed write.
                    Err(e) => return Err(CmdError::Output(std::io::Error::other(e))),
                };
                let result = work(&db).await;
                db.close().await;
                Ok(result?)
            }
        }
    }
}

/// The database's state against the migrations, for the read commands;
/// `command` is named when there is no database to ask. Connecting overlaps
/// loading the migrations.
pub async fn status<L: Load + ?Sized>(
    cx: &Context<'_, L>,
    command: &'static str,
) -> Result<migrate_runtime::Status, L::Error> {
    let db = cx.database.connect(command)?;
    let set = cx.migrations.load()?;
    let m = cx.migrator(&set);
    Ok(db.with(async |db| m.status(db).await).await?)
}

/// The choices in which `cargo migrate` and an application's `migrate`
/// command differ (see the crate's documentation for the table).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct Policy {
    /// Whether `stamp` and `resolve` ask first.
    pub confirm: Confirm,
    /// How `resolve` and `stamp --accept-checksum` name their revision.
    pub lookup: Lookup,
    /// The other tool whose version table `upgrade` takes over when ours
    /// does not exist yet ([`Migrator::adopt_from`]): what an application
    /// moving from that tool sets with `MigrateCommand::adopt_from`, so
    /// that its first `migrate upgrade` switches without a step. `cargo
    /// migrate` adopts only when told (`cargo migrate adopt`).
    pub adopt_from: Option<Tool>,
}

impl Policy {
    /// The application's `migrate`: confirms, takes ids and prefixes.
    pub const APP: Policy = Policy {
        confirm: Confirm::Ask,
        lookup: Lookup::Revision,
        adopt_from: None,
    };

    /// `cargo migrate`: does not confirm, takes any target naming one revision.
    pub const CARGO: Policy = Policy {
        confirm: Confirm::Never,
        lookup: Lookup::Target,
        adopt_from: None,
    };
}

/// Whether the commands that change the version table without running SQL
/// (`stamp`, `resolve`) confirm.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Confirm {
    /// Ask on the terminal, or require `--yes` when stdin is not one: a
    /// production binary's operator may not know what a stamp does. The
    /// question comes before connecting.
    Ask,
    /// Do not ask: a developer's tool. Connecting overlaps loading the files.
    Never,
}

/// How a command that needs one revision reads its argument.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Lookup {
    /// An id, unique prefix or branch label.
    Revision,
    /// Any target that names one revision: also `head`, `<label>@head`, `<rev>+N`.
    Target,
}

/// Where `--sql` takes its dialect from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Offline {
    /// The pool's or the URL's (the application: it has no `--dialect`).
    Database,
    /// `--dialect` when given, else the URL's (`cargo migrate`).
    Dialect(Option<Dialect>),
}

impl Offline {
    /// The script's dialect.
    pub(crate) fn dialect(
        self,
        database: &Database<'_>,
        command: &'static str,
    ) -> Result<Dialect, CmdError> {
        match self {
            Offline::Database => database.dialect(command),
            Offline::Dialect(Some(d)) => Ok(d),
            Offline::Dialect(None) => database.url_dialect()?.ok_or(CmdError::NoDialect),
        }
    }
}

impl Lookup {
    /// The one revision `text` names.
    pub(crate) fn resolve(self, graph: &Graph, text: &str) -> Result<usize, CmdError> {
        match self {
            Lookup::Revision => Ok(graph.resolve_revision(text)?),
            Lookup::Target => resolve_one(graph, text),
        }
    }
}

/// Resolves a target that must name exactly one revision: an id, prefix,
/// label, `head`, `heads` with one head, `<label>@head`, `<rev>+N`.
pub fn resolve_one(graph: &Graph, text: &str) -> Result<usize, CmdError> {
    let spec = Spec::parse(text)?;
    if spec.anchor == Anchor::Current {
        return Err(CmdError::NotARevision {
            input: migrate_graph::split::shorten(&spec.to_string()),
            reason: "counts from the database's current revision; give a revision id, `head` or `<label>@head` here",
        });
    }
    graph
        .resolve_one(&spec, &Applied::empty(graph.len()))?
        .ok_or(CmdError::NotARevision {
            input: migrate_graph::split::shorten(&spec.to_string()),
            reason: "is base, before every revision; give a revision id, `head` or `<label>@head`",
        })
}

impl Confirm {
    /// Asks `question` (unless `yes` or [`Confirm::Never`]).
    pub(crate) fn ask(
        self,
        command: &'static str,
        yes: bool,
        question: &str,
    ) -> Result<(), CmdError> {
        if yes || self == Confirm::Never {
            return Ok(());
        }
        let stdin = std::io::stdin();
        if !stdin.is_terminal() {
            return Err(CmdError::NeedsYes { command });
        }
        eprint!("{question} [y/N] ");
        let _ = std::io::stderr().flush();
        let mut answer = String::new();
        stdin.lock().read_line(&mut answer)?;
        if matches!(answer.trim(), "y" | "Y" | "yes" | "YES" | "Yes") {
            Ok(())
        } else {
            Err(CmdError::Cancelled { command })
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn todo() -> Migrations {
        Migrations::from_dir(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../examples/todo-service/migrations"
        ))
        .unwrap()
    }

    #[test]
    fn cargo_migrate_names_a_revision_by_any_target_the_app_by_id() {
        let set = todo();
        let head = Lookup::Target.resolve(set.graph(), "head").unwrap();
        assert_eq!(set.graph().id(head), "c41d7e5a9f20");
        assert!(matches!(
            Lookup::Revision.resolve(set.graph(), "head"),
            Err(CmdError::Target(_))
        ));
        let by_prefix = Lookup::Revision.resolve(set.graph(), "8b2e").unwrap();
        assert_eq!(set.graph().id(by_prefix), "8b2e4d6f0a13");
        assert!(matches!(
            Lookup::Target.resolve(set.graph(), "base"),
            Err(CmdError::NotARevision { .. })
        ));
        assert!(matches!(
            Lookup::Target.resolve(set.graph(), "-1"),
            Err(CmdError::NotARevision { .. })
        ));
    }

    #[test]
    fn offline_scripts_take_the_dialect_from_the_flag_then_the_url() {
        let none = Database::url(None, "DATABASE_URL");
        let pg = Database::url(Some("postgres://u:secret@h/db"), "DATABASE_URL");
        let bad = Database::url(Some("nope://x"), "DATABASE_URL");
        let flag = Offline::Dialect(Some(Dialect::MySql));
        assert_eq!(flag.dialect(&none, "upgrade").unwrap(), Dialect::MySql);
        assert_eq!(flag.dialect(&bad, "upgrade").unwrap(), Dialect::MySql);
        let from_url = Offline::Dialect(None);
        assert_eq!(from_url.dialect(&pg, "upgrade").unwrap(), Dialect::Postgres);
        assert!(matches!(
            from_url.dialect(&none, "upgrade"),
            Err(CmdError::NoDialect)
        ));
        assert!(matches!(
            from_url.dialect(&bad, "upgrade"),
            Err(CmdError::Url(_))
        ));
        // The application has no --dialect: without a URL it asks for one.
        assert_eq!(
            Offline::Database.dialect(&pg, "upgrade").unwrap(),
            Dialect::Postgres
        );
        let err = Offline::Database.dialect(&none, "upgrade").unwrap_err();
        assert_eq!(
            err.to_string(),
            "`upgrade` needs a database: pass --database-url, or set DATABASE_URL (a `.env` file works too)"
        );
    }

    #[test]
    fn only_an_unconfirmed_ask_can_stop_a_command() {
        assert!(Confirm::Never.ask("stamp", false, "?").is_ok());
        assert!(Confirm::Ask.ask("stamp", true, "?").is_ok());
        if !std::io::stdin().is_terminal() {
            let err = Confirm::Ask.ask("stamp", false, "?").unwrap_err();
            assert!(matches!(err, CmdError::NeedsYes { command: "stamp" }));
            assert_eq!(err.code(), crate::exit::USAGE);
        }
    }
}
