//! Checksums of migration text, stable across line endings and BOMs.

use sha2::{Digest, Sha256};
use std::borrow::Cow;
use std::fmt;

/// The SHA-256 of a migration file's normalized text.
///
/// Normalization folds CRLF to LF and drops a leading BOM, so a Windows checkout
/// of the same file does not look like an edited migration.
///
/// ```
/// use migrate_graph::Checksum;
/// let unix = Checksum::of("SELECT 1;\n");
/// let windows = Checksum::of("\u{feff}SELECT 1;\r\n");
/// assert_eq!(unix, windows);
/// assert_eq!(unix.to_hex().len(), 64);
/// ```
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Checksum(pub [u8; 32]);

impl Checksum {
    /// Hashes `text` after [`normalize`].
    pub fn of(text: &str) -> Checksum {
        let digest = Sha256::digest(normalize(text).as_bytes());
        Checksum(digest.into())
    }

    /// Lowercase hex, as stored in version tables.
    pub fn to_hex(&self) -> String {
        const HEX: &[u8; 16] = b"0123456789abcdef";
        let mut out = String::with_capacity(64);
        for b in self.0 {
            out.push(HEX[(b >> 4) as usize] as char);
            out.push(HEX[(b & 15) as usize] as char);
        }
        out
    }

    /// Parses 64 hex digits, as written by [`Checksum::to_hex`].
    pub fn from_hex(hex: &str) -> Option<Checksum> {
        let hex = hex.trim().as_bytes();
        if hex.len() != 64 {
            return None;
        }
        let mut out = [0u8; 32];
        for (i, pair) in hex.chunks(2).enumerate() {
            let digit = |c: u8| (c as char).to_digit(16).map(|d| d as u8);
            out[i] = digit(pair[0])? << 4 | digit(pair[1])?;
        }
        Some(Checksum(out))
    }
}

impl fmt::Display for Checksum {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.to_hex())
    }
}

impl fmt::Debug for Checksum {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Checksum({})", self.to_hex())
    }
}

/// Drops a leading BOM and folds CRLF to LF; borrows when there is nothing to do.
pub fn normalize(text: &str) -> Cow<'_, str> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    if text.contains("\r\n") {
        Cow::Owned(text.replace("\r\n", "\n"))
    } else {
        Cow::Borrowed(text)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hex_round_trips() {
        let c = Checksum::of("CREATE TABLE t (id INT);");
        assert_eq!(Checksum::from_hex(&c.to_hex()), Some(c));
        assert_eq!(Checksum::from_hex("zz"), None);
    }

    #[test]
    fn edits_change_the_checksum() {
        assert_ne!(Checksum::of("SELECT 1;"), Checksum::of("SELECT 2;"));
    }

    #[test]
    fn lone_cr_is_kept() {
        assert_ne!(Checksum::of("a\rb"), Checksum::of("a\nb"));
    }
}
