//! What an object's text names: the dependencies of views, routines,
//! triggers and events on MySQL and SQLite, whose catalogs do not record
//! them (PostgreSQL's readers take them from `pg_depend` instead).

use std::collections::HashSet;

use sqlparser::dialect::{GenericDialect, MySqlDialect, SQLiteDialect};
use sqlparser::tokenizer::{Token, Tokenizer};

use crate::model::{Dialect, ObjectKind, QualifiedName, Schema};

/// Fills [`crate::OtherObject::depends_on`] of every view, routine, trigger
/// and event that has none with the tables and objects its definition
/// names (read with sqlparser's tokenizer, so names inside strings and
/// comments do not count; a word that only looks like a name errs on the
/// side of recreating the object).
pub fn link_dependencies(schema: &mut Schema, dialect: Dialect) {
    let mut names: HashSet<String> = schema.tables.iter().map(|t| t.name.name.clone()).collect();
    for o in &schema.other_objects {
        names.insert(base(&o.name.name).to_owned());
    }
    let mut found = Vec::with_capacity(schema.other_objects.len());
    for o in &schema.other_objects {
        let reads = matches!(
            &o.kind,
            ObjectKind::View
                | ObjectKind::MaterializedView
                | ObjectKind::Trigger
                | ObjectKind::Function
                | ObjectKind::Procedure
        ) || o.kind == ObjectKind::Other("event".into());
        let Some(def) = o
            .definition
            .as_deref()
            .filter(|_| reads && o.depends_on.is_empty())
        else {
            found.push(None);
            continue;
        };
        let own = base(&o.name.name);
        let mut deps: Vec<QualifiedName> = words(def, dialect)
            .into_iter()
            .filter(|w| w != own && names.contains(w))
            .map(QualifiedName::new)
            .collect();
        deps.sort();
        deps.dedup();
        found.push(Some(deps));
    }
    for (o, deps) in schema.other_objects.iter_mut().zip(found) {
        if let Some(deps) = deps {
            o.depends_on = deps;
        }
    }
}

/// A routine's name without its argument types.
fn base(name: &str) -> &str {
    name.split_once('(').map_or(name, |(b, _)| b)
}

/// The words (quoted or not) of `sql`; empty when it does not tokenize.
fn words(sql: &str, dialect: Dialect) -> Vec<String> {
    let tokens = match dialect {
        Dialect::MySql => Tokenizer::new(&MySqlDialect {}, sql).tokenize(),
        Dialect::Sqlite => Tokenizer::new(&SQLiteDialect {}, sql).tokenize(),
        Dialect::Postgres => Tokenizer::new(&GenericDialect {}, sql).tokenize(),
    };
    tokens
        .unwrap_or_default()
        .into_iter()
        .filter_map(|t| match t {
            Token::Word(w) => Some(w.value),
            _ => None,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{OtherObject, Table};

    #[test]
    fn a_view_depends_on_the_tables_and_views_its_text_names() {
        let mut schema = Schema {
            tables: vec![Table::new("users"), Table::new("posts")],
            ..Schema::default()
        };
        let view = |name: &str, def: &str| {
            OtherObject::new(ObjectKind::View, QualifiedName::new(name), Some(def.into()))
        };
        schema.other_objects = vec![
            view(
                "v",
                "CREATE VIEW v AS SELECT id FROM \"users\" WHERE note = 'posts'",
            ),
            view("w", "CREATE VIEW w AS SELECT * FROM v -- users"),
        ];
        link_dependencies(&mut schema, Dialect::Sqlite);
        assert_eq!(
            schema.other_objects[0].depends_on,
            [QualifiedName::new("users")]
        );
        assert_eq!(
            schema.other_objects[1].depends_on,
            [QualifiedName::new("v")]
        );
    }
}
