//! [`Pipeline`]: scratch databases for one autogenerate or schema check,
//! dropped together at the end.

use super::error::split;
use super::exec::{checked, exec, run_confined};
use super::rows::{insert_trial_rows, Target};
use super::{AutogenError, Stage};
use crate::catalog::read_schema;
use crate::scratch::{ScratchDb, ScratchServer};
use migrate_runtime::{Db, LockStrategy, Migrations, Migrator, StepEvent};
use migrate_schema::{draft, Hints, Schema};
use std::sync::Arc;

/// One file of the desired schema.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SchemaFile {
    /// How errors name it (`schema.sql`, `schema/010_users.sql`, `--to-cmd output`).
    pub name: String,
    /// Its SQL.
    pub text: String,
}

/// What a successful verification noticed.
#[derive(Debug, Default)]
pub struct Verification {
    /// Tables no row could be inserted into (type without a literal, a
    /// check constraint the made-up row breaks), with the database's
    /// message: the draft was verified on them empty only.
    pub tables_without_rows: Vec<String>,
    /// The downgrade over the rows failed (after every other pass
    /// succeeded, the downgrade on empty tables included). A draft whose up
    /// loses data cannot give back what it dropped, and a foreign key to a
    /// dropped table then refuses the rows that referenced it: the caller
    /// decides whether this refuses the draft or is said beside it.
    pub down_with_rows: Option<AutogenError>,
}

type Hook = Arc<dyn Fn(&StepEvent) + Send + Sync>;

/// The scratch databases of one run: create them with [`Pipeline::current`]
/// and [`Pipeline::desired`], check a draft with [`Pipeline::verify`], and
/// always end with [`Pipeline::finish`], which drops them (a Ctrl-C handler
/// calls [`crate::scratch::drop_live`] instead).
pub struct Pipeline<'m> {
    pub(super) server: ScratchServer,
    pub(super) migrations: &'m Migrations,
    pub(super) table: String,
    hook: Option<Hook>,
    pub(super) live: Vec<ScratchDb>,
    cleaned: bool,
    /// The scratch database holding the replayed migrations.
    current: Option<usize>,
    /// The scratch database the desired schema was run on, where the
    /// verification rows are tried first.
    desired: Option<usize>,
    /// Whether trial rows of an earlier verification are still there.
    desired_rows: bool,
}

impl std::fmt::Debug for Pipeline<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Pipeline")
            .field("server", &self.server)
            .field("table", &self.table)
            .field("live", &self.live)
            .finish_non_exhaustive()
    }
}

impl<'m> Pipeline<'m> {
    /// A pipeline for `migrations` on scratch databases of `server`.
    pub fn new(migrations: &'m Migrations, server: ScratchServer) -> Pipeline<'m> {
        Pipeline {
            server,
            migrations,
            table: migrate_runtime::DEFAULT_TABLE.to_owned(),
            hook: None,
            live: Vec::new(),
            cleaned: false,
            current: None,
            desired: None,
            desired_rows: false,
        }
    }

    /// The version table name (left out of every schema read).
    pub fn table(mut self, table: impl Into<String>) -> Self {
        self.table = table.into();
        self
    }

    /// Called after each revision of the replay (progress for long graphs).
    pub fn on_step(mut self, hook: impl Fn(&StepEvent) + Send + Sync + 'static) -> Self {
        self.hook = Some(Arc::new(hook));
        self
    }

    /// The dialect of the scratch databases.
    pub fn dialect(&self) -> migrate_runtime::Dialect {
        self.server.dialect()
    }

    pub(super) async fn scratch(&mut self) -> Result<usize, AutogenError> {
        if !self.cleaned {
            self.cleaned = true;
            self.server.clean_leftovers().await?;
        }
        self.live.push(self.server.create().await?);
        Ok(self.live.len() - 1)
    }

    pub(super) fn migrator<'a>(&self, migrations: &'a Migrations) -> Migrator<'a> {
        // A scratch database is this run's alone: no lock to take. One
        // transaction for the whole replay where the engine allows it.
        let mut m = migrations
            .migrator()
            .table(self.table.clone())
            .lock(LockStrategy::None)
            .grouped(true);
        if let Some(hook) = &self.hook {
            let hook = Arc::clone(hook);
            m = m.on_step(move |e| hook(e));
        }
        m
    }

    pub(super) async fn read(&self, i: usize) -> Result<Schema, AutogenError> {
        Ok(read_schema(&self.live[i].db, &[self.table.as_str()]).await?)
    }

    /// The current state: the migration graph replayed from base to the
    /// heads on a fresh scratch database, read back.
    pub async fn current(&mut self) -> Result<Schema, AutogenError> {
        let i = self.scratch().await?;
        let migrator = self.migrator(self.migrations);
        if !self.migrations.is_empty() {
            migrator
                .upgrade(&self.live[i].db, "heads")
                .await
                .map_err(|e| {
                    let (failed, source) = split(e, None);
                    AutogenError::Replay { failed, source }
                })?;
        }
        self.current = Some(i);
        self.read(i).await
    }

    /// The desired state: `files` run in order on a fresh scratch database,
    /// read back. A failing statement names its file and line. The files
    /// run confined: a statement that would act outside the scratch
    /// database (`USE`, `\connect`, `CREATE/DROP DATABASE`, roles and
    /// users, `ALTER SYSTEM`, another database's tables) is refused before
    /// anything runs, and the rest runs in order on one connection, its
    /// current database checked after each statement.
    pub async fn desired(&mut self, files: &[SchemaFile]) -> Result<Schema, AutogenError> {
        let dialect = self.dialect();
        let mut i = self.scratch().await?;
        let name = self.live[i].name.clone();
        let others = other_databases(&self.live[i].db, name.as_deref()).await;
        let pieces = checked(
            dialect,
            files.iter().map(|f| (f.name.as_str(), f.text.as_str())),
            &others,
        )?;
        if dialect == migrate_runtime::Dialect::Sqlite {
            // Each file in one call (thousands of statements in one round
            // trip); only if one fails, again statement by statement on a
            // fresh database, to name the failing line.
            let mut batch_ok = true;
            for f in files {
                if exec(&self.live[i].db, &f.text).await.is_err() {
                    batch_ok = false;
                    break;
                }
            }
            if batch_ok {
                self.desired = Some(i);
                self.desired_rows = false;
                return self.read(i).await;
            }
            i = self.scratch().await?;
        }
        run_confined(&self.live[i].db, &pieces, name.as_deref()).await?;
        self.desired = Some(i);
        self.desired_rows = false;
        self.read(i).await
    }

    /// Checks a draft before it is written. `with_draft` is the migration
    /// set with the draft's revision added on `parents`; `current` and
    /// `desired` are what [`Pipeline::current`] and the desired side read.
    /// On the replayed scratch database: up must reach `desired` and down
    /// return to `current`, once with empty tables and once with a row in
    /// every table.
    pub async fn verify(
        &mut self,
        with_draft: &Migrations,
        parents: &[String],
        current: &Schema,
        desired: &Schema,
    ) -> Result<Verification, AutogenError> {
        if self.current.is_none() {
            self.current().await?;
        }
        let i = self.current.expect("replayed above");
        let down_to = parents.first().map_or("base", String::as_str).to_owned();
        let migrator = self.migrator(with_draft);
        let db = self.live[i].db.clone();
        let mut report = Verification::default();
        // The draft is the revision the replayed set lacks.
        let ids: Vec<String> = with_draft
            .as_slice()
            .iter()
            .filter(|m| self.migrations.get(m.id()).is_none())
            .map(|m| m.id().to_owned())
            .collect();
        for (up, down) in [
            (Stage::UpEmpty, Stage::DownEmpty),
            (Stage::UpRows, Stage::DownRows),
        ] {
            if up == Stage::UpRows {
                let target = self.desired.map(|j| Target {
                    db: &self.live[j].db,
                    dirty: &mut self.desired_rows,
                });
                report.tables_without_rows = insert_trial_rows(&db, target, current, desired).await;
            }
            migrator
                .upgrade(&db, "heads")
                .await
                .map_err(|e| verify_error(e, up, &ids))?;
            self.expect(i, up, desired, "desired").await?;
            let reverted = migrator
                .downgrade(&db, &down_to)
                .await
                .map_err(|e| verify_error(e, down, &ids));
            if reverted.is_err() && down == Stage::DownRows {
                // The last pass: the database is thrown away after it.
                report.down_with_rows = reverted.err();
                break;
            }
            reverted?;
            self.expect(i, down, current, "current").await?;
        }
        Ok(report)
    }

    async fn expect(
        &self,
        i: usize,
        stage: Stage,
        want: &Schema,
        target: &'static str,
    ) -> Result<(), AutogenError> {
        let got = self.read(i).await?;
        // The dialect's draft, not the bare diff: what it cannot write (a
        // PostgreSQL column order) is not the draft's to reach.
        let left = draft(&got, want, &Hints::new(), self.dialect());
        if left.is_empty() {
            return Ok(());
        }
        let remaining = left.up.into_iter().map(|s| s.sql).collect();
        Err(AutogenError::Mismatch {
            stage,
            target,
            remaining,
        })
    }

    /// Drops every scratch database of this pipeline. Call it on every
    /// path; the first error is returned after all were tried.
    pub async fn finish(mut self) -> Result<(), AutogenError> {
        let mut first = None;
        for scratch in std::mem::take(&mut self.live) {
            if let Err(e) = self.server.drop(scratch).await {
                first.get_or_insert(e);
            }
        }
        first.map_or(Ok(()), |e| Err(e.into()))
    }
}

fn verify_error(e: migrate_runtime::Error, stage: Stage, ids: &[String]) -> AutogenError {
    let (failed, source) = split(e, ids.first().map(String::as_str));
    AutogenError::Verify {
        stage,
        failed,
        source,
    }
}

/// The schema of a live database (`--to-db`, `schema dump --from-db`,
/// drift checks), without the version table `table`.
pub async fn read_live(db: &Db, table: &str) -> Result<Schema, AutogenError> {
    Ok(read_schema(db, &[table]).await?)
}

/// The server's other databases (MySQL/MariaDB, where `db.table` reaches
/// them from any session): what a desired schema must not name.
async fn other_databases(db: &Db, own: Option<&str>) -> Vec<String> {
    #[cfg(feature = "mysql")]
    if let Db::MySql(p) = db {
        let names: Vec<String> =
            sqlx::query_scalar("SELECT CAST(SCHEMA_NAME AS CHAR) FROM information_schema.SCHEMATA")
                .fetch_all(p)
                .await
                .unwrap_or_default();
        return names
            .into_iter()
            .filter(|n| Some(n.as_str()) != own)
            .collect();
    }
    let _ = (db, own);
    Vec::new()
}
