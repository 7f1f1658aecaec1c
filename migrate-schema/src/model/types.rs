//! Column types: the catalog's spelling, a normalized form for comparison, and
//! the coarse shape the warnings use to spot narrowing changes.

use serde::{Deserialize, Serialize};

use super::Dialect;

/// A column type as the catalog spells it, with the form the diff compares.
///
/// Catalog readers fill `raw` with what the engine prints (`format_type` on
/// PostgreSQL, `COLUMN_TYPE` on MySQL, the declared type on SQLite) and call
/// [`ColumnType::new`], which derives `normalized`. Two columns have the same
/// type when their normalized forms are equal; drafts print `raw`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct ColumnType {
    /// The type as the catalog prints it; rendered into drafts.
    pub raw: String,
    /// Lowercase, single-spaced, with the dialect's aliases resolved.
    pub normalized: String,
}

impl ColumnType {
    /// A type read from a catalog of `dialect`, normalized for comparison.
    pub fn new(dialect: Dialect, raw: impl Into<String>) -> Self {
        let raw = raw.into();
        let normalized = normalize_type(dialect, &raw);
        ColumnType { raw, normalized }
    }

    /// The labels of a MySQL/MariaDB inline `enum('a','b')` type as the
    /// catalog prints it (a quote doubled inside a label); `None` for any
    /// other type.
    ///
    /// ```
    /// use migrate_schema::{ColumnType, Dialect};
    /// let ty = ColumnType::new(Dialect::MySql, "enum('open','it''s done')");
    /// assert_eq!(ty.enum_labels().unwrap(), ["open", "it's done"]);
    /// assert_eq!(ColumnType::new(Dialect::MySql, "int").enum_labels(), None);
    /// ```
    pub fn enum_labels(&self) -> Option<Vec<String>> {
        let raw = self.raw.trim();
        let head = raw.get(..5).filter(|h| h.eq_ignore_ascii_case("enum("))?;
        let inner = raw[head.len()..].strip_suffix(')')?;
        let mut labels = Vec::new();
        let mut chars = inner.chars().peekable();
        while let Some(c) = chars.next() {
            match c {
                '\'' => {
                    let mut label = String::new();
                    loop {
                        match chars.next()? {
                            '\'' if chars.peek() == Some(&'\'') => {
                                chars.next();
                                label.push('\'');
                            }
                            '\'' => break,
                            c => label.push(c),
                        }
                    }
                    labels.push(label);
                }
                ',' | ' ' => {}
                _ => return None,
            }
        }
        Some(labels)
    }
}

/// Folds the spellings a catalog may use for one type into one form.
///
/// Engines already normalize most of this; the aliases cover types read from
/// a different source (a hand-written model, an older server) and MySQL's
/// integer display widths, which MySQL 8 stopped printing and MariaDB still prints.
pub fn normalize_type(dialect: Dialect, raw: &str) -> String {
    let lower = fold_unquoted(raw.trim());
    let (base, args) = match lower.find('(') {
        Some(open) => (lower[..open].trim_end(), &lower[open..]),
        None => (lower.as_str(), ""),
    };
    let args = args
        .replace(", ", ",")
        .replace(" )", ")")
        .replace("( ", "(");
    let (base, tail) = match args.find(')') {
        // Keep what follows the arguments (`unsigned`, `with time zone`).
        Some(close) if close + 1 < args.len() => (
            base.to_string(),
            (args[..=close].to_string(), args[close + 1..].to_string()),
        ),
        _ => (base.to_string(), (args.clone(), String::new())),
    };
    let (args, suffix) = tail;
    let base = match dialect {
        Dialect::Postgres => postgres_alias(&base),
        Dialect::MySql => mysql_alias(&base),
        Dialect::Sqlite => base,
    };
    let args = if dialect == Dialect::MySql && is_mysql_integer(&base) && base != "tinyint" {
        String::new()
    } else {
        args
    };
    let mut out = base;
    out.push_str(&args);
    out.push_str(&suffix);
    if dialect == Dialect::Postgres {
        out = match out.as_str() {
            "timestamp" => "timestamp without time zone".into(),
            "time" => "time without time zone".into(),
            _ => out,
        };
    }
    out
}

/// Lowercases and single-spaces everything but quoted text: `"Mood"` is not
/// `mood`, and MySQL's `enum('A','B')` labels are case-sensitive.
fn fold_unquoted(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut quote: Option<char> = None;
    let mut space = false;
    for c in text.chars() {
        match quote {
            Some(q) => {
                out.push(c);
                if c == q {
                    quote = None;
                }
            }
            None if c.is_whitespace() => space = true,
            None => {
                if space && !out.is_empty() {
                    out.push(' ');
                }
                space = false;
                if c == '"' || c == '\'' {
                    quote = Some(c);
                }
                out.extend(c.to_lowercase());
            }
        }
    }
    out
}

fn postgres_alias(base: &str) -> String {
    match base {
        "int" | "int4" => "integer",
        "int8" => "bigint",
        "int2" => "smallint",
        "varchar" => "character varying",
        "char" | "bpchar" => "character",
        "bool" => "boolean",
        "float8" | "float" => "double precision",
        "float4" => "real",
        "decimal" => "numeric",
        "timestamptz" => "timestamp with time zone",
        "timetz" => "time with time zone",
        "varbit" => "bit varying",
        other => other,
    }
    .to_string()
}

fn mysql_alias(base: &str) -> String {
    match base {
        "integer" => "int",
        "bool" | "boolean" => "tinyint",
        "dec" | "numeric" => "decimal",
        other => other,
    }
    .to_string()
}

fn is_mysql_integer(base: &str) -> bool {
    matches!(
        base,
        "tinyint" | "smallint" | "mediumint" | "int" | "bigint"
    )
}

/// The coarse shape of a normalized type, enough to tell widening from narrowing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TypeShape {
    /// An integer of this many bits.
    Integer(u32),
    /// A binary floating-point number of this many bits.
    Float(u32),
    /// An exact decimal with optional precision and scale.
    Decimal(Option<u32>, Option<u32>),
    /// Character data with an optional maximum length (`None`: unbounded).
    Text(Option<u32>),
    /// Anything else, compared only for equality.
    Other(String),
}

impl TypeShape {
    /// The shape of a normalized type (see [`normalize_type`]).
    pub fn of(normalized: &str) -> TypeShape {
        let (base, args) = match normalized.find('(') {
            Some(open) => (&normalized[..open], &normalized[open + 1..]),
            None => (normalized, ""),
        };
        let numbers: Vec<u32> = args
            .split([',', ')'])
            .filter_map(|part| part.trim().parse().ok())
            .collect();
        let first = numbers.first().copied();
        match base.trim() {
            "tinyint" => TypeShape::Integer(8),
            "smallint" | "int2" => TypeShape::Integer(16),
            "mediumint" => TypeShape::Integer(24),
            "integer" | "int" | "int4" => TypeShape::Integer(32),
            "bigint" | "int8" => TypeShape::Integer(64),
            "real" | "float4" => TypeShape::Float(32),
            "double precision" | "double" | "float8" => TypeShape::Float(64),
            "float" => TypeShape::Float(if first.is_some_and(|p| p <= 24) {
                32
            } else {
                64
            }),
            "numeric" | "decimal" => TypeShape::Decimal(first, numbers.get(1).copied()),
            "character varying" | "varchar" | "nvarchar" => TypeShape::Text(first),
            // A bare `char` holds one character.
            "character" | "char" | "nchar" => TypeShape::Text(Some(first.unwrap_or(1))),
            "text" | "clob" | "longtext" | "mediumtext" => TypeShape::Text(None),
            "tinytext" => TypeShape::Text(Some(255)),
            _ => TypeShape::Other(normalized.to_string()),
        }
    }

    /// Whether converting values from `self` to `to` may lose data or fail.
    pub fn narrows_to(&self, to: &TypeShape) -> bool {
        use TypeShape::*;
        match (self, to) {
            (Integer(a), Integer(b)) | (Float(a), Float(b)) => b < a,
            (Integer(_), Float(_) | Decimal(..) | Text(None)) => false,
            (Integer(a), Text(Some(n))) => (*a as f64 * 0.302).ceil() as u32 + 1 > *n,
            (Text(a), Text(b)) => match (a, b) {
                (None, Some(_)) => true,
                (Some(a), Some(b)) => b < a,
                _ => false,
            },
            (Decimal(p1, s1), Decimal(p2, s2)) => {
                let precision = matches!((p1, p2), (None, Some(_)))
                    || matches!((p1, p2), (Some(a), Some(b)) if b < a);
                let scale = matches!((s1, s2), (Some(a), Some(b)) if b < a)
                    || matches!((s1, s2), (None, Some(_)) if p1.is_none());
                precision || scale
            }
            (Float(_), Decimal(..) | Integer(_)) | (Decimal(..), Integer(_)) => true,
            (_, Text(None)) => false,
            (a, b) => a != b,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn postgres_aliases_fold() {
        assert_eq!(
            normalize_type(Dialect::Postgres, "VARCHAR(100)"),
            "character varying(100)"
        );
        assert_eq!(normalize_type(Dialect::Postgres, "int4"), "integer");
        assert_eq!(
            normalize_type(Dialect::Postgres, "timestamptz"),
            "timestamp with time zone"
        );
        assert_eq!(
            normalize_type(Dialect::Postgres, "timestamp"),
            "timestamp without time zone"
        );
        assert_eq!(
            normalize_type(Dialect::Postgres, "numeric(10, 2)"),
            "numeric(10,2)"
        );
    }

    #[test]
    fn mysql_drops_integer_display_width_but_keeps_flags() {
        assert_eq!(normalize_type(Dialect::MySql, "int(11)"), "int");
        assert_eq!(
            normalize_type(Dialect::MySql, "INT(10) UNSIGNED"),
            "int unsigned"
        );
        assert_eq!(normalize_type(Dialect::MySql, "tinyint(1)"), "tinyint(1)");
        assert_eq!(normalize_type(Dialect::MySql, "varchar(20)"), "varchar(20)");
        assert_eq!(
            normalize_type(Dialect::MySql, "ENUM('A','b')"),
            "enum('A','b')"
        );
    }

    #[test]
    fn narrowing_is_detected() {
        let shape = |t: &str| TypeShape::of(&normalize_type(Dialect::Postgres, t));
        assert!(shape("varchar(100)").narrows_to(&shape("varchar(50)")));
        assert!(!shape("varchar(50)").narrows_to(&shape("varchar(100)")));
        assert!(shape("bigint").narrows_to(&shape("integer")));
        assert!(!shape("integer").narrows_to(&shape("bigint")));
        assert!(shape("text").narrows_to(&shape("varchar(10)")));
        assert!(!shape("varchar(10)").narrows_to(&shape("text")));
        assert!(shape("numeric(10,2)").narrows_to(&shape("numeric(8,2)")));
        assert!(shape("text").narrows_to(&shape("integer")));
        assert!(!shape("integer").narrows_to(&shape("text")));
    }
}
