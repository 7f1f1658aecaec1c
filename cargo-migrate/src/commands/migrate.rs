//! Commands that change the database (or print the SQL that would):
//! `upgrade`, `downgrade`, `stamp`, `resolve`. migrate-cli runs them, as it
//! does for an application's own `migrate` command; this builds their
//! context (the directory, migrate.toml's table, the URL) and the options
//! only this command line has (`--dialect`, `stamp --purge` and `--sql`).

use super::Env;
use crate::args::{DbOpts, DowngradeArgs, ResolveArgs, SqlOpts, StampArgs, UpgradeArgs};
use crate::db::{self, Dir};
use crate::error::CliError;
use migrate_cli::{Context, Offline};
use std::io::Write;

/// `upgrade [TARGET]`.
pub(crate) fn upgrade(
    args: &UpgradeArgs,
    env: &Env<'_>,
    out: &mut dyn Write,
) -> Result<(), CliError> {
    let sql = offline(&args.sql);
    run(env, &args.db, async |cx| {
        migrate_cli::upgrade(cx, &args.up, &args.lock, sql, out).await
    })
}

/// `downgrade TARGET`.
pub(crate) fn downgrade(
    args: &DowngradeArgs,
    env: &Env<'_>,
    out: &mut dyn Write,
) -> Result<(), CliError> {
    let sql = offline(&args.sql);
    run(env, &args.db, async |cx| {
        migrate_cli::downgrade(cx, &args.down, &args.lock, sql, out).await
    })
}

/// `stamp TARGET... [--purge] [--sql]` and `stamp --accept-checksum REV`.
pub(crate) fn stamp(args: &StampArgs, env: &Env<'_>, out: &mut dyn Write) -> Result<(), CliError> {
    let stamp = migrate_cli::Stamp::new(&args.stamp)
        .purge(args.purge)
        .sql(offline(&args.sql));
    run(env, &args.db, async |cx| {
        migrate_cli::stamp(cx, &stamp, &args.lock, out).await
    })
}

/// `resolve REV --applied|--rolled-back`; never asks ([`migrate_cli::Policy::CARGO`]).
pub(crate) fn resolve(
    args: &ResolveArgs,
    env: &Env<'_>,
    out: &mut dyn Write,
) -> Result<(), CliError> {
    run(env, &args.db, async |cx| {
        migrate_cli::resolve(cx, &args.resolve, false, &args.lock, out).await
    })
}

/// Runs `command` over the directory, with `--table` or migrate.toml's table.
fn run(
    env: &Env<'_>,
    db: &DbOpts,
    command: impl AsyncFnOnce(&Context<'_, Dir<'_>>) -> Result<(), CliError>,
) -> Result<(), CliError> {
    let dir = Dir::new(&env.settings.source);
    let table = env.settings.table(db.table.as_deref());
    db::block_on(command(&env.context(&dir, &table)))
}

/// `--sql`: the script's dialect is `--dialect`, else the URL's.
fn offline(sql: &SqlOpts) -> Option<Offline> {
    sql.sql
        .then(|| Offline::Dialect(sql.dialect.map(Into::into)))
}
