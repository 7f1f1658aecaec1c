//! What the schema commands share: the database kind, the scratch server,
//! the desired schema's files and rename hints, and an async runner that
//! drops scratch databases on Ctrl-C.

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
    /// From the database URL and `--dev-url` / `dev_url`: the URL gives the
    /// kind; the dev URL (else the URL itself) gives the server. Without
    /// either, `dialect = "sqlite"` in migrate.toml means in-memory SQLite.
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
        let server = match dialect {
            Dialect::Sqlite => ScratchServer::sqlite(),
            _ => ScratchServer::new(
                dialect,
                dev.as_ref()
                    .or(url.as_ref())
                    .expect("one of them gave the dialect"),
            )
            .map_err(migrate_devtools::autogen::AutogenError::from)?,
        };
        Ok(Target { dialect, server })
    }
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

/// The DDL printed by `--to-cmd`, run by the shell.
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
    let output = cmd
        .arg(command)
        .stdin(std::process::Stdio::null())
        .output()
        .map_err(|e| CliError::ToCmd {
            command: command.to_owned(),
            status: "could not start".to_owned(),
            stderr: e.to_string(),
        })?;
    let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
    if !output.status.success() {
        return Err(CliError::ToCmd {
            command: command.to_owned(),
            status: output.status.to_string(),
            stderr,
        });
    }
    let text = String::from_utf8(output.stdout).map_err(|_| CliError::ToCmd {
        command: command.to_owned(),
        status: "its output is not UTF-8".to_owned(),
        stderr: String::new(),
    })?;
    Ok(SchemaFile {
        name: "--to-cmd output".to_owned(),
        text,
    })
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

/// Runs `work` on a fresh runtime. Ctrl-C cancels it and drops the scratch
/// databases it had created before the command fails.
pub(crate) fn run<T>(work: impl Future<Output = Result<T, CliError>>) -> Result<T, CliError> {
    let rt = crate::db::runtime()?;
    let result = rt.block_on(async {
        tokio::select! {
            result = work => result,
            _ = tokio::signal::ctrl_c() => Err(CliError::Interrupted { left: drop_live().await }),
        }
    });
    rt.shutdown_background();
    result
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
