//! The rules: their ids, how serious each is, why it is dangerous and what
//! to write instead. The ids are what `-- migrate:allow RULE reason` names.

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
    /// A statement the dialect's grammar cannot read.
    Unparsed,
    /// A `-- migrate:allow` marker without a reason, or naming no rule.
    BadAllow,
}

impl Rule {
    /// Every rule, for documentation and for checking allow markers.
    pub const ALL: [Rule; 14] = [
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
        Rule::Unparsed,
        Rule::BadAllow,
    ];

    /// The id that findings print and `-- migrate:allow` names.
    pub fn id(self) -> &'static str {
        match self {
            Rule::DropTable => "drop-table",
            Rule::DropColumn => "drop-column",
            Rule::RenameTable => "rename-table",
            Rule::RenameColumn => "rename-column",
            Rule::SetNotNull => "set-not-null",
            Rule::AddColumnNotNull => "add-column-not-null",
            Rule::ChangeColumnType => "change-column-type",
            Rule::IndexNotConcurrent => "index-not-concurrent",
            Rule::ConcurrentlyInTransaction => "concurrently-in-transaction",
            Rule::ConstraintNotValid => "constraint-not-valid",
            Rule::MixedDdlDml => "mixed-ddl-dml",
            Rule::DataChangeWithoutDown => "data-change-without-down",
            Rule::Unparsed => "unparsed",
            Rule::BadAllow => "bad-allow",
        }
    }

    /// The rule with this id.
    pub fn from_id(id: &str) -> Option<Rule> {
        Rule::ALL.into_iter().find(|r| r.id() == id)
    }

    /// How serious a finding of this rule is.
    pub fn severity(self) -> Severity {
        match self {
            Rule::DropTable
            | Rule::DropColumn
            | Rule::RenameTable
            | Rule::RenameColumn
            | Rule::AddColumnNotNull
            | Rule::ConcurrentlyInTransaction
            | Rule::BadAllow => Severity::Error,
            Rule::SetNotNull
            | Rule::ChangeColumnType
            | Rule::IndexNotConcurrent
            | Rule::ConstraintNotValid
            | Rule::MixedDdlDml
            | Rule::DataChangeWithoutDown
            | Rule::Unparsed => Severity::Warning,
        }
    }

    /// Why it is dangerous.
    pub fn why(self) -> &'static str {
        match self {
            Rule::DropTable => "the data is gone for good, and the version of the app still running during the deploy reads and writes this table",
            Rule::DropColumn => "the data is gone for good, and the version of the app still running during the deploy selects and inserts this column",
            Rule::RenameTable => "the version of the app still running during the deploy uses the old name and fails until every instance is replaced",
            Rule::RenameColumn => "the version of the app still running during the deploy uses the old name and fails until every instance is replaced",
            Rule::SetNotNull => "the database scans the whole table under an exclusive lock, and the statement fails if any row holds NULL",
            Rule::AddColumnNotNull => "existing rows have no value for the column: PostgreSQL and SQLite refuse the statement on a table with rows, MySQL fills in 0 or ''",
            Rule::ChangeColumnType => "most type changes rewrite the table under an exclusive lock, and the running app may read or write values of the old type",
            Rule::IndexNotConcurrent => "CREATE INDEX blocks every write to the table until the index is built",
            Rule::ConcurrentlyInTransaction => "PostgreSQL refuses CONCURRENTLY inside a transaction block: the migration fails",
            Rule::ConstraintNotValid => "adding the constraint checks every row while holding a lock that blocks writes",
            Rule::MixedDdlDml => "MySQL commits each DDL statement implicitly, so a failure after it leaves the revision half applied, with no rollback",
            Rule::DataChangeWithoutDown => "the revision changes rows and MySQL cannot roll it back, so without a down section the change cannot be undone",
            Rule::Unparsed => "the dialect's grammar cannot read this statement, so no rule checked it",
            Rule::BadAllow => "a suppression must say which rule it silences and why, so a reviewer can judge it",
        }
    }

    /// What to write instead.
    pub fn safe_pattern(self) -> &'static str {
        match self {
            Rule::DropTable => "stop using the table in the app and deploy that first; drop it in a later revision, with `-- migrate:allow drop-table <reason>` above the statement",
            Rule::DropColumn => "stop using the column in the app and deploy that first; drop it in a later revision, with `-- migrate:allow drop-column <reason>` above the statement",
            Rule::RenameTable => "create the new table (or a view under the new name), make the app use both, copy the data, then drop the old name in a later revision",
            Rule::RenameColumn => "add the new column, write both from the app, backfill, switch reads, then drop the old column in a later revision",
            Rule::SetNotNull => "on PostgreSQL add `CHECK (col IS NOT NULL) NOT VALID`, then `VALIDATE CONSTRAINT` in a later revision, then SET NOT NULL (which then skips the scan); elsewhere backfill first",
            Rule::AddColumnNotNull => "add the column with a DEFAULT, or add it nullable, backfill it, then add NOT NULL in a later revision",
            Rule::ChangeColumnType => "add a column of the new type, write both from the app, backfill, switch reads, then drop the old column in a later revision",
            Rule::IndexNotConcurrent => "`CREATE INDEX CONCURRENTLY` in a section marked `-- migrate:up transaction:false`",
            Rule::ConcurrentlyInTransaction => "mark the section `-- migrate:up transaction:false` (one statement per revision is safest)",
            Rule::ConstraintNotValid => "add it with NOT VALID, then `ALTER TABLE ... VALIDATE CONSTRAINT` in a later revision (validation does not block writes)",
            Rule::MixedDdlDml => "put the schema change and the data change in separate revisions",
            Rule::DataChangeWithoutDown => "write a down section that undoes the data change, or say why it cannot be undone with `-- migrate:allow data-change-without-down <reason>`",
            Rule::Unparsed => "check the statement by hand, and put `-- migrate:unchecked` in the file's header to say the parser cannot read it",
            Rule::BadAllow => "write `-- migrate:allow RULE reason` with a rule id and a reason",
        }
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
        for rule in Rule::ALL {
            assert_eq!(Rule::from_id(rule.id()), Some(rule));
        }
        assert_eq!(Rule::from_id("no-such-rule"), None);
    }
}
