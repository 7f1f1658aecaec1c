//! The other tools' checksum rules, re-implemented from their documented
//! behaviour, so adopt can tell whether the file a database ran is the
//! file that was imported:
//!
//! - sqlx: SHA-384 of the migration file's bytes, stored as bytes;
//! - refinery: SipHash-1-3 with zero keys over the name, the version (a
//!   32-bit integer) and the SQL, fed as Rust's `Hash` feeds them (a
//!   string's bytes and a `0xff` byte; the integer's little-endian bytes),
//!   stored as the decimal `u64`;
//! - Flyway: CRC-32 (IEEE) over the file's lines without their line
//!   endings, a leading BOM dropped, stored as a signed 32-bit integer.

use sha2::{Digest, Sha384};

/// sqlx's checksum, as lowercase hex.
pub fn sqlx(file: &[u8]) -> String {
    Sha384::digest(file)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// refinery's checksum, in decimal.
pub fn refinery(name: &str, version: i32, sql: &str) -> String {
    let mut h = Sip13::default();
    h.write(name.as_bytes());
    h.write(&[0xff]);
    h.write(&version.to_le_bytes());
    h.write(sql.as_bytes());
    h.write(&[0xff]);
    h.finish().to_string()
}

/// Flyway's checksum, in decimal.
pub fn flyway(text: &str) -> String {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut crc = !0u32;
    // Java's readLine ends a line at `\n`, `\r` or `\r\n`.
    for line in text.split('\n') {
        for part in line.split('\r') {
            for &b in part.as_bytes() {
                crc = crc32_byte(crc, b);
            }
        }
    }
    (!crc as i32).to_string()
}

fn crc32_byte(crc: u32, b: u8) -> u32 {
    let mut c = crc ^ u32::from(b);
    for _ in 0..8 {
        c = if c & 1 == 1 {
            (c >> 1) ^ 0xedb8_8320
        } else {
            c >> 1
        };
    }
    c
}

/// SipHash-1-3 with keys (0, 0), streaming.
struct Sip13 {
    v: [u64; 4],
    tail: u64,
    ntail: usize,
    len: usize,
}

impl Default for Sip13 {
    fn default() -> Sip13 {
        Sip13 {
            v: [
                0x736f_6d65_7073_6575,
                0x646f_7261_6e64_6f6d,
                0x6c79_6765_6e65_7261,
                0x7465_6462_7974_6573,
            ],
            tail: 0,
            ntail: 0,
            len: 0,
        }
    }
}

impl Sip13 {
    fn round(&mut self) {
        let v = &mut self.v;
        v[0] = v[0].wrapping_add(v[1]);
        v[1] = v[1].rotate_left(13) ^ v[0];
        v[0] = v[0].rotate_left(32);
        v[2] = v[2].wrapping_add(v[3]);
        v[3] = v[3].rotate_left(16) ^ v[2];
        v[0] = v[0].wrapping_add(v[3]);
        v[3] = v[3].rotate_left(21) ^ v[0];
        v[2] = v[2].wrapping_add(v[1]);
        v[1] = v[1].rotate_left(17) ^ v[2];
        v[2] = v[2].rotate_left(32);
    }

    fn block(&mut self, m: u64) {
        self.v[3] ^= m;
        self.round();
        self.v[0] ^= m;
    }

    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.tail |= u64::from(b) << (8 * self.ntail);
            self.ntail += 1;
            self.len += 1;
            if self.ntail == 8 {
                let m = self.tail;
                self.block(m);
                self.tail = 0;
                self.ntail = 0;
            }
        }
    }

    fn finish(mut self) -> u64 {
        let b = ((self.len as u64 & 0xff) << 56) | self.tail;
        self.block(b);
        self.v[2] ^= 0xff;
        for _ in 0..3 {
            self.round();
        }
        self.v[0] ^ self.v[1] ^ self.v[2] ^ self.v[3]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    #[allow(deprecated)]
    fn siphash_is_the_one_std_hashes_with() {
        // std's SipHasher13 with zero keys is what refinery used before it
        // named the algorithm; the same input must give the same number.
        use std::hash::{Hash, Hasher};
        for (name, version, sql) in [
            ("a", 1, ""),
            ("create_users", 42, "CREATE TABLE users (id INT);\n"),
        ] {
            let mut std = std::collections::hash_map::DefaultHasher::new();
            name.hash(&mut std);
            version.hash(&mut std);
            sql.hash(&mut std);
            assert_eq!(refinery(name, version, sql), std.finish().to_string());
        }
    }

    #[test]
    fn flyway_ignores_line_endings_and_bom() {
        let a = flyway("CREATE TABLE t (id INT);\nSELECT 1;\n");
        assert_eq!(a, flyway("\u{feff}CREATE TABLE t (id INT);\r\nSELECT 1;"));
        assert_ne!(a, flyway("CREATE TABLE t (id INT);\nSELECT 2;\n"));
        // CRC-32 of "123456789" is 0xcbf43926.
        assert_eq!(flyway("123456789"), (0xcbf4_3926_u32 as i32).to_string());
    }

    #[test]
    fn sqlx_is_sha384() {
        assert!(sqlx(b"abc").starts_with("cb00753f45a35e8b"));
    }
}
