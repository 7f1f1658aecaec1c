//! `import --from TOOL [DIR]` and `adopt --from TOOL`: a project and its
//! databases taken over from another migration tool. The files are made by
//! migrate-devtools (`import`), the database is taken over by migrate-cli's
//! `adopt`, shared with the application's command.

use super::Env;
use crate::args::{AdoptArgs, ImportArgs};
use crate::db::{self, Dir};
use crate::error::CliError;
use migrate_devtools::import::import_with as read_project;
use migrate_runtime::Tool;
use std::io::Write;
use std::path::PathBuf;

/// `import --from TOOL [DIR]`.
pub(crate) fn import(
    args: &ImportArgs,
    env: &Env<'_>,
    out: &mut dyn Write,
) -> Result<(), CliError> {
    let tool = args.from;
    let dir = args.dir.clone().unwrap_or_else(|| match tool {
        Tool::Dbmate => PathBuf::from("db/migrations"),
        Tool::Flyway => PathBuf::from("sql"),
        Tool::Alembic => PathBuf::from("."),
        _ => PathBuf::from("migrations"),
    });
    let target = &env.settings.source;
    if same_dir(&dir, target) {
        return Err(CliError::Import(migrate_devtools::import::ImportError::Format {
            file: dir.display().to_string(),
            reason: format!("is also our migrations directory; import into another one with `--source DIR` (or `source` in migrate.toml), then remove {tool}'s files"),
        }));
    }
    let imported = read_project(tool, &dir, args.dialect.map(Into::into))?;
    imported.write_to(target)?;
    let w = |out: &mut dyn Write, text: String| {
        writeln!(out, "{text}").map_err(|e| CliError::Io {
            path: PathBuf::from("<stdout>"),
            action: "write",
            source: e,
        })
    };
    w(
        out,
        format!(
            "imported {} revision(s) from {} into {}",
            imported.files.len(),
            dir.display(),
            target.display()
        ),
    )?;
    for n in &imported.not_carried {
        w(out, format!("not carried: {n}"))?;
    }
    for t in &imported.todo {
        w(
            out,
            format!("TODO (written with a TODO comment, fill in by hand): {t}"),
        )?;
    }
    if !imported.irreversible.is_empty() {
        w(
            out,
            format!(
                "irreversible (no down section in {tool}): {}",
                imported.irreversible.join(", ")
            ),
        )?;
    }
    w(out, format!(
        "next:\n  cargo migrate check\n  cargo migrate adopt --from {tool}     # on each database {tool} migrated (or `--sql` for a DBA)\n  cargo migrate upgrade                 # applies what {tool} had not\nin a service: `migrations!(\"{}\")` and `.adopt_from(Tool::{:?})` on its Migrator adopt on first start",
        target.display(),
        tool
    ))?;
    Ok(())
}

fn same_dir(a: &std::path::Path, b: &std::path::Path) -> bool {
    match (a.canonicalize(), b.canonicalize()) {
        (Ok(a), Ok(b)) => a == b,
        _ => a == b,
    }
}

/// `adopt --from TOOL [--sql]`.
pub(crate) fn adopt(args: &AdoptArgs, env: &Env<'_>, out: &mut dyn Write) -> Result<(), CliError> {
    let dir = Dir::new(&env.settings.source);
    let table = env.settings.table(args.db.table.as_deref());
    let cx = env.context(&dir, &table);
    db::block_on(async {
        migrate_cli::adopt(
            &cx,
            args.from,
            args.their_table.as_deref(),
            args.sql,
            &args.lock,
            out,
        )
        .await
    })
}
