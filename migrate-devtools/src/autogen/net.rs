//! The dump net of `check --schema` and the drift check: after the schema
//! model finds the migrations equal to the desired schema (and the live
//! database equal to the migrations), the servers' own dumps of the same
//! databases are compared; what only they see is reported, named.

use super::pipeline::{Pipeline, SchemaFile};
use super::AutogenError;
use crate::proof::{self, DumpOptions, Net, SchemaDump};
use migrate_runtime::{DatabaseUrl, Db};

/// What the dump net found in one comparison.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NetFinding {
    /// `schema` (the migrations against the desired schema) or
    /// `schema_drift` (the database against the migrations).
    pub kind: &'static str,
    /// The message: `only the schema dump sees: ...` or `not compared: ...`.
    pub message: String,
    /// Each object that differs, in words with its line diff.
    pub objects: Vec<String>,
}

impl Pipeline<'_> {
    /// Replays the migrations and runs `files` on scratch databases, then
    /// compares their dumps; with `live` (a database at the heads), its
    /// dump too against the replayed one. Empty when every dump agrees.
    pub async fn dump_net(
        &mut self,
        files: &[SchemaFile],
        live: Option<&DatabaseUrl>,
        privileges: bool,
    ) -> Result<Vec<NetFinding>, AutogenError> {
        self.current().await?;
        let current = self.live.len() - 1;
        self.desired(files).await?;
        let desired = self.live.len() - 1;
        let options = DumpOptions {
            privileges,
            counters: false,
            exclude: vec![self.table.clone()],
            literal: false,
        };
        let replayed = self.dump_of(current, &options).await;
        let mut out = Vec::new();
        let names: Vec<&str> = files.iter().map(|f| f.name.as_str()).collect();
        let wanted = self.dump_of(desired, &options).await;
        out.extend(finding(
            "schema",
            &format!(
                "the migrations do not reproduce the desired schema ({})",
                names.join(", ")
            ),
            &replayed,
            &wanted,
        ));
        if let Some(url) = live {
            let db = Db::connect_url(url).await?;
            let found = proof::dump(&db, Some(url), &options).await;
            db.close().await;
            out.extend(finding(
                "schema_drift",
                "the database drifted from its migrations (changed by hand?)",
                &found,
                &replayed,
            ));
        }
        Ok(out)
    }

    async fn dump_of(&self, k: usize, options: &DumpOptions) -> Net {
        let url = self.live[k]
            .name
            .as_deref()
            .and_then(|n| self.server.url(n));
        proof::dump(&self.live[k].db, url.as_ref(), options).await
    }
}

/// `expected` against `actual`: nothing when both dumps agree.
fn finding(kind: &'static str, what: &str, actual: &Net, expected: &Net) -> Option<NetFinding> {
    let (a, b): (&SchemaDump, &SchemaDump) = match (expected, actual) {
        (Net::Dumped(a), Net::Dumped(b)) => (a, b),
        (Net::NotCompared(why), _) | (_, Net::NotCompared(why)) => {
            return Some(NetFinding {
                kind,
                message: format!("not compared: the schema dumps ({why}); {what}? unknown"),
                objects: Vec::new(),
            })
        }
    };
    let found = proof::compare(a, b);
    if found.is_empty() {
        return None;
    }
    let named: Vec<&str> = found.iter().map(|d| d.object.as_str()).collect();
    Some(NetFinding {
        kind,
        message: format!("{what}: only the schema dump sees {}:", named.join(", ")),
        objects: found.iter().map(|d| d.text()).collect(),
    })
}
