//! PostgreSQL column changes: one `ALTER COLUMN` action per aspect, in the
//! order the engine accepts them (an identity needs NOT NULL first, a default
//! may not survive a type change).

use super::super::quote::{ident, literal, qualified};
use super::super::sql::{add_column, collate, drop_column};
use super::super::Context;
use super::{alter, column_comment, column_def, identity_words, D};
use crate::diff::uses_enum;
use crate::model::{Column, QualifiedName, TypeShape};

/// The statements that turn column `from` into `to`.
pub(super) fn alter_column(
    table: &QualifiedName,
    from: &Column,
    to: &Column,
    ctx: &Context,
) -> Vec<String> {
    let col = format!("{} ALTER COLUMN {}", alter(table), ident(D, &to.name));
    let mut out = Vec::new();
    if from.generated != to.generated {
        if to.generated.is_none() {
            out.push(format!("{col} DROP EXPRESSION;"));
        } else {
            // A generation expression cannot be added to a column: the column
            // is replaced (its values are derived, nothing else is kept).
            out.push(drop_column(D, table, &to.name));
            out.push(add_column(D, table, &column_def(to)));
            out.extend(column_comment(table, to));
            return out;
        }
    }
    let type_changed =
        from.data_type.normalized != to.data_type.normalized || from.collation != to.collation;
    let mut default_dropped = false;
    if type_changed {
        if from.default.is_some() {
            // An old default may not cast to the new type; it is set again below.
            out.push(format!("{col} DROP DEFAULT;"));
            default_dropped = true;
        }
        let collation = to
            .collation
            .as_ref()
            .map(|c| collate(D, c))
            .unwrap_or_default();
        out.push(format!(
            "{col} TYPE {}{collation}{};",
            to.data_type.raw,
            using(from, to, ctx)
        ));
    }
    if from.identity.is_some() && to.identity.is_none() {
        out.push(format!("{col} DROP IDENTITY;"));
    }
    if from.nullable != to.nullable {
        out.push(format!(
            "{col} {} NOT NULL;",
            if to.nullable { "DROP" } else { "SET" }
        ));
    }
    match (from.identity, to.identity) {
        (None, Some(i)) => {
            out.push(format!(
                "{col} ADD GENERATED {} AS IDENTITY;",
                identity_words(i)
            ));
            // The new sequence starts at 1: move it past the values already there.
            let c = ident(D, &to.name);
            out.push(format!(
                "SELECT setval(pg_get_serial_sequence({}, {}), COALESCE(MAX({c}), 0) + 1, false) FROM {};",
                literal(D, &qualified(D, table)),
                literal(D, &to.name),
                qualified(D, table)
            ));
        }
        (Some(a), Some(b)) if identity_words(a) != identity_words(b) => {
            out.push(format!("{col} SET GENERATED {};", identity_words(b)))
        }
        _ => {}
    }
    if from.default != to.default || default_dropped {
        match &to.default {
            Some(default) => out.push(format!("{col} SET DEFAULT {default};")),
            None if !default_dropped => out.push(format!("{col} DROP DEFAULT;")),
            None => {}
        }
    }
    if from.comment != to.comment {
        out.push(format!(
            "COMMENT ON COLUMN {}.{} IS {};",
            qualified(D, table),
            ident(D, &to.name),
            to.comment
                .as_deref()
                .map_or("NULL".to_string(), |c| literal(D, c))
        ));
    }
    out
}

/// A `USING` clause where PostgreSQL has no implicit cast between the types.
fn using(from: &Column, to: &Column, ctx: &Context) -> String {
    let is_enum = |ty: &str| {
        ctx.current
            .enums
            .iter()
            .chain(&ctx.desired.enums)
            .any(|e| uses_enum(ty, &e.name))
    };
    let c = ident(D, &to.name);
    if is_enum(&from.data_type.normalized) || is_enum(&to.data_type.normalized) {
        return format!(" USING {c}::text::{}", to.data_type.raw);
    }
    let (a, b) = (
        TypeShape::of(&from.data_type.normalized),
        TypeShape::of(&to.data_type.normalized),
    );
    if std::mem::discriminant(&a) == std::mem::discriminant(&b) && !matches!(a, TypeShape::Other(_))
    {
        return String::new();
    }
    let boolean = |t: &str| t == "boolean";
    match (a, b) {
        (_, TypeShape::Text(_)) => String::new(),
        // PostgreSQL casts boolean only to and from `integer`: go through it.
        (TypeShape::Integer(_), TypeShape::Other(ref t)) if boolean(t) => {
            format!(" USING {c}::integer::boolean")
        }
        (TypeShape::Other(ref t), TypeShape::Integer(_)) if boolean(t) => {
            format!(" USING {c}::integer::{}", to.data_type.raw)
        }
        (
            TypeShape::Integer(_) | TypeShape::Decimal(..) | TypeShape::Float(_),
            TypeShape::Integer(_) | TypeShape::Decimal(..) | TypeShape::Float(_),
        ) => String::new(),
        _ => format!(" USING {c}::{}", to.data_type.raw),
    }
}
