//! What the schema commands share: the database kind, the scratch server
//! (a private one unless a dev server is configured, never the database's
//! own server unless migrate.toml opts in), the desired schema's files and
//! rename hints, and an async runner that drops scratch databases on
//! Ctrl-C, SIGTERM and SIGHUP.

use super::Env;
use crate::args::DevOpts;
use crate::error::CliError;
use migrate_devtools::autogen::SchemaFile;
use migrate_devtools::scratch::{drop_live, ScratchServer};
use migrate_runtime::{DatabaseUrl, Dialect};
use migrate_schema::Hints;
use std::future::Future;
use std::io::{IsTerminal, Write};
use std::path::Path;

/// The database kind and the scratch server of a schema command.
pub(crate) struct Target {
    /// The dialect of the migrations.
    pub dialect: Dialect,
    /// Where scratch databases go.
    pub server: ScratchServer,
}

impl Target {
    /// From the database URL and `--dev-url` / `MIGRATE_DEV_URL` /
    /// `dev_url`: the URL gives the kind; the dev URL, when one is set, the
    /// server (refused when it is the database's own server, unless
    /// `dev_url_same_server` in migrate.toml names the database); without
    /// one, a private server is started on first use. Without either URL,
    /// `dialect = "sqlite"` in migrate.toml means in-memory SQLite.
    pub(crate) fn resolve(
        env: &Env<'_>,
        dev: &DevOpts,
        command: &'static str,
    ) -> Result<Target, CliError> {
        let dev = dev.dev_url.clone().or_else(|| env.settings.dev_url.clone());
        let url = env.url.map(DatabaseUrl::parse).transpose()?;
        let dev = dev.as_deref().map(DatabaseUrl::parse).transpose()?;
        let dialect = match (&url, &dev) {
            (Some(u), _) => u.dialect(),
            (None, Some(d)) => d.dialect(),
            // SQLite needs no server: the config's dialect is enough.
            (None, None) if env.settings.dialect == Some(Dialect::Sqlite) => Dialect::Sqlite,
            (None, None) => {
                return Err(CliError::NoSchemaDialect {
                    command,
                    env: env.settings.url_env().to_owned(),
                })
            }
        };
        let allowed = match (&url, &env.settings.dev_url_same_server) {
            (Some(u), Some(name)) => u.database() == Some(name.as_str()),
            _ => false,
        };
        let server = ScratchServer::for_project(dialect, url.as_ref(), dev.as_ref(), allowed)
            .map_err(migrate_devtools::autogen::AutogenError::from)?;
        if server.is_shared() {
            warn_outside(env, dialect);
        }
        *CURRENT.lock().unwrap_or_else(|e| e.into_inner()) = Some(server.clone());
        Ok(Target { dialect, server })
    }
}

/// The scratch server of the running command, for the version notice
/// printed once it has run.
static CURRENT: std::sync::Mutex<Option<ScratchServer>> = std::sync::Mutex::new(None);

/// Before replaying on a shared dev server: the statements of the
/// migrations that act outside their database (roles and users, `ALTER
/// SYSTEM`, tablespaces, other databases, MySQL grants), as a warning.
fn warn_outside(env: &Env<'_>, dialect: Dialect) {
    let Ok(project) = crate::project::Project::load(&env.settings.source) else {
        return;
    };
    let migrations = migrate_runtime::Migrations::from_set(&project.set);
    let found = migrate_devtools::scratch::outside_statements(&migrations, dialect);
    if found.is_empty() {
        return;
    }
    let mut text = format!(
        "warning: {} statement(s) of the migrations act outside one database; replaying them on the shared dev server changes that server, not only its scratch databases (leave dev_url unset to use a private server):\n",
        found.len()
    );
    for f in found {
        text.push_str(&format!("  {f}\n"));
    }
    env.reporter.eprint(&text);
}

/// The desired schema's files: `schema` of migrate.toml (a file, or the
/// `.sql` files of a directory in name order).
pub(crate) fn schema_files(env: &Env<'_>) -> Result<Vec<SchemaFile>, CliError> {
    let path = env.settings.schema.as_ref().ok_or(CliError::NoSchema)?;
    let read = |p: &Path| {
        std::fs::read_to_string(p)
            .map(|text| SchemaFile {
                name: p.display().to_string(),
                text,
            })
            .map_err(|source| CliError::Io {
                path: p.to_owned(),
                action: "read schema file",
                source,
            })
    };
    if !path.is_dir() {
        return Ok(vec![read(path)?]);
    }
    let entries = std::fs::read_dir(path).map_err(|source| CliError::Io {
        path: path.clone(),
        action: "read schema directory",
        source,
    })?;
    let mut paths: Vec<_> = entries
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "sql") && p.is_file())
        .collect();
    paths.sort();
    paths.iter().map(|p| read(p)).collect()
}

/// The DDL printed by `--to-cmd`, run by the shell. A failure is reported
/// with the program's name and exit status only: never the command line,
/// which may hold `PGPASSWORD=...` or `-p<password>`, nor what the program
/// wrote on stderr, which may quote it (run the command by hand to see).
pub(crate) fn command_output(command: &str) -> Result<SchemaFile, CliError> {
    let mut cmd = if cfg!(windows) {
        let mut c = std::process::Command::new("cmd");
        c.arg("/C");
        c
    } else {
        let mut c = std::process::Command::new("sh");
        c.arg("-c");
        c
    };
    let program = program_name(command);
    let output = cmd
        .arg(command)
        .stdin(std::process::Stdio::null())
        .output()
        .map_err(|e| CliError::ToCmd {
            command: program.clone(),
            status: format!("could not start: {}", e.kind()),
            stderr: String::new(),
        })?;
    if !output.status.success() {
        return Err(CliError::ToCmd {
            command: program,
            status: output.status.to_string(),
            stderr: String::new(),
        });
    }
    let text = String::from_utf8(output.stdout).map_err(|_| CliError::ToCmd {
        command: program,
        status: "its output is not UTF-8".to_owned(),
        stderr: String::new(),
    })?;
    Ok(SchemaFile {
        name: "--to-cmd output".to_owned(),
        text,
    })
}

/// The program a shell command line runs: its first word after any
/// `NAME=value` assignments, without its directory.
fn program_name(command: &str) -> String {
    let word = command
        .split_whitespace()
        .find(|w| !w.contains('=') || w.starts_with('='))
        .unwrap_or("");
    let word = word.trim_matches(|c| c == '"' || c == '\'');
    let name = word.rsplit('/').next().unwrap_or(word);
    if name.is_empty() {
        "the command".to_owned()
    } else {
        name.to_owned()
    }
}

/// The rename hints of every file plus the `--rename` flags (flags win).
pub(crate) fn hints(
    dialect: Dialect,
    files: &[SchemaFile],
    flags: &[String],
) -> Result<Hints, CliError> {
    let mut hints = Hints::new();
    for f in files {
        hints.merge(migrate_schema::rename_hints(dialect, &f.name, &f.text)?);
    }
    let mut flagged = Hints::new();
    for flag in flags {
        flagged.add_flag(flag)?;
    }
    hints.merge(flagged);
    Ok(hints)
}

/// Runs `work` on a fresh runtime. Ctrl-C, SIGTERM and SIGHUP cancel it,
/// drop the scratch databases it had created and stop its private server
/// before the command fails; a version notice of the private server is
/// printed once at the end.
pub(crate) fn run<T>(work: impl Future<Output = Result<T, CliError>>) -> Result<T, CliError> {
    let rt = crate::db::runtime()?;
    let result = rt.block_on(async {
        // Biased, signals first: their handlers are installed before the
        // work's first step, not after it.
        let finished = tokio::select! {
            biased;
            _ = stop_signal() => None,
            result = work => Some(result),
        };
        // `work` is dropped by now: its connections, marks included, are
        // closed, so its databases can be dropped.
        match finished {
            Some(result) => result,
            None => Err(CliError::Interrupted {
                left: drop_live().await,
            }),
        }
    });
    rt.shutdown_background();
    if let Some(server) = CURRENT.lock().unwrap_or_else(|e| e.into_inner()).take() {
        if let Some(notice) = server.notice() {
            eprintln!("note: {notice}");
        }
    }
    result
}

/// Ctrl-C, SIGTERM (CI time-outs, `docker stop`) or SIGHUP (a closed
/// terminal).
async fn stop_signal() {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{signal, SignalKind};
        let (Ok(mut term), Ok(mut hup)) = (
            signal(SignalKind::terminate()),
            signal(SignalKind::hangup()),
        ) else {
            let _ = tokio::signal::ctrl_c().await;
            return;
        };
        tokio::select! {
            _ = tokio::signal::ctrl_c() => {}
            _ = term.recv() => {}
            _ = hup.recv() => {}
        }
    }
    #[cfg(not(unix))]
    {
        let _ = tokio::signal::ctrl_c().await;
    }
}

/// Progress of a long replay on a terminal: one line rewritten in place.
pub(crate) fn progress(total: usize) -> Option<impl Fn(&migrate_runtime::StepEvent) + Send + Sync> {
    if total < 50 || !std::io::stderr().is_terminal() {
        return None;
    }
    let done = std::sync::atomic::AtomicUsize::new(0);
    Some(move |_: &migrate_runtime::StepEvent| {
        let n = done.fetch_add(1, std::sync::atomic::Ordering::Relaxed) + 1;
        let mut err = std::io::stderr().lock();
        let _ = write!(err, "\rreplaying the migrations: {n}/{total}");
        if n == total {
            let _ = writeln!(err);
        }
    })
}

#[cfg(test)]
mod tests {
    use super::program_name;

    #[test]
    fn the_program_name_leaves_out_assignments_and_arguments() {
        assert_eq!(
            program_name("PGPASSWORD=s3cret pg_dump -s -h db app"),
            "pg_dump"
        );
        assert_eq!(
            program_name("/usr/bin/mariadb-dump -uroot -ps3cret shop"),
            "mariadb-dump"
        );
        assert_eq!(program_name("  "), "the command");
    }
}
