//! The rules: their ids, how serious each is, why it is dangerous and what
//! to write instead, one row per rule in [`INFO`]. The ids are what
//! `-- migrate:allow RULE reason` names.

use serde::Serialize;

/// How serious a finding is: an error fails `cargo migrate lint` and `check`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// Worth a look; does not fail the lint.
    Warning,
    /// Fails the lint unless suppressed.
    Error,
}

impl std::fmt::Display for Severity {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Severity::Warning => "warning",
            Severity::Error => "error",
        })
    }
}

/// A lint rule.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[non_exhaustive]
pub enum Rule {
    /// `DROP TABLE` of a table that existed before the revision.
    DropTable,
    /// `DROP COLUMN` of a column of an existing table.
    DropColumn,
    /// Renaming an existing table.
    RenameTable,
    /// Renaming a column of an existing table.
    RenameColumn,
    /// `SET NOT NULL` (or `MODIFY ... NOT NULL`) on an existing table's column.
    SetNotNull,
    /// `ADD COLUMN ... NOT NULL` without a default on an existing table.
    AddColumnNotNull,
    /// A column's type changed on an existing table.
    ChangeColumnType,
    /// PostgreSQL: `CREATE INDEX` without `CONCURRENTLY` on an existing table.
    IndexNotConcurrent,
    /// PostgreSQL: `CONCURRENTLY` in a section that runs in a transaction.
    ConcurrentlyInTransaction,
    /// PostgreSQL: a foreign key or check added without `NOT VALID`.
    ConstraintNotValid,
    /// MySQL/MariaDB: DDL and DML in one revision.
    MixedDdlDml,
    /// MySQL/MariaDB: a revision that changes data has no way back.
    DataChangeWithoutDown,
    /// `TRUNCATE` of a table that existed before the revision.
    Truncate,
    /// `DELETE` without `WHERE` from an existing table.
    DeleteWithoutWhere,
    /// `UPDATE` without `WHERE` of an existing column.
    UpdateWithoutWhere,
    /// `DROP SCHEMA`, `DROP TYPE` (or another object) with `CASCADE`.
    DropCascade,
    /// `DROP DATABASE` (MySQL: also `DROP SCHEMA`).
    DropDatabase,
    /// PostgreSQL: `ADD PRIMARY KEY` or `ADD UNIQUE` on an existing table.
    AddUniqueConstraint,
    /// PostgreSQL: a column added to an existing table with a volatile default (`random()`, `clock_timestamp()`, `gen_random_uuid()`, a serial or identity).
    VolatileDefault,
    /// A stored generated column added to an existing table (PostgreSQL, MySQL).
    StoredGeneratedColumn,
    /// `LOCK TABLE` (PostgreSQL) or `LOCK TABLES` (MySQL).
    LockTable,
    /// PostgreSQL: `SET LOGGED` or `SET UNLOGGED` on an existing table.
    SetLogged,
    /// PostgreSQL: `DROP INDEX` without `CONCURRENTLY` of an index that existed before the revision.
    DropIndexNotConcurrent,
    /// PostgreSQL: `VACUUM FULL`.
    VacuumFull,
    /// PostgreSQL: `VACUUM` in a section that runs in a transaction.
    VacuumInTransaction,
    /// PostgreSQL: an enum value added by `ALTER TYPE ... ADD VALUE` and used in the same transaction.
    EnumValueInTransaction,
    /// MySQL: `ALTER TABLE ... ENGINE =` on an existing table.
    ChangeEngine,
    /// MySQL: `ALTER TABLE ... CONVERT TO CHARACTER SET` on an existing table.
    ConvertCharset,
    /// MySQL: `REPLACE INTO`.
    ReplaceInto,
    /// A statement the dialect's grammar cannot read.
    Unparsed,
    /// A `-- migrate:allow` marker without a reason, or naming no rule.
    BadAllow,
}

/// One rule's row: id, severity, why, safe pattern.
struct Info {
    rule: Rule,
    id: &'static str,
    severity: Severity,
    why: &'static str,
    safe: &'static str,
}

use Severity::{Error as E, Warning as W};

/// Every rule's row, in the order of [`Rule`].
#[rustfmt::skip]
const INFO: [Info; 31] = [
    Info { rule: Rule::DropTable, id: "drop-table", severity: E,
        why: "the data is gone for good, and the version of the app still running during the deploy reads and writes this table",
        safe: "stop using the table in the app and deploy that first; drop it in a later revision, with `-- migrate:allow drop-table <reason>` above the statement" },
    Info { rule: Rule::DropColumn, id: "drop-column", severity: E,
        why: "the data is gone for good, and the version of the app still running during the deploy selects and inserts this column",
        safe: "stop using the column in the app and deploy that first; drop it in a later revision, with `-- migrate:allow drop-column <reason>` above the statement" },
    Info { rule: Rule::RenameTable, id: "rename-table", severity: E,
        why: "the version of the app still running during the deploy uses the old name and fails until every instance is replaced",
        safe: "create the new table (or a view under the new name), make the app use both, copy the data, then drop the old name in a later revision" },
    Info { rule: Rule::RenameColumn, id: "rename-column", severity: E,
        why: "the version of the app still running during the deploy uses the old name and fails until every instance is replaced",
        safe: "add the new column, write both from the app, backfill, switch reads, then drop the old column in a later revision" },
    Info { rule: Rule::SetNotNull, id: "set-not-null", severity: W,
        why: "the database scans the whole table under an exclusive lock, and the statement fails if any row holds NULL",
        safe: "on PostgreSQL add `CHECK (col IS NOT NULL) NOT VALID`, then `VALIDATE CONSTRAINT` in a later revision, then SET NOT NULL (which then skips the scan); elsewhere backfill first" },
    Info { rule: Rule::AddColumnNotNull, id: "add-column-not-null", severity: E,
        why: "existing rows have no value for the column: PostgreSQL and SQLite refuse the statement on a table with rows, MySQL fills in 0 or ''",
        safe: "add the column with a DEFAULT, or add it nullable, backfill it, then add NOT NULL in a later revision" },
    Info { rule: Rule::ChangeColumnType, id: "change-column-type", severity: W,
        why: "most type changes rewrite the table under an exclusive lock, and the running app may read or write values of the old type",
        safe: "add a column of the new type, write both from the app, backfill, switch reads, then drop the old column in a later revision" },
    Info { rule: Rule::IndexNotConcurrent, id: "index-not-concurrent", severity: W,
        why: "CREATE INDEX blocks every write to the table until the index is built",
        safe: "`CREATE INDEX CONCURRENTLY` in a section marked `-- migrate:up transaction:false`" },
    Info { rule: Rule::ConcurrentlyInTransaction, id: "concurrently-in-transaction", severity: E,
        why: "PostgreSQL refuses CONCURRENTLY inside a transaction block: the migration fails",
        safe: "mark the section `-- migrate:up transaction:false` (one statement per revision is safest)" },
    Info { rule: Rule::ConstraintNotValid, id: "constraint-not-valid", severity: W,
        why: "adding the constraint checks every row while holding a lock that blocks writes",
        safe: "add it with NOT VALID, then `ALTER TABLE ... VALIDATE CONSTRAINT` in a later revision (validation does not block writes)" },
    Info { rule: Rule::MixedDdlDml, id: "mixed-ddl-dml", severity: W,
        why: "MySQL commits each DDL statement implicitly, so a failure after it leaves the revision half applied, with no rollback",
        safe: "put the schema change and the data change in separate revisions" },
    Info { rule: Rule::DataChangeWithoutDown, id: "data-change-without-down", severity: W,
        why: "the revision changes rows and MySQL cannot roll it back, so without a down section the change cannot be undone",
        safe: "write a down section that undoes the data change, or say why it cannot be undone with `-- migrate:allow data-change-without-down <reason>`" },
    Info { rule: Rule::Truncate, id: "truncate", severity: E,
        why: "every row of the table is gone for good, and TRUNCATE takes an ACCESS EXCLUSIVE lock (MySQL: it cannot be rolled back)",
        safe: "delete the rows the revision means to remove with a `WHERE`, or say why all of them go with `-- migrate:allow truncate <reason>`" },
    Info { rule: Rule::DeleteWithoutWhere, id: "delete-without-where", severity: E,
        why: "every row of the table is deleted, and the running app's rows with them",
        safe: "add the `WHERE` that names the rows to remove, or `-- migrate:allow delete-without-where <reason>`" },
    Info { rule: Rule::UpdateWithoutWhere, id: "update-without-where", severity: W,
        why: "every row's old value is overwritten, and every row is locked (and on PostgreSQL rewritten) in one transaction",
        safe: "add a `WHERE` (e.g. `WHERE col IS NULL` for a backfill) and update in batches on a large table" },
    Info { rule: Rule::DropCascade, id: "drop-cascade", severity: E,
        why: "CASCADE silently drops every object that depends on it: tables, columns of that type, views, functions",
        safe: "drop the dependent objects explicitly first, each visible in review, then drop this one without CASCADE" },
    Info { rule: Rule::DropDatabase, id: "drop-database", severity: E,
        why: "every table of the database and all their rows are gone for good",
        safe: "databases are created and dropped by operations, not by migrations; remove the statement" },
    Info { rule: Rule::AddUniqueConstraint, id: "add-unique-constraint", severity: W,
        why: "building the constraint's index scans the whole table under a lock that blocks writes (ACCESS EXCLUSIVE for ALTER TABLE)",
        safe: "`CREATE UNIQUE INDEX CONCURRENTLY i ...` in a `transaction:false` revision, then `ALTER TABLE ... ADD CONSTRAINT c PRIMARY KEY USING INDEX i` (or `UNIQUE USING INDEX i`)" },
    Info { rule: Rule::VolatileDefault, id: "volatile-default", severity: W,
        why: "a default evaluated per row makes PostgreSQL rewrite the whole table under an ACCESS EXCLUSIVE lock (a constant or `now()` does not, since PostgreSQL 11)",
        safe: "add the column without a default (or with a constant), set the default in a second statement, and backfill existing rows in batches" },
    Info { rule: Rule::StoredGeneratedColumn, id: "stored-generated-column", severity: W,
        why: "every row's value is computed and written: the whole table is rewritten (PostgreSQL) or copied (MySQL) under a lock that blocks writes",
        safe: "add a plain column, fill it in batches and keep it current from the app or a trigger; or accept the rewrite on a small table with `-- migrate:allow stored-generated-column <reason>`" },
    Info { rule: Rule::LockTable, id: "lock-table", severity: W,
        why: "an explicit lock blocks the running app's reads or writes for as long as the revision runs",
        safe: "let each statement take the lock it needs, and keep the revision short; set `lock_timeout` instead of locking up front" },
    Info { rule: Rule::SetLogged, id: "set-logged", severity: W,
        why: "the whole table is rewritten under an ACCESS EXCLUSIVE lock; an UNLOGGED table is emptied after a crash and not replicated",
        safe: "create the table with the persistence it needs; change it only in a maintenance window, with `-- migrate:allow set-logged <reason>`" },
    Info { rule: Rule::DropIndexNotConcurrent, id: "drop-index-not-concurrent", severity: W,
        why: "DROP INDEX takes an ACCESS EXCLUSIVE lock on the index's table, blocking reads and writes until it is done",
        safe: "`DROP INDEX CONCURRENTLY` in a section marked `-- migrate:up transaction:false`" },
    Info { rule: Rule::VacuumFull, id: "vacuum-full", severity: W,
        why: "VACUUM FULL rewrites the table under an ACCESS EXCLUSIVE lock, blocking reads and writes until it is done",
        safe: "run plain VACUUM (or pg_repack) outside the migrations" },
    Info { rule: Rule::VacuumInTransaction, id: "vacuum-in-transaction", severity: E,
        why: "PostgreSQL refuses VACUUM inside a transaction block: the migration fails",
        safe: "mark the section `-- migrate:up transaction:false`, or run VACUUM outside the migrations" },
    Info { rule: Rule::EnumValueInTransaction, id: "enum-value-in-transaction", severity: E,
        why: "PostgreSQL refuses to use an enum value before the transaction that added it commits (`unsafe use of new value`): the migration fails",
        safe: "add the value in one revision and use it in a later one, or mark the section `-- migrate:up transaction:false`" },
    Info { rule: Rule::ChangeEngine, id: "change-engine", severity: W,
        why: "changing the storage engine copies the whole table, blocking writes; a non-transactional engine loses foreign keys and crash safety",
        safe: "keep InnoDB; if the engine must change, do it in a maintenance window with `-- migrate:allow change-engine <reason>`" },
    Info { rule: Rule::ConvertCharset, id: "convert-charset", severity: W,
        why: "every text column is converted: the table is copied under a lock that blocks writes, and characters the new set cannot hold become '?'",
        safe: "convert only to a set that holds every character (utf8mb4), in a maintenance window, with `-- migrate:allow convert-charset <reason>`" },
    Info { rule: Rule::ReplaceInto, id: "replace-into", severity: W,
        why: "REPLACE deletes the conflicting row and inserts a new one: ON DELETE CASCADE children are deleted, columns it does not name are reset, and the row gets a new AUTO_INCREMENT id",
        safe: "`INSERT ... ON DUPLICATE KEY UPDATE` with the columns to change" },
    Info { rule: Rule::Unparsed, id: "unparsed", severity: W,
        why: "the dialect's grammar cannot read this statement, so no rule checked it",
        safe: "check the statement by hand, and put `-- migrate:unchecked` in the file's header to say the parser cannot read it" },
    Info { rule: Rule::BadAllow, id: "bad-allow", severity: E,
        why: "a suppression must say which rule it silences and why, so a reviewer can judge it",
        safe: "write `-- migrate:allow RULE reason` with a rule id and a reason" },
];

impl Rule {
    /// Every rule, for documentation and for checking allow markers.
    pub const ALL: [Rule; 31] = [
        Rule::DropTable,
        Rule::DropColumn,
        Rule::RenameTable,
        Rule::RenameColumn,
        Rule::SetNotNull,
        Rule::AddColumnNotNull,
        Rule::ChangeColumnType,
        Rule::IndexNotConcurrent,
        Rule::ConcurrentlyInTransaction,
        Rule::ConstraintNotValid,
        Rule::MixedDdlDml,
        Rule::DataChangeWithoutDown,
        Rule::Truncate,
        Rule::DeleteWithoutWhere,
        Rule::UpdateWithoutWhere,
        Rule::DropCascade,
        Rule::DropDatabase,
        Rule::AddUniqueConstraint,
        Rule::VolatileDefault,
        Rule::StoredGeneratedColumn,
        Rule::LockTable,
        Rule::SetLogged,
        Rule::DropIndexNotConcurrent,
        Rule::VacuumFull,
        Rule::VacuumInTransaction,
        Rule::EnumValueInTransaction,
        Rule::ChangeEngine,
        Rule::ConvertCharset,
        Rule::ReplaceInto,
        Rule::Unparsed,
        Rule::BadAllow,
    ];

    fn info(self) -> &'static Info {
        &INFO[self as usize]
    }

    /// The id that findings print and `-- migrate:allow` names.
    pub fn id(self) -> &'static str {
        self.info().id
    }

    /// The rule with this id.
    pub fn from_id(id: &str) -> Option<Rule> {
        INFO.iter().find(|i| i.id == id).map(|i| i.rule)
    }

    /// How serious a finding of this rule is.
    pub fn severity(self) -> Severity {
        self.info().severity
    }

    /// Why it is dangerous.
    pub fn why(self) -> &'static str {
        self.info().why
    }

    /// What to write instead.
    pub fn safe_pattern(self) -> &'static str {
        self.info().safe
    }
}

impl std::fmt::Display for Rule {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.id())
    }
}

impl Serialize for Rule {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.id())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_round_trip_and_are_unique() {
        for (n, rule) in Rule::ALL.into_iter().enumerate() {
            assert_eq!(INFO[n].rule, rule, "INFO is in the order of Rule");
            assert_eq!(Rule::from_id(rule.id()), Some(rule));
        }
        assert_eq!(Rule::from_id("no-such-rule"), None);
    }
}
