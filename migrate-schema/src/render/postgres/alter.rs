//! PostgreSQL column changes: one `ALTER COLUMN` action per aspect, in the
//! order the engine accepts them (an identity needs NOT NULL first, a default
//! may not survive a type change).

use super::super::quote::{ident, literal, qualified};
use super::super::sql::{add_column, collate, drop_column};
use super::super::Context;
use super::{alter, column_comment, column_def, identity_options, identity_words, D};
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
        // `serial` is no type: the column takes the integer it stands for,
        // and the sequence behind it follows (see `serial_sequence`).
        let target = serial_base(&to.data_type.raw).unwrap_or(&to.data_type.raw);
        if serial_base(&from.data_type.raw) != Some(target) {
            let mut plain = to.clone();
            plain.data_type.raw = target.to_owned();
            plain.data_type.normalized = target.to_owned();
            out.push(format!(
                "{col} TYPE {target}{collation}{};",
                using(from, &plain, ctx)
            ));
        }
        out.extend(serial_sequence(table, from, to));
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
                "{col} ADD GENERATED {} AS IDENTITY{};",
                identity_words(i),
                identity_options(to)
            ));
            out.push(past_rows(table, to));
        }
        (Some(a), Some(b)) => {
            if identity_words(a) != identity_words(b) {
                out.push(format!("{col} SET GENERATED {};", identity_words(b)));
            }
            if from.identity_options != to.identity_options {
                // Restarted inside its new range, then past the rows.
                out.push(format!(
                    "{col} {} RESTART;",
                    super::identity::set_options(to.identity_options.as_deref())
                ));
                out.push(past_rows(table, to));
            }
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

/// The integer type a `serial` pseudo-type stands for.
fn serial_base(raw: &str) -> Option<&'static str> {
    match raw.to_ascii_lowercase().as_str() {
        "serial" | "serial4" => Some("integer"),
        "bigserial" | "serial8" => Some("bigint"),
        "smallserial" | "serial2" => Some("smallint"),
        _ => None,
    }
}

/// The sequence side of a change to or from `serial`: a serial column
/// that widens keeps its sequence (`AS bigint`); a plain column that
/// becomes serial gets an owned sequence moved past its values; a serial
/// column that becomes plain loses its default and its sequence.
fn serial_sequence(table: &QualifiedName, from: &Column, to: &Column) -> Vec<String> {
    let t = literal(D, &qualified(D, table));
    let c = literal(D, &to.name);
    let sequence = format!("pg_get_serial_sequence({t}, {c})");
    let run = |sql: String| format!("DO $migrate$ BEGIN EXECUTE {sql}; END $migrate$;");
    match (
        serial_base(&from.data_type.raw),
        serial_base(&to.data_type.raw),
    ) {
        (Some(a), Some(b)) if a != b => {
            vec![run(format!(
                "format('ALTER SEQUENCE %s AS {b}', {sequence})"
            ))]
        }
        (None, Some(b)) => {
            let name = QualifiedName {
                schema: table.schema.clone(),
                name: format!("{}_{}_seq", table.name, to.name),
            };
            let seq = qualified(D, &name);
            let col = ident(D, &to.name);
            vec![
                format!(
                    "CREATE SEQUENCE {seq} AS {b} OWNED BY {}.{col};",
                    qualified(D, table)
                ),
                format!(
                    "{} ALTER COLUMN {col} SET DEFAULT nextval({});",
                    alter(table),
                    literal(D, &seq)
                ),
                format!(
                    "SELECT setval({}, COALESCE(MAX({col}), 0) + 1, false) FROM {};",
                    literal(D, &seq),
                    qualified(D, table)
                ),
            ]
        }
        (Some(_), None) => vec![
            format!(
                "{} ALTER COLUMN {} DROP DEFAULT;",
                alter(table),
                ident(D, &to.name)
            ),
            run(format!("format('DROP SEQUENCE %s', {sequence})")),
        ],
        _ => Vec::new(),
    }
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

/// Moves an identity's sequence past the values the column already holds
/// (above the highest, or below the lowest when it counts down), never
/// before its start; nothing on an empty table, where it starts where its
/// options say. A value past the sequence's range fails: the rows do not
/// fit the new options.
fn past_rows(table: &QualifiedName, to: &Column) -> String {
    let c = ident(D, &to.name);
    let options = to.identity_options.as_deref();
    let start = super::identity::start(options);
    let (edge, step, bound) = if super::identity::descending(options) {
        ("MIN", "- 1", "LEAST")
    } else {
        ("MAX", "+ 1", "GREATEST")
    };
    format!(
        "SELECT setval(pg_get_serial_sequence({}, {}), {bound}({edge}({c}) {step}, {start}), false) FROM {} HAVING {edge}({c}) IS NOT NULL;",
        literal(D, &qualified(D, table)),
        literal(D, &to.name),
        qualified(D, table)
    )
}
