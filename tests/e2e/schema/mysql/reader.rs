//! What the reader makes of each option, checked field by field.

use migrate_devtools::catalog::read_schema;
use migrate_schema::{
    draft, Dialect, FkAction, GeneratedKind, Hints, Identity, IndexPart, ObjectKind, QualifiedName,
    Schema, SortOrder, Table,
};

use super::{read, run, scratch};

const TABLES: &str = "
CREATE TABLE parents (
    id INT PRIMARY KEY AUTO_INCREMENT,
    code VARCHAR(10) NOT NULL UNIQUE
) COMMENT 'the parents';
CREATE TABLE things (
    id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
    a INT DEFAULT 5,
    b VARCHAR(20) DEFAULT 'x''y' COMMENT 'hello',
    c DATETIME DEFAULT CURRENT_TIMESTAMP ON UPDATE CURRENT_TIMESTAMP,
    d DOUBLE DEFAULT (RAND()),
    e INT AS (a * 2) VIRTUAL,
    f INT AS (a + 1) STORED,
    g VARCHAR(10) COLLATE utf8mb4_bin,
    h TEXT DEFAULT NULL,
    i DECIMAL(10,2) DEFAULT 1.50,
    j ENUM('A','b') NOT NULL DEFAULT 'A',
    k JSON,
    parent_id INT,
    geo POINT NOT NULL,
    body TEXT,
    PRIMARY KEY (id),
    CONSTRAINT things_parent_fk FOREIGN KEY (parent_id) REFERENCES parents (id)
        ON DELETE CASCADE ON UPDATE SET NULL,
    CONSTRAINT a_positive CHECK (a > 0),
    UNIQUE KEY things_ab (a, b),
    INDEX things_b_prefix (b(5)),
    INDEX things_a_desc (a DESC, b(3) DESC),
    FULLTEXT INDEX things_body_ft (body),
    SPATIAL INDEX things_geo (geo)
);
CREATE TABLE migrate_versions (id INT);
";

fn table<'a>(schema: &'a Schema, name: &str) -> &'a Table {
    schema
        .table(&QualifiedName::new(name))
        .unwrap_or_else(|| panic!("table {name} not read: {schema:?}"))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn reads_every_column_key_and_constraint_option() {
    let Some(scratch) = scratch().await else {
        return;
    };
    let db = scratch.db().await;
    run(&db, TABLES, "creating the tables").await.unwrap();
    let schema = read_schema(&db, &["migrate_versions"]).await.unwrap();
    let names: Vec<&str> = schema.tables.iter().map(|t| t.name.name.as_str()).collect();
    assert_eq!(
        names,
        ["parents", "things"],
        "the excluded table is left out"
    );

    let parents = table(&schema, "parents");
    assert_eq!(parents.comment.as_deref(), Some("the parents"));
    assert_eq!(parents.primary_key.as_ref().unwrap().columns, ["id"]);
    assert_eq!(parents.uniques.len(), 1);
    assert_eq!(parents.uniques[0].name.as_deref(), Some("code"));
    assert_eq!(parents.uniques[0].columns, ["code"]);

    let things = table(&schema, "things");
    assert_eq!(things.comment, None, "an empty comment is no comment");
    let col = |name: &str| things.column(name).unwrap();
    let id = col("id");
    assert_eq!(id.data_type.normalized, "bigint unsigned");
    assert!(!id.nullable);
    assert_eq!(id.identity, Some(Identity::AutoIncrement));
    assert_eq!(col("a").default.as_deref(), Some("5"));
    assert!(col("a").nullable);
    assert_eq!(col("b").default.as_deref(), Some("'x''y'"));
    assert_eq!(col("b").comment.as_deref(), Some("hello"));
    assert_eq!(
        col("b").collation,
        None,
        "the table's collation is not repeated"
    );
    let c_default = col("c").default.as_deref().unwrap().to_lowercase();
    assert!(
        c_default.starts_with("current_timestamp") && c_default.contains(" on update "),
        "{c_default}"
    );
    assert_eq!(col("d").default.as_deref(), Some("(rand())"));
    let e = col("e").generated.as_ref().unwrap();
    assert_eq!(e.kind, GeneratedKind::Virtual);
    assert!(e.expression.contains("`a`"), "{}", e.expression);
    assert_eq!(col("e").default, None);
    assert_eq!(
        col("f").generated.as_ref().unwrap().kind,
        GeneratedKind::Stored
    );
    assert_eq!(col("g").collation.as_deref(), Some("utf8mb4_bin"));
    assert_eq!(col("h").default, None, "DEFAULT NULL is no default");
    assert_eq!(col("i").default.as_deref(), Some("1.50"));
    assert_eq!(col("j").data_type.raw, "enum('A','b')");
    assert_eq!(col("j").default.as_deref(), Some("'A'"));
    assert_eq!(col("k").data_type.normalized, "json");
    assert_eq!(col("k").collation, None);
    assert!(
        things
            .checks
            .iter()
            .all(|c| !c.expression.contains("json_valid")),
        "MariaDB's json check is part of the type: {:?}",
        things.checks
    );

    assert_eq!(things.primary_key.as_ref().unwrap().columns, ["id"]);
    assert_eq!(things.uniques.len(), 1);
    assert_eq!(things.uniques[0].name.as_deref(), Some("things_ab"));
    assert_eq!(things.uniques[0].columns, ["a", "b"]);
    assert_eq!(things.checks.len(), 1, "{:?}", things.checks);
    assert_eq!(things.checks[0].name.as_deref(), Some("a_positive"));
    assert!(things.checks[0].expression.contains("`a` > 0"));

    let fk = &things.foreign_keys[0];
    assert_eq!(fk.name.as_deref(), Some("things_parent_fk"));
    assert_eq!(fk.columns, ["parent_id"]);
    assert_eq!(fk.referenced_table, QualifiedName::new("parents"));
    assert_eq!(fk.referenced_columns, ["id"]);
    assert_eq!(fk.on_delete, FkAction::Cascade);
    assert_eq!(fk.on_update, FkAction::SetNull);

    let index = |name: &str| {
        things
            .indexes
            .iter()
            .find(|i| i.name == name)
            .unwrap_or_else(|| panic!("no index {name}: {:?}", things.indexes))
    };
    // InnoDB's index for the foreign key is listed: it outlives the key.
    assert_eq!(
        index("things_parent_fk").parts,
        [IndexPart::column("parent_id")]
    );
    assert_eq!(index("things_body_ft").method.as_deref(), Some("fulltext"));
    assert_eq!(index("things_geo").method.as_deref(), Some("spatial"));
    assert_eq!(index("things_geo").parts, [IndexPart::column("geo")]);
    assert_eq!(
        index("things_b_prefix").parts,
        [IndexPart::column("b").with_prefix_length(5)]
    );
    assert_eq!(
        index("things_a_desc").parts,
        [
            IndexPart::column("a").with_order(SortOrder::Desc),
            IndexPart::column("b")
                .with_prefix_length(3)
                .with_order(SortOrder::Desc)
        ]
    );
    assert_eq!(things.indexes.len(), 5, "{:?}", things.indexes);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn lists_views_routines_triggers_events_and_sequences() {
    let Some(scratch) = scratch().await else {
        return;
    };
    let db = scratch.db().await;
    let sql = "
        CREATE TABLE t (id INT PRIMARY KEY, n INT);
        CREATE VIEW v AS SELECT id FROM t;
        CREATE FUNCTION twice(x INT) RETURNS INT DETERMINISTIC RETURN x * 2;
        CREATE PROCEDURE noop() BEGIN END;
        CREATE TRIGGER t_bi BEFORE INSERT ON t FOR EACH ROW SET NEW.n = 1;
        CREATE EVENT tick ON SCHEDULE EVERY 1 DAY DISABLE DO DELETE FROM t;
    ";
    run(&db, sql, "creating the objects").await.unwrap();
    let server_is_mariadb = crate::support::strings(&db, "SELECT VERSION()")
        .await
        .unwrap()[0]
        .contains("MariaDB");
    if server_is_mariadb {
        run(&db, "CREATE SEQUENCE s", "creating a sequence")
            .await
            .unwrap();
    }
    let schema = read(&db).await.unwrap();
    let names: Vec<&str> = schema.tables.iter().map(|t| t.name.name.as_str()).collect();
    assert_eq!(names, ["t"], "views and sequences are no tables");
    let find = |name: &str| {
        schema
            .other_objects
            .iter()
            .find(|o| o.name.name == name)
            .unwrap_or_else(|| panic!("{name} not listed: {:?}", schema.other_objects))
    };
    assert_eq!(find("v").kind, ObjectKind::View);
    let view = find("v").definition.as_deref().unwrap();
    assert!(view.contains("`t`"), "{view}");
    assert!(
        !view.contains(&scratch.name),
        "the database name is left out: {view}"
    );
    assert_eq!(find("twice").kind, ObjectKind::Function);
    assert_eq!(find("noop").kind, ObjectKind::Procedure);
    assert_eq!(find("t_bi").kind, ObjectKind::Trigger);
    assert!(find("t_bi")
        .definition
        .as_deref()
        .unwrap()
        .contains("BEFORE INSERT ON `t`"));
    assert_eq!(find("tick").kind, ObjectKind::Other("event".into()));
    let expected = if server_is_mariadb {
        assert_eq!(find("s").kind, ObjectKind::Sequence);
        6
    } else {
        5
    };
    assert_eq!(
        schema.other_objects.len(),
        expected,
        "{:?}",
        schema.other_objects
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn objects_compare_equal_across_databases_and_changed_ones_are_drafted() {
    let (Some(one), Some(two), Some(three)) = (scratch().await, scratch().await, scratch().await)
    else {
        return;
    };
    let tables = "CREATE TABLE t (id INT PRIMARY KEY, n INT);\n\
                  CREATE TRIGGER t_bi BEFORE INSERT ON t FOR EACH ROW SET NEW.n = 1;\n";
    let mut schemas = Vec::new();
    for (scratch, view) in [
        (&one, "SELECT id FROM t"),
        (&two, "SELECT id FROM t"),
        (&three, "SELECT id, n FROM t"),
    ] {
        let db = scratch.db().await;
        run(&db, tables, "creating the table").await.unwrap();
        run(
            &db,
            &format!("CREATE VIEW v AS {view}"),
            "creating the view",
        )
        .await
        .unwrap();
        schemas.push(read(&db).await.unwrap());
    }
    let same = draft(&schemas[0], &schemas[1], &Hints::new(), Dialect::MySql);
    assert!(
        same.is_empty() && same.not_generated.is_empty(),
        "the database names in definitions make no difference: {:?}",
        same.not_generated
    );
    let changed = draft(&schemas[0], &schemas[2], &Hints::new(), Dialect::MySql);
    assert!(
        changed.not_generated.is_empty(),
        "{:?}",
        changed.not_generated
    );
    assert_eq!(
        changed.sql(),
        [
            "DROP VIEW `v`;",
            "CREATE ALGORITHM=UNDEFINED SQL SECURITY DEFINER VIEW `v` AS \
             select `t`.`id` AS `id`,`t`.`n` AS `n` from `t`;"
        ],
        "a changed view is dropped and created again"
    );
}
