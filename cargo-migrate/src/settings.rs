//! Resolved settings: the raw arguments, the environment and `migrate.toml`
//! folded into the values commands use. Precedence is always
//! flag > environment > config file > default.

use crate::error::CliError;
use serde::Deserialize;
use std::path::{Path, PathBuf};

/// The config file read from the current directory when `--config` is absent.
pub(crate) const CONFIG_FILE: &str = "migrate.toml";

/// The migrations directory when nothing else names one.
pub(crate) const DEFAULT_SOURCE: &str = "migrations";

/// Alembic's default, so that familiar file names stay familiar.
pub(crate) const DEFAULT_FILE_TEMPLATE: &str =
    "{year}_{month}_{day}_{hour}{minute}-{rev}_{slug}.sql";

/// Alembic's `truncate_slug_length` default.
pub(crate) const DEFAULT_SLUG_LENGTH: usize = 40;

/// The environment variable that holds the URL unless the config names another.
pub(crate) const DEFAULT_URL_ENV: &str = "DATABASE_URL";

/// The keys `migrate.toml` may hold. Unknown keys are an error so that a typo
/// (`sorce = ...`) is not silently ignored.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct ConfigFile {
    /// The SQL dialect of the migrations (`sqlite`, `postgres`, `mysql`),
    /// for `lint` when no database URL says it.
    pub dialect: Option<String>,
    /// The migrations directory, relative to the config file's directory.
    pub source: Option<PathBuf>,
    /// The version table name.
    pub table: Option<String>,
    /// The template for new revision file names.
    pub file_template: Option<String>,
    /// The longest slug (from the message) put into a file name.
    pub truncate_slug_length: Option<usize>,
    /// The environment variable that holds the database URL.
    pub database_url_env: Option<String>,
    /// The desired schema: a `.sql` file or a directory of them, relative
    /// to the config file's directory.
    pub schema: Option<PathBuf>,
    /// The server scratch databases are created on.
    pub dev_url: Option<String>,
    /// The name of the database whose own server may also serve as the dev
    /// server: an opt-in, by name, for a server meant for both.
    pub dev_url_same_server: Option<String>,
}

/// Where the database URL came from, for messages.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum UrlOrigin {
    /// `--database-url`.
    Flag,
    /// An environment variable (possibly set by `.env`).
    Env(String),
}

/// The settings every command starts from.
#[derive(Debug)]
pub(crate) struct Settings {
    /// `dialect` from the config.
    pub dialect: Option<migrate_graph::Dialect>,
    /// The migrations directory.
    pub source: PathBuf,
    /// The config file that was read, if any.
    pub config_path: Option<PathBuf>,
    /// The template for new file names.
    pub file_template: String,
    /// The longest slug in a file name.
    pub slug_length: usize,
    /// The table name from the config, when no flag or env gave one.
    config_table: Option<String>,
    /// The name of the environment variable that holds the URL.
    url_env: String,
    /// The desired schema file or directory, if configured.
    pub schema: Option<PathBuf>,
    /// `dev_url` from the config.
    pub dev_url: Option<String>,
    /// `dev_url_same_server` from the config: the database (by name) whose
    /// server may be the dev server.
    pub dev_url_same_server: Option<String>,
}

/// The raw inputs settings are resolved from, gathered by `lib.rs`.
#[derive(Debug, Default)]
pub(crate) struct Inputs {
    /// `--source` (or `MIGRATE_SOURCE`).
    pub source: Option<PathBuf>,
    /// `--config` (or `MIGRATE_CONFIG`).
    pub config: Option<PathBuf>,
}

impl Settings {
    /// Reads the config file and resolves every setting.
    pub(crate) fn resolve(inputs: Inputs) -> Result<Settings, CliError> {
        let (config, config_path) = read_config(inputs.config.as_deref())?;
        // A `source` in the config is relative to the config file, so that
        // `--config sub/migrate.toml` means the same from anywhere.
        let config_source = config.source.as_ref().map(|s| match &config_path {
            Some(p) if s.is_relative() => {
                p.parent().map(|d| d.join(s)).unwrap_or_else(|| s.clone())
            }
            _ => s.clone(),
        });
        let schema = config.schema.as_ref().map(|s| match &config_path {
            Some(p) if s.is_relative() => {
                p.parent().map(|d| d.join(s)).unwrap_or_else(|| s.clone())
            }
            _ => s.clone(),
        });
        let source = inputs
            .source
            .or(config_source)
            .unwrap_or_else(|| PathBuf::from(DEFAULT_SOURCE));
        let file_template = config
            .file_template
            .unwrap_or_else(|| DEFAULT_FILE_TEMPLATE.to_owned());
        crate::naming::check_template(&file_template).map_err(|reason| CliError::Config {
            path: config_path
                .clone()
                .unwrap_or_else(|| PathBuf::from(CONFIG_FILE)),
            message: format!("`file_template = \"{file_template}\"` {reason}"),
        })?;
        let dialect = match config.dialect.as_deref() {
            None => None,
            Some(name) => Some(migrate_graph::Dialect::from_name(name).ok_or_else(|| {
                CliError::Config {
                    path: config_path
                        .clone()
                        .unwrap_or_else(|| PathBuf::from(CONFIG_FILE)),
                    message: format!(
                        "`dialect = \"{name}\"` is not a dialect; use \"sqlite\", \"postgres\" or \"mysql\""
                    ),
                }
            })?),
        };
        Ok(Settings {
            dialect,
            source,
            config_path,
            file_template,
            slug_length: config.truncate_slug_length.unwrap_or(DEFAULT_SLUG_LENGTH),
            config_table: config.table,
            url_env: config
                .database_url_env
                .unwrap_or_else(|| DEFAULT_URL_ENV.to_owned()),
            schema,
            dev_url: config.dev_url,
            dev_url_same_server: config.dev_url_same_server,
        })
    }

    /// The version table: flag or env (already folded by clap), else config.
    pub(crate) fn table(&self, flag: Option<&str>) -> Option<String> {
        flag.map(str::to_owned)
            .or_else(|| self.config_table.clone())
    }

    /// The database URL. `flag` is clap's value for `--database-url` and
    /// `from_command_line` says whether it was typed rather than read from
    /// `DATABASE_URL`: a config naming another variable outranks `DATABASE_URL`
    /// but not a typed flag.
    pub(crate) fn database_url(
        &self,
        flag: Option<&str>,
        from_command_line: bool,
    ) -> Option<(String, UrlOrigin)> {
        if from_command_line {
            if let Some(url) = flag {
                return Some((url.to_owned(), UrlOrigin::Flag));
            }
        }
        if self.url_env != DEFAULT_URL_ENV {
            if let Some(url) = std::env::var(&self.url_env).ok().filter(|u| !u.is_empty()) {
                return Some((url, UrlOrigin::Env(self.url_env.clone())));
            }
        }
        flag.filter(|u| !u.is_empty())
            .map(|url| (url.to_owned(), UrlOrigin::Env(DEFAULT_URL_ENV.to_owned())))
    }

    /// The variable a user should set, for hints.
    pub(crate) fn url_env(&self) -> &str {
        &self.url_env
    }
}

fn read_config(explicit: Option<&Path>) -> Result<(ConfigFile, Option<PathBuf>), CliError> {
    let path = explicit
        .map(Path::to_path_buf)
        .unwrap_or_else(|| PathBuf::from(CONFIG_FILE));
    let text = match std::fs::read_to_string(&path) {
        Ok(text) => text,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound && explicit.is_none() => {
            return Ok((ConfigFile::default(), None));
        }
        Err(source) => {
            return Err(CliError::Io {
                path,
                action: "read config file",
                source,
            })
        }
    };
    let config: ConfigFile = toml::from_str(&text).map_err(|e| CliError::Config {
        path: path.clone(),
        message: e.message().to_owned(),
    })?;
    Ok((config, Some(path)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unknown_keys_are_refused() {
        assert!(toml::from_str::<ConfigFile>("sorce = \"x\"").is_err());
        let c: ConfigFile = toml::from_str("source = \"db\"\ntable = \"v\"").unwrap();
        assert_eq!(c.source.as_deref(), Some(Path::new("db")));
    }
}
