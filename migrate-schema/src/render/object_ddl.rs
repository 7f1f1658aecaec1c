//! The statements that create, drop and replace one object beside the
//! tables (view, routine, trigger, sequence, extension, domain, policy,
//! rule, row-level security, exclusion constraint, event) from the
//! definition its catalog reader printed, in each dialect.

use super::quote::qualified;
use crate::model::{Dialect, ObjectKind, OtherObject, QualifiedName};

/// The definition without surrounding blanks and a final `;`.
fn body(o: &OtherObject) -> &str {
    o.definition
        .as_deref()
        .unwrap_or_default()
        .trim()
        .trim_end_matches(';')
        .trim_end()
}

fn starts_with_create(def: &str) -> bool {
    def.get(..6)
        .is_some_and(|w| w.eq_ignore_ascii_case("create"))
}

/// The table an object belongs to, as SQL.
fn on(o: &OtherObject, dialect: Dialect) -> String {
    o.table
        .as_ref()
        .map(|t| qualified(dialect, t))
        .unwrap_or_default()
}

/// The object's own name as SQL (a trigger's without ` on table`), in
/// its schema: MariaDB's `DROP TRIGGER db.tg`.
fn own_name(o: &OtherObject, dialect: Dialect) -> String {
    let bare = QualifiedName {
        schema: o.name.schema.clone(),
        name: o.bare_name().to_owned(),
    };
    qualified(dialect, &bare)
}

/// The name of an object that lives in its table (a PostgreSQL trigger,
/// policy, rule or constraint): never schema-qualified, since the table
/// after `ON` says where it is (`DROP POLICY "p" ON "app"."t"`;
/// `"app"."p"` there is a syntax error).
fn local_name(o: &OtherObject, dialect: Dialect) -> String {
    qualified(dialect, &QualifiedName::new(o.bare_name()))
}

/// A routine's name with its argument types outside the quotes
/// (`"add"(integer, integer)`), as PostgreSQL's drops need.
fn routine_name(o: &OtherObject, dialect: Dialect) -> String {
    match o.name.name.split_once('(') {
        Some((base, args)) => {
            let bare = QualifiedName {
                schema: o.name.schema.clone(),
                name: base.to_owned(),
            };
            format!("{}({args}", qualified(dialect, &bare))
        }
        None => qualified(dialect, &o.name),
    }
}

/// `CREATE ...` for `o`, then its settings (comment, disabled state).
pub(crate) fn create_object(o: &OtherObject, dialect: Dialect) -> Vec<String> {
    let def = body(o);
    let name = qualified(dialect, &o.name);
    let mut out = match &o.kind {
        _ if starts_with_create(def) => vec![format!("{def};")],
        ObjectKind::View => vec![format!("CREATE VIEW {name} AS {def};")],
        ObjectKind::MaterializedView => {
            vec![format!("CREATE MATERIALIZED VIEW {name} AS {def};")]
        }
        ObjectKind::Sequence => vec![format!("CREATE SEQUENCE {name} {def};")],
        ObjectKind::Domain => vec![format!("CREATE DOMAIN {name} AS {def};")],
        ObjectKind::Extension => vec![format!("CREATE EXTENSION IF NOT EXISTS {name} {def};")],
        ObjectKind::Trigger if dialect == Dialect::MySql => {
            vec![format!("CREATE TRIGGER {name} {def};")]
        }
        ObjectKind::Other(k) if k == "exclusion constraint" => vec![format!(
            "ALTER TABLE {} ADD CONSTRAINT {} {def};",
            on(o, dialect),
            local_name(o, dialect)
        )],
        ObjectKind::Other(k) if k == "row level security" => row_security(o, dialect, def),
        ObjectKind::Other(k) if k == "table setting" || k == "constraint setting" => {
            vec![format!("ALTER TABLE {} {def};", on(o, dialect))]
        }
        ObjectKind::Other(k) if k == "type comment" => {
            vec![format!("COMMENT ON TYPE {name} IS {def};")]
        }
        ObjectKind::Other(k) if k == "partition" => vec![format!(
            "CREATE TABLE {name} PARTITION OF {} {def};",
            on(o, dialect)
        )],
        ObjectKind::Other(k) if k == "constraint comment" => vec![format!(
            "COMMENT ON CONSTRAINT {} ON {} IS {def};",
            local_name(o, dialect),
            on(o, dialect)
        )],
        _ => vec![format!("{def};")],
    };
    out.extend(
        o.settings
            .iter()
            .map(|s| format!("{};", s.trim_end_matches(';'))),
    );
    out
}

/// `ALTER TABLE ... ENABLE|DISABLE ROW LEVEL SECURITY` and `[NO] FORCE`,
/// from a definition holding `ENABLE` and/or `FORCE`.
fn row_security(o: &OtherObject, dialect: Dialect, def: &str) -> Vec<String> {
    let table = on(o, dialect);
    let upper = def.to_ascii_uppercase();
    let enable = if upper.contains("ENABLE") {
        "ENABLE"
    } else {
        "DISABLE"
    };
    let force = if upper.contains("FORCE") {
        "FORCE"
    } else {
        "NO FORCE"
    };
    vec![
        format!("ALTER TABLE {table} {enable} ROW LEVEL SECURITY;"),
        format!("ALTER TABLE {table} {force} ROW LEVEL SECURITY;"),
    ]
}

/// The `ALTER TABLE` action undoing a table setting: `SET UNLOGGED` →
/// `SET LOGGED`, `SET (fillfactor=70)` → `RESET (fillfactor)`, `REPLICA
/// IDENTITY FULL` → `REPLICA IDENTITY DEFAULT`, an `ENGINE=...` → InnoDB,
/// MariaDB's default; `ROW_FORMAT=...` → `DEFAULT`, `KEY_BLOCK_SIZE=...` →
/// `0` (MariaDB then shows neither), `PARTITION BY ...` → `REMOVE
/// PARTITIONING`.
fn reset(def: &str) -> String {
    if def == "SET UNLOGGED" {
        return "SET LOGGED".into();
    }
    if let Some(option) = def.strip_prefix("SET (") {
        let key = option.split('=').next().unwrap_or_default();
        return format!("RESET ({})", key.trim_end_matches(')'));
    }
    if def.starts_with("REPLICA IDENTITY") {
        return "REPLICA IDENTITY DEFAULT".into();
    }
    if def.starts_with("ENGINE") {
        return "ENGINE=InnoDB".into();
    }
    if def.starts_with("ROW_FORMAT=") {
        return "ROW_FORMAT=DEFAULT".into();
    }
    if def.starts_with("KEY_BLOCK_SIZE=") {
        return "KEY_BLOCK_SIZE=0".into();
    }
    if def.starts_with("PARTITION BY ") {
        return "REMOVE PARTITIONING".into();
    }
    if let Some((constraint, _)) = def.split_once(" DEFERRABLE") {
        return format!("{constraint} NOT DEFERRABLE INITIALLY IMMEDIATE");
    }
    def.to_owned()
}

/// The statement dropping `o`.
pub(crate) fn drop_object(o: &OtherObject, dialect: Dialect) -> Vec<String> {
    let name = qualified(dialect, &o.name);
    let table = on(o, dialect);
    let own = own_name(o, dialect);
    let local = local_name(o, dialect);
    let sql = match &o.kind {
        ObjectKind::View => format!("DROP VIEW {name};"),
        ObjectKind::MaterializedView => format!("DROP MATERIALIZED VIEW {name};"),
        ObjectKind::Function => format!("DROP FUNCTION {};", routine_name(o, dialect)),
        ObjectKind::Procedure => format!("DROP PROCEDURE {};", routine_name(o, dialect)),
        ObjectKind::Trigger if dialect == Dialect::Postgres => {
            format!("DROP TRIGGER {local} ON {table};")
        }
        ObjectKind::Trigger => format!("DROP TRIGGER {own};"),
        ObjectKind::Sequence => format!("DROP SEQUENCE {name};"),
        ObjectKind::Domain => format!("DROP DOMAIN {name};"),
        ObjectKind::Extension => format!("DROP EXTENSION {name};"),
        ObjectKind::Other(k) => match k.as_str() {
            "exclusion constraint" => format!("ALTER TABLE {table} DROP CONSTRAINT {local};"),
            "policy" => format!("DROP POLICY {local} ON {table};"),
            "rule" => format!("DROP RULE {local} ON {table};"),
            "event" => format!("DROP EVENT {name};"),
            "table setting" | "constraint setting" => {
                format!("ALTER TABLE {table} {};", reset(body(o)))
            }
            "constraint comment" => format!("COMMENT ON CONSTRAINT {local} ON {table} IS NULL;"),
            "type comment" => format!("COMMENT ON TYPE {name} IS NULL;"),
            // Detached first: a foreign key to the partitioned table holds
            // on to each partition (DETACH checks no row still refers to it).
            "partition" => {
                return vec![
                    format!("ALTER TABLE {table} DETACH PARTITION {name};"),
                    format!("DROP TABLE {name};"),
                ]
            }
            "row level security" => {
                return vec![
                    format!("ALTER TABLE {table} DISABLE ROW LEVEL SECURITY;"),
                    format!("ALTER TABLE {table} NO FORCE ROW LEVEL SECURITY;"),
                ]
            }
            other => format!("-- cannot drop {other} {name}"),
        },
    };
    vec![sql]
}

/// The statements turning `from` into `to` in place, or dropping and
/// creating it where the dialect has no such statement.
pub(crate) fn replace_object(
    from: &OtherObject,
    to: &OtherObject,
    dialect: Dialect,
) -> Vec<String> {
    let name = qualified(dialect, &to.name);
    let def = body(to);
    let mut out = match &to.kind {
        // Only its settings differ: they alone change.
        _ if from.definition == to.definition => Vec::new(),
        ObjectKind::Function | ObjectKind::Procedure if dialect == Dialect::Postgres => {
            vec![format!("{def};")]
        }
        ObjectKind::Sequence => vec![format!("ALTER SEQUENCE {name} {def};")],
        ObjectKind::Extension => {
            let version = def.strip_prefix("VERSION ").unwrap_or(def);
            vec![format!("ALTER EXTENSION {name} UPDATE TO {version};")]
        }
        ObjectKind::Other(k) if k == "row level security" => row_security(to, dialect, def),
        ObjectKind::Other(k) if k == "partition" => {
            let parent = on(to, dialect);
            vec![
                format!("ALTER TABLE {parent} DETACH PARTITION {name};"),
                format!("ALTER TABLE {parent} ATTACH PARTITION {name} {def};"),
            ]
        }
        ObjectKind::Other(k)
            if k == "table setting"
                || k == "constraint setting"
                || k == "constraint comment"
                || k == "type comment" =>
        {
            create_object(to, dialect)
        }
        _ => {
            let mut out = drop_object(from, dialect);
            out.extend(create_object(to, dialect));
            return out;
        }
    };
    out.extend(super::settings::settings_change(from, to));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn object(kind: ObjectKind, name: &str, def: &str) -> OtherObject {
        OtherObject::new(kind, QualifiedName::new(name), Some(def.to_owned()))
    }

    #[test]
    fn views_sequences_and_triggers_are_created_and_dropped_by_name() {
        let d = Dialect::Postgres;
        let v = object(ObjectKind::View, "v", " SELECT 1;");
        assert_eq!(create_object(&v, d), ["CREATE VIEW \"v\" AS SELECT 1;"]);
        assert_eq!(drop_object(&v, d), ["DROP VIEW \"v\";"]);
        let mut t = object(
            ObjectKind::Trigger,
            "tg on t",
            "CREATE TRIGGER tg BEFORE INSERT ON t FOR EACH ROW EXECUTE FUNCTION f()",
        );
        t.table = Some(QualifiedName::new("t"));
        t.settings = vec!["ALTER TABLE t DISABLE TRIGGER tg".into()];
        assert_eq!(
            create_object(&t, d),
            [
                "CREATE TRIGGER tg BEFORE INSERT ON t FOR EACH ROW EXECUTE FUNCTION f();",
                "ALTER TABLE t DISABLE TRIGGER tg;"
            ]
        );
        assert_eq!(drop_object(&t, d), ["DROP TRIGGER \"tg\" ON \"t\";"]);
        let s1 = object(ObjectKind::Sequence, "s", "AS bigint INCREMENT BY 1");
        let s2 = object(ObjectKind::Sequence, "s", "AS bigint INCREMENT BY 5");
        assert_eq!(
            replace_object(&s1, &s2, d),
            ["ALTER SEQUENCE \"s\" AS bigint INCREMENT BY 5;"]
        );
        let f = object(
            ObjectKind::Function,
            "add(integer, integer)",
            "CREATE FUNCTION ...",
        );
        assert_eq!(
            drop_object(&f, d),
            ["DROP FUNCTION \"add\"(integer, integer);"]
        );
    }

    #[test]
    fn objects_of_a_table_in_another_schema_are_named_bare() {
        let d = Dialect::Postgres;
        let in_app = |kind: &str, name: &str| {
            let mut o = OtherObject::new(
                ObjectKind::Other(kind.to_owned()),
                QualifiedName::parse(name),
                Some("...".to_owned()),
            );
            o.table = Some(QualifiedName::parse("app.t"));
            o
        };
        assert_eq!(
            drop_object(&in_app("policy", "app.p on t"), d),
            ["DROP POLICY \"p\" ON \"app\".\"t\";"]
        );
        assert_eq!(
            drop_object(&in_app("rule", "app.r on t"), d),
            ["DROP RULE \"r\" ON \"app\".\"t\";"]
        );
        assert_eq!(
            drop_object(&in_app("exclusion constraint", "app.c on t"), d),
            ["ALTER TABLE \"app\".\"t\" DROP CONSTRAINT \"c\";"]
        );
        let mut tg = in_app("x", "app.tg on t");
        tg.kind = ObjectKind::Trigger;
        assert_eq!(
            drop_object(&tg, d),
            ["DROP TRIGGER \"tg\" ON \"app\".\"t\";"]
        );
        // MariaDB's triggers live in the database: qualified there.
        tg.table = Some(QualifiedName::parse("app.t"));
        assert_eq!(
            drop_object(&tg, Dialect::MySql),
            ["DROP TRIGGER `app`.`tg`;"]
        );
    }
}
