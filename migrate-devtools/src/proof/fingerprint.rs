//! A cheap fingerprint of a PostgreSQL schema, taken before a dump: an MD5
//! of every catalog row a `pg_dump --schema-only` can print, computed by
//! the server in one query. Two equal fingerprints mean equal catalog rows,
//! so equal dumps: the stairway then reuses the dump it holds instead of
//! running `pg_dump` again (a down that removes exactly what its up added,
//! a revision that only moves rows). Unequal fingerprints prove nothing
//! (a re-created object has new oids): the dump is taken and compared.
//!
//! Sound by construction rather than by a list of object kinds: every
//! database-local table of `pg_catalog` is read whole per row (`x::text`),
//! found from the catalog itself, so a kind the dump shows and this module
//! never heard of still changes the fingerprint. Rows of built-in objects
//! (oid below 16384) are left out unless they can carry a user's change
//! (a grant, a schema's comment); only planner statistics and hint flags
//! that never reach a dump (`relpages`, `relhasindex`...) are ignored.

use super::rows;
use migrate_runtime::{Db, Dialect};

/// The first oid a user object gets (`FirstNormalObjectId`).
const FIRST_USER_OID: u32 = 16384;

/// `pg_class` columns that change without a schema change: statistics
/// (VACUUM, ANALYZE, CREATE INDEX) and flags that stay set after what set
/// them is dropped; none appears in a dump.
const VOLATILE: &[&str] = &[
    "relpages",
    "reltuples",
    "relallvisible",
    "relfrozenxid",
    "relminmxid",
    "relfilenode",
    "relhasindex",
    "relhastriggers",
    "relhasrules",
    "relhassubclass",
];

/// Catalogs of data, not schema.
const SKIPPED: &[&str] = &[
    "pg_statistic",
    "pg_statistic_ext_data",
    "pg_largeobject",
    "pg_subscription_rel",
];

/// The query that fingerprints a database of this server, or `None` off
/// PostgreSQL or when the catalog cannot be read (the walk then dumps).
pub async fn query(db: &Db) -> Option<String> {
    if db.dialect() != Dialect::Postgres {
        return None;
    }
    let meta = "SELECT c.relname || chr(31) || COALESCE((SELECT a.attname FROM pg_attribute a WHERE a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped AND a.atttypid IN ('oid'::regtype, 'regclass'::regtype, 'regproc'::regtype, 'regtype'::regtype) ORDER BY (a.attname <> 'oid'), a.attnum LIMIT 1), '') || chr(31) || COALESCE((SELECT string_agg(a.attname, ',') FROM pg_attribute a WHERE a.attrelid = c.oid AND a.attnum > 0 AND a.atttypid = 'aclitem[]'::regtype), '') FROM pg_class c WHERE c.relnamespace = 'pg_catalog'::regnamespace AND c.relkind = 'r' AND NOT c.relisshared ORDER BY 1";
    let catalogs = rows::column(db, meta).await.ok()?;
    let mut parts = Vec::new();
    for row in catalogs.into_iter().flatten() {
        let mut f = row.split('\u{1f}');
        let (name, key, acls) = (f.next()?, f.next()?, f.next()?);
        if SKIPPED.contains(&name) {
            continue;
        }
        parts.push(select(name, key, acls));
    }
    if parts.is_empty() {
        return None;
    }
    Some(format!(
        "SELECT md5(string_agg(r, chr(10) ORDER BY r)) FROM ({}) u(r)",
        parts.join(" UNION ALL ")
    ))
}

/// The rows of catalog `name` that belong in the fingerprint, as text.
fn select(name: &str, key: &str, acls: &str) -> String {
    let row = if name == "pg_class" {
        let minus: String = VOLATILE.iter().map(|c| format!(" - '{c}'")).collect();
        format!("(to_jsonb(x){minus})::text")
    } else {
        "x::text".to_owned()
    };
    let mut keep: Vec<String> = match (name, key) {
        // Dependencies between user objects, or on built-in ones.
        ("pg_depend", _) => vec![
            format!("x.objid >= {FIRST_USER_OID}"),
            format!("x.refobjid >= {FIRST_USER_OID}"),
        ],
        // Few rows, and built-in ones a user changes (`public`'s owner,
        // grants; an extension's version).
        ("pg_namespace" | "pg_extension" | "pg_language", _) => vec!["true".to_owned()],
        // Comments, labels and initial grants of user objects and of any
        // schema, extension or language (`COMMENT ON SCHEMA public`).
        ("pg_description" | "pg_seclabel" | "pg_init_privs", _) => vec![
            format!("x.objoid >= {FIRST_USER_OID}"),
            "x.classoid IN ('pg_namespace'::regclass, 'pg_extension'::regclass, 'pg_language'::regclass)".to_owned(),
        ],
        (_, "") => vec!["true".to_owned()],
        (_, key) => vec![format!("x.{key}::oid >= {FIRST_USER_OID}")],
    };
    // A built-in object's grants are a user's change.
    keep.extend(
        acls.split(',')
            .filter(|a| !a.is_empty())
            .map(|a| format!("x.{a} IS NOT NULL")),
    );
    format!(
        "SELECT '{name} ' || {row} FROM pg_catalog.{name} x WHERE {}",
        keep.join(" OR ")
    )
}

/// The fingerprint of `db` by `query`; `None` when it cannot be taken.
pub async fn take(db: &Db, query: &str) -> Option<String> {
    rows::text(db, query).await.ok().flatten()
}
