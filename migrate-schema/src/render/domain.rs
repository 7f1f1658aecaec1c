//! What a PostgreSQL domain's settings say of the values a column of it
//! takes: the catalog reader keeps a domain's base type as its definition
//! and its `NOT NULL` and `CHECK`s as `ALTER DOMAIN` settings, which made-up
//! verification rows must respect.

use crate::model::{ObjectKind, OtherObject, Schema};

/// The domain of `schema` that type `ty` names (bare or schema-qualified,
/// quoted or not).
pub(super) fn of<'a>(ty: &str, schema: &'a Schema) -> Option<&'a OtherObject> {
    let bare = |s: &str| {
        s.rsplit('.')
            .next()
            .unwrap_or(s)
            .trim_matches('"')
            .to_owned()
    };
    let name = bare(ty.trim_end_matches("[]"));
    if ty.ends_with("[]") {
        return None;
    }
    schema
        .other_objects
        .iter()
        .find(|o| o.kind == ObjectKind::Domain && o.name.name == name)
}

/// Whether the domain refuses NULL.
pub(super) fn not_null(domain: &OtherObject) -> bool {
    domain
        .settings
        .iter()
        .any(|s| s.starts_with("ALTER DOMAIN ") && s.ends_with(" SET NOT NULL"))
}

/// The domain's CHECK expressions (over `VALUE`).
pub(super) fn checks(domain: &OtherObject) -> impl Iterator<Item = &str> {
    domain.settings.iter().filter_map(|s| {
        let (_, constraint) = s
            .strip_prefix("ALTER DOMAIN ")?
            .split_once(" ADD CONSTRAINT ")?;
        constraint.split_once(" CHECK ").map(|(_, check)| check)
    })
}

/// The domain's base type (its definition without `COLLATE`).
pub(super) fn base(domain: &OtherObject) -> Option<&str> {
    let def = domain.definition.as_deref()?;
    Some(def.split(" COLLATE ").next().unwrap_or(def))
}
