//! MariaDB's grants on one database's objects, for `--privileges`: they
//! live in the server's `mysql.*` tables, not in `mariadb-dump --no-data`
//! of the database, so the net reads them from `information_schema` (and
//! routine grants from `mysql.procs_priv`) as one object per table
//! (`grants t`) and one for the database and its routines (`grants
//! (database)`). A grant outlives `DROP TABLE` on MariaDB, so a down that
//! forgets its `REVOKE` is seen even when it drops the table.

use super::normalize::Objects;
use super::rows;
use migrate_runtime::Db;

/// Each grant on the current database's tables, columns, routines and the
/// database itself, keyed by table; `exclude`'s tables left out.
pub(super) async fn mariadb(db: &Db, exclude: &[String]) -> Result<Objects, sqlx::Error> {
    let excluded: Vec<String> = exclude
        .iter()
        .map(|t| format!("'{}'", t.replace('\\', "\\\\").replace('\'', "''")))
        .collect();
    let not_in = if excluded.is_empty() {
        String::new()
    } else {
        format!(" AND TABLE_NAME NOT IN ({})", excluded.join(", "))
    };
    let grantable = "IF(IS_GRANTABLE = 'YES', ' WITH GRANT OPTION', '')";
    let sql = format!(
        "SELECT CONCAT(k, CHAR(31), line) FROM ( \
           SELECT CONCAT('grants ', TABLE_NAME) AS k, CONCAT('GRANT ', PRIVILEGE_TYPE, ' ON ', TABLE_NAME, ' TO ', GRANTEE, {grantable}) AS line \
             FROM information_schema.TABLE_PRIVILEGES WHERE TABLE_SCHEMA = DATABASE(){not_in} \
           UNION ALL SELECT CONCAT('grants ', TABLE_NAME), CONCAT('GRANT ', PRIVILEGE_TYPE, ' (', COLUMN_NAME, ') ON ', TABLE_NAME, ' TO ', GRANTEE, {grantable}) \
             FROM information_schema.COLUMN_PRIVILEGES WHERE TABLE_SCHEMA = DATABASE(){not_in} \
           UNION ALL SELECT 'grants (database)', CONCAT('GRANT ', PRIVILEGE_TYPE, ' ON DATABASE TO ', GRANTEE, {grantable}) \
             FROM information_schema.SCHEMA_PRIVILEGES WHERE TABLE_SCHEMA = DATABASE() \
           UNION ALL SELECT 'grants (database)', CONCAT('GRANT ', Proc_priv, ' ON ', Routine_type, ' ', Routine_name, ' TO ', QUOTE(User), '@', QUOTE(Host)) \
             FROM mysql.procs_priv WHERE Db = DATABASE() \
         ) g ORDER BY 1"
    );
    let mut out = Objects::new();
    for row in rows::column(db, &sql).await?.into_iter().flatten() {
        if let Some((key, line)) = row.split_once('\u{1f}') {
            out.entry(key.to_owned()).or_default().push(line.to_owned());
        }
    }
    Ok(out)
}
