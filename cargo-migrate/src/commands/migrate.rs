//! Commands that change the database (or print the SQL that would):
//! `upgrade`, `downgrade`, `stamp`, `resolve`. migrate-cli runs them, as it
//! does for an application's own `migrate` command; this builds their
//! context (the directory, migrate.toml's table, the URL) and the options
//! only this command line has (`--dialect`, `stamp --purge` and `--sql`).

use super::Env;
use crate::args::{DbOpts, DowngradeArgs, ResolveArgs, SqlOpts, StampArgs, UpgradeArgs};
use crate::db::{self, Dir};
use crate::error::CliError;
use migrate_cli::Offline;
use std::io::Write;

/// `upgrade [TARGET]`.
pub(crate) fn upgrade(
    args: &UpgradeArgs,
    env: &Env<'_>,
    out: &mut dyn Write,
) -> Result<(), CliError> {
    let (dir, table) = source(env, &args.db);
    let cx = env.context(&dir, &table);
    let sql = offline(&args.sql);
    db::block_on(migrate_cli::upgrade(&cx, &args.up, &args.lock, sql, out))
}

/// `downgrade TARGET`.
pub(crate) fn downgrade(
    args: &DowngradeArgs,
    env: &Env<'_>,
    out: &mut dyn Write,
) -> Result<(), CliError> {
    let (dir, table) = source(env, &args.db);
    let cx = env.context(&dir, &table);
    let sql = offline(&args.sql);
    db::block_on(migrate_cli::downgrade(
        &cx, &args.down, &args.lock, sql, out,
    ))
}

/// `stamp TARGET... [--purge] [--sql]` and `stamp --accept-checksum REV`.
pub(crate) fn stamp(args: &StampArgs, env: &Env<'_>, out: &mut dyn Write) -> Result<(), CliError> {
    let (dir, table) = source(env, &args.db);
    let cx = env.context(&dir, &table);
    let stamp = migrate_cli::Stamp::new(&args.targets)
        .accept_checksum(args.accept_checksum.as_deref())
        .purge(args.purge)
        .sql(offline(&args.sql));
    db::block_on(migrate_cli::stamp(&cx, &stamp, &args.lock, out))
}

/// `resolve REV --applied|--rolled-back`.
pub(crate) fn resolve(
    args: &ResolveArgs,
    env: &Env<'_>,
    out: &mut dyn Write,
) -> Result<(), CliError> {
    let (dir, table) = source(env, &args.db);
    let cx = env.context(&dir, &table);
    db::block_on(migrate_cli::resolve(
        &cx,
        &args.resolve,
        false,
        &args.lock,
        out,
    ))
}

/// The directory and the table: `--table`, else migrate.toml's.
fn source<'e>(env: &'e Env<'_>, db: &DbOpts) -> (Dir<'e>, Option<String>) {
    (
        Dir::new(&env.settings.source),
        env.settings.table(db.table.as_deref()),
    )
}

/// `--sql`: the script's dialect is `--dialect`, else the URL's.
fn offline(sql: &SqlOpts) -> Option<Offline> {
    sql.sql
        .then(|| Offline::Dialect(sql.dialect.map(Into::into)))
}
