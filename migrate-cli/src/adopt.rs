//! `adopt --from TOOL [--sql]`: takes a database over from another
//! migration tool, as both command lines run it. The runtime does the work
//! (`Migrator::adopt`); this prints what it recorded, or the script a DBA
//! runs instead.

use super::context::{Context, Load};
use super::error::CmdError;
use super::options::LockArgs;
use migrate_runtime::{Adopted, Adoption, Tool};
use std::io::Write;

/// What `adopt` prints after recording `adoption`.
fn recorded(adoption: &Adoption, table: &str, fresh: bool) -> String {
    let tool = adoption.tool;
    let mut out = String::new();
    for skipped in &adoption.skipped {
        out.push_str(&format!("skipped: {skipped}\n"));
    }
    let verb = if fresh {
        "recorded"
    } else {
        "already recorded"
    };
    if adoption.revisions.is_empty() {
        out.push_str(&format!(
            "{tool} recorded nothing applied; nothing to adopt\n"
        ));
        return out;
    }
    out.push_str(&format!(
        "{verb} {} revision(s) {tool} applied in {table}; the database is at {}\n",
        adoption.revisions.len(),
        adoption.heads.join(", ")
    ));
    out.push_str(&format!(
        "{}'s table `{}` was left as it was: drop it once nothing runs {tool} any more\n",
        tool,
        tool.table()
    ));
    out
}

/// `adopt --from TOOL [--table-of-tool NAME] [--sql]`.
pub async fn adopt<L: Load + ?Sized, W: Write + ?Sized>(
    cx: &Context<'_, L>,
    tool: Tool,
    their_table: Option<&str>,
    sql: bool,
    lock: &LockArgs,
    out: &mut W,
) -> Result<(), L::Error> {
    let set = cx.migrations.load()?;
    let m = lock.apply(cx.migrator(&set));
    let ours = m.table_name().to_owned();
    let db = cx.database.connect("adopt")?;
    let text = db
        .with(async |db| {
            if sql {
                let adoption = m
                    .adoption(db, tool, their_table)
                    .await
                    .map_err(migrate_runtime::AdoptError::into_error)?;
                let mut script = String::new();
                let heads: Vec<&str> = adoption.heads.iter().map(String::as_str).collect();
                if !heads.is_empty() {
                    script = m.offline_stamp(db.dialect(), &heads, false)?;
                }
                return Ok(script);
            }
            match m
                .adopt(db, tool, their_table)
                .await
                .map_err(migrate_runtime::AdoptError::into_error)?
            {
                Adopted::Recorded(a) => Ok(recorded(&a, &ours, true)),
                Adopted::AlreadyRecorded(a) => Ok(recorded(&a, &ours, false)),
                Adopted::Skipped | Adopted::NoRecord => Ok(String::new()),
            }
        })
        .await?;
    out.write_all(text.as_bytes()).map_err(CmdError::from)?;
    Ok(())
}
