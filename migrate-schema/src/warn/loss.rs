//! Column changes that lose data although no value is too long for the new
//! type: an integer read into a binary float rounds, a TEXT or BLOB size
//! class shrinks, a character set holds fewer characters.
//!
//! [`TypeShape::narrows_to`] answers "may a value not fit"; these are the
//! changes it calls widening (`bigint` → `double precision`) or cannot see
//! (`longtext` → `text`, a collation's character set), which round or
//! truncate values silently.

use crate::model::{Column, Dialect, TypeShape};

/// What `from` → `to` loses, in words, or `None` when every value survives.
pub(crate) fn column_loss(dialect: Dialect, from: &Column, to: &Column) -> Option<String> {
    let (a, b) = (&from.data_type, &to.data_type);
    if a.normalized != b.normalized {
        if let Some(loss) = integer_to_float(dialect, &a.normalized, &b.normalized) {
            return Some(format!("{} -> {}: {loss}", a.raw, b.raw));
        }
        if let Some(loss) = size_class(&a.normalized, &b.normalized) {
            return Some(format!("{} -> {}: {loss}", a.raw, b.raw));
        }
    }
    if dialect == Dialect::MySql {
        return charset_loss(from.collation.as_deref(), to.collation.as_deref());
    }
    None
}

/// Bits of mantissa a binary float of `bits` carries (IEEE 754 single and
/// double): integers wider than this are rounded.
fn mantissa(bits: u32) -> u32 {
    if bits <= 32 {
        24
    } else {
        53
    }
}

/// The shape of a type, with MySQL's `unsigned` flag set aside (an unsigned
/// integer has as many bits) and each engine's bare `float`/`real` sized.
fn shape(dialect: Dialect, normalized: &str) -> TypeShape {
    let base = normalized
        .trim_end_matches(" zerofill")
        .trim_end_matches(" unsigned");
    match (dialect, TypeShape::of(base)) {
        // MySQL's bare FLOAT is single precision.
        (Dialect::MySql, TypeShape::Float(_)) if base == "float" => TypeShape::Float(32),
        // SQLite stores every REAL as an 8-byte float, and every integer,
        // whatever its declared type, in up to 8 bytes.
        (Dialect::Sqlite, TypeShape::Float(_)) => TypeShape::Float(64),
        (Dialect::Sqlite, TypeShape::Integer(_)) => TypeShape::Integer(64),
        (_, other) => other,
    }
}

fn integer_to_float(dialect: Dialect, from: &str, to: &str) -> Option<String> {
    match (shape(dialect, from), shape(dialect, to)) {
        (TypeShape::Integer(i), TypeShape::Float(f)) if i > mantissa(f) => Some(format!(
            "a {f}-bit binary float holds integers exactly only up to 2^{}; larger {i}-bit \
             values are rounded",
            mantissa(f)
        )),
        _ => None,
    }
}

/// MySQL/MariaDB's TEXT and BLOB size classes: the family and the largest
/// value in bytes (2^8, 2^16, 2^24, 2^32, less one).
fn class(normalized: &str) -> Option<(&'static str, u32)> {
    let base = normalized.split(['(', ' ']).next().unwrap_or("");
    Some(match base {
        "tinytext" => ("text", 8),
        "text" => ("text", 16),
        "mediumtext" => ("text", 24),
        "longtext" => ("text", 32),
        "tinyblob" => ("blob", 8),
        "blob" => ("blob", 16),
        "mediumblob" => ("blob", 24),
        "longblob" => ("blob", 32),
        _ => return None,
    })
}

fn size_class(from: &str, to: &str) -> Option<String> {
    let ((fa, a), (fb, b)) = (class(from)?, class(to)?);
    (fa == fb && b < a).then(|| {
        format!("values longer than 2^{b} - 1 bytes are truncated (or refused in strict mode)")
    })
}

/// The character set a MySQL collation belongs to (`latin1_swedish_ci` →
/// `latin1`; `utf8_general_ci` is MariaDB's old name for utf8mb3).
fn charset(collation: &str) -> &str {
    let name = collation.split('_').next().unwrap_or(collation);
    if name.eq_ignore_ascii_case("utf8") {
        "utf8mb3"
    } else {
        name
    }
}

/// How much of Unicode a character set holds: 4 all of it, 3 the Basic
/// Multilingual Plane, 2 one single-byte code page, 1 ASCII, 0 bytes only.
fn repertoire(charset: &str) -> u8 {
    match charset.to_ascii_lowercase().as_str() {
        "utf8mb4" | "utf16" | "utf16le" | "utf32" => 4,
        "utf8mb3" | "ucs2" => 3,
        "ascii" => 1,
        "binary" => 0,
        _ => 2,
    }
}

/// A collation change to a character set that cannot hold every character
/// of the old one. `None` on either side is the table's default, which is
/// utf8mb4 on the servers this project targets (`character-set-server`).
pub(crate) fn charset_loss(from: Option<&str>, to: Option<&str>) -> Option<String> {
    let old = from.map_or("utf8mb4", charset);
    let new = to.map_or("utf8mb4", charset);
    if old.eq_ignore_ascii_case(new) {
        return None;
    }
    let (a, b) = (repertoire(old), repertoire(new));
    // Two single-byte code pages share only ASCII.
    let lost = b < a || (a == 2 && b == 2);
    lost.then(|| {
        format!(
            "character set {old} -> {new}: characters {new} cannot hold become '?' \
             (or the statement fails in strict mode)"
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::ColumnType;

    fn col(d: Dialect, ty: &str, collation: Option<&str>) -> Column {
        let mut c = Column::new("c", ColumnType::new(d, ty));
        c.collation = collation.map(str::to_owned);
        c
    }

    fn loses(d: Dialect, from: &str, to: &str) -> bool {
        column_loss(d, &col(d, from, None), &col(d, to, None)).is_some()
    }

    #[test]
    fn integers_into_binary_floats_round() {
        use Dialect::{MySql, Postgres, Sqlite};
        assert!(loses(Postgres, "bigint", "double precision"));
        assert!(loses(Postgres, "integer", "real"));
        assert!(loses(Postgres, "int8", "float8"));
        assert!(loses(Postgres, "integer", "float4"));
        assert!(loses(MySql, "bigint", "double"));
        assert!(loses(MySql, "int", "float"));
        assert!(loses(MySql, "int(11)", "float"));
        assert!(loses(MySql, "bigint unsigned", "double"));
        assert!(loses(Sqlite, "bigint", "double"));
        assert!(loses(Sqlite, "INTEGER", "REAL"));
        // A double holds every 32-bit integer, a float every 16-bit one.
        assert!(!loses(Postgres, "integer", "double precision"));
        assert!(!loses(Postgres, "smallint", "real"));
        assert!(!loses(MySql, "mediumint", "float"));
        assert!(!loses(Postgres, "bigint", "numeric"));
        assert!(!loses(Postgres, "integer", "bigint"));
    }

    #[test]
    fn text_and_blob_size_classes_shrinking_truncate() {
        let d = Dialect::MySql;
        for (from, to) in [
            ("longtext", "mediumtext"),
            ("longtext", "text"),
            ("mediumtext", "text"),
            ("text", "tinytext"),
            ("longblob", "mediumblob"),
            ("mediumblob", "blob"),
            ("blob", "tinyblob"),
        ] {
            assert!(loses(d, from, to), "{from} -> {to}");
            assert!(!loses(d, to, from), "{to} -> {from}");
        }
        assert!(!loses(d, "text", "blob"));
        assert!(!loses(d, "longtext", "longblob"));
    }

    #[test]
    fn smaller_character_sets_lose_characters() {
        let d = Dialect::MySql;
        let change = |from: Option<&str>, to: Option<&str>| {
            column_loss(d, &col(d, "text", from), &col(d, "text", to))
        };
        let loss = change(None, Some("latin1_swedish_ci")).expect("utf8mb4 -> latin1");
        assert!(loss.contains("utf8mb4 -> latin1"), "{loss}");
        assert!(change(Some("utf8mb4_bin"), Some("utf8mb3_general_ci")).is_some());
        assert!(change(Some("utf8mb4_bin"), Some("utf8_general_ci")).is_some());
        assert!(change(Some("utf8mb4_bin"), Some("ascii_general_ci")).is_some());
        assert!(change(Some("latin1_swedish_ci"), Some("ascii_bin")).is_some());
        assert!(change(Some("latin1_swedish_ci"), Some("latin2_general_ci")).is_some());
        // Same set, another collation; or a wider set.
        assert!(change(None, Some("utf8mb4_bin")).is_none());
        assert!(change(Some("latin1_swedish_ci"), Some("latin1_bin")).is_none());
        assert!(change(Some("latin1_swedish_ci"), None).is_none());
        assert!(change(Some("utf8mb3_general_ci"), Some("utf8mb4_bin")).is_none());
        assert!(change(Some("ascii_bin"), Some("latin1_bin")).is_none());
        // PostgreSQL collations never change what a column holds.
        let pg = Dialect::Postgres;
        let c = column_loss(pg, &col(pg, "text", None), &col(pg, "text", Some("C")));
        assert!(c.is_none());
    }
}
