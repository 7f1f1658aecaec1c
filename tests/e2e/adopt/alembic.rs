//! An Alembic project written here, with a branch and a merge, and the
//! real Alembic (from PyPI, `pip install alembic sqlalchemy psycopg2-binary
//! pymysql`, which `scripts/test` installs when missing) migrating the
//! databases. A test whose Python lacks them says SKIP.

use crate::support::Backend;
use std::path::Path;
use std::process::Command;

/// The revisions: (file, id, down_revision literal, body of upgrade,
/// body of downgrade, message).
const REVISIONS: [(&str, &str, &str, &str, &str, &str); 5] = [
    (
        "a1_users.py",
        "a1a1a1a1a1a1",
        "None",
        "op.create_table('users', sa.Column('id', sa.Integer, primary_key=True), sa.Column('name', sa.String(50), nullable=False))",
        "op.drop_table('users')",
        "create users",
    ),
    (
        "b1_email.py",
        "b1b1b1b1b1b1",
        "'a1a1a1a1a1a1'",
        "op.add_column('users', sa.Column('email', sa.String(200)))",
        "op.drop_column('users', 'email')",
        "add email",
    ),
    (
        "c1_posts.py",
        "c1c1c1c1c1c1",
        "'a1a1a1a1a1a1'",
        "op.create_table('posts', sa.Column('id', sa.Integer, primary_key=True), sa.Column('title', sa.String(100)))",
        "op.drop_table('posts')",
        "create posts",
    ),
    (
        "m1_merge.py",
        "m1m1m1m1m1m1",
        "('b1b1b1b1b1b1', 'c1c1c1c1c1c1')",
        "pass",
        "pass",
        "merge email and posts",
    ),
    (
        "d1_index.py",
        "d1d1d1d1d1d1",
        "'m1m1m1m1m1m1'",
        "op.create_index('posts_title', 'posts', ['title'])",
        "op.drop_index('posts_title', table_name='posts')",
        "index post titles",
    ),
];

/// Header fields other than `None`: the posts branch is labelled, and the
/// index revision depends on it by that label (Alembic resolves a label in
/// `depends_on` to the revision that declares it; the import writes that
/// revision's id).
const FIELDS: [(&str, &str, &str); 2] = [
    ("c1c1c1c1c1c1", "branch_labels", "('posts',)"),
    ("d1d1d1d1d1d1", "depends_on", "'posts'"),
];

const ENV_PY: &str = r#"from alembic import context
from sqlalchemy import engine_from_config, pool

config = context.config


def offline():
    context.configure(url=config.get_main_option("sqlalchemy.url"), literal_binds=True)
    with context.begin_transaction():
        context.run_migrations()


def online():
    engine = engine_from_config(
        config.get_section(config.config_ini_section), prefix="sqlalchemy.", poolclass=pool.NullPool
    )
    with engine.connect() as connection:
        context.configure(connection=connection)
        with context.begin_transaction():
            context.run_migrations()


if context.is_offline_mode():
    offline()
else:
    online()
"#;

/// Whether Python has Alembic and the drivers; prints SKIP if not.
pub fn available() -> bool {
    let ok = Command::new("python3")
        .args(["-c", "import alembic, sqlalchemy, psycopg2, pymysql"])
        .output()
        .is_ok_and(|o| o.status.success());
    if !ok {
        println!("SKIP alembic: python3 lacks alembic/sqlalchemy/psycopg2/pymysql (pip install alembic sqlalchemy psycopg2-binary pymysql)");
    }
    ok
}

/// SQLAlchemy's URL for one of our test URLs.
fn sqlalchemy_url(b: Backend, url: &str) -> String {
    match b {
        Backend::Sqlite => format!("sqlite:///{}", url.trim_start_matches("sqlite:")),
        Backend::Postgres => url.replacen("postgres://", "postgresql+psycopg2://", 1),
        Backend::MySql => url.replacen("mysql://", "mysql+pymysql://", 1),
    }
}

/// Writes the project into `dir` (alembic.ini, env.py, versions/).
pub fn write(dir: &Path, b: Backend, url: &str) {
    let versions = dir.join("alembic").join("versions");
    std::fs::create_dir_all(&versions).unwrap();
    std::fs::write(
        dir.join("alembic.ini"),
        format!(
            "[alembic]\nscript_location = %(here)s/alembic\nsqlalchemy.url = {}\n",
            sqlalchemy_url(b, url).replace('%', "%%")
        ),
    )
    .unwrap();
    std::fs::write(dir.join("alembic").join("env.py"), ENV_PY).unwrap();
    for (file, id, down, up_body, down_body, message) in REVISIONS {
        let text = format!(
            "\"\"\"{message}\n\nRevision ID: {id}\nRevises: {down}\nCreate Date: 2024-01-01 00:00:00\n\n\"\"\"\nfrom alembic import op\nimport sqlalchemy as sa\n\nrevision = '{id}'\ndown_revision = {down}\nbranch_labels = None\ndepends_on = None\n\n\ndef upgrade():\n    {up_body}\n\n\ndef downgrade():\n    {down_body}\n"
        );
        let text =
            FIELDS
                .iter()
                .filter(|(rev, _, _)| *rev == id)
                .fold(text, |t, (_, field, value)| {
                    t.replace(
                        &format!("\n{field} = None\n"),
                        &format!("\n{field} = {value}\n"),
                    )
                });
        std::fs::write(versions.join(file), text).unwrap();
    }
}

/// `alembic ARGS` in `dir`, online; panics with its output on failure.
pub fn alembic(dir: &Path, args: &[&str]) {
    let out = Command::new("alembic")
        .args(args)
        .current_dir(dir)
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    let tail: Vec<&str> = err.lines().rev().take(3).collect();
    assert!(out.status.success(), "alembic {args:?}: {tail:?}");
}

/// The ids, for assertions.
pub fn ids() -> Vec<&'static str> {
    REVISIONS.iter().map(|r| r.1).collect()
}
