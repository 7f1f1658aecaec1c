//! The short read of the version table that every run makes.

/// Record and field separators of [`Brief::Packed`] (ASCII RS and US).
pub(crate) const RECORD_SEP: char = '\x1e';
const FIELD_SEP: char = '\x1f';

/// What a migrator needs of every version-table row: revision, checksum and
/// state. Read once per run, under the lock; kept as the database sent it
/// so that an up-to-date launch allocates nothing per row.
#[derive(Debug)]
pub(crate) enum Brief {
    /// The rows aggregated by the database into one text: records separated
    /// by RS, each `revision US checksum US state`. Only made by
    /// [`Brief::packed`], which checks that no value contained a separator.
    Packed {
        /// The records.
        text: String,
        /// How many.
        count: usize,
    },
    /// One entry per row.
    Rows(Vec<[String; 3]>),
}

impl Brief {
    /// Wraps an aggregated text if it splits into exactly `count` records of
    /// three fields each; `None` means a value held a separator (or a row had
    /// a NULL), and the caller reads the rows one by one instead.
    ///
    /// Every separator inside a value either adds a record or adds a field to
    /// one, so the counts catch them all.
    #[cfg_attr(not(feature = "sqlite"), allow(dead_code))]
    pub(crate) fn packed(text: Option<String>, count: usize) -> Option<Brief> {
        let text = text.unwrap_or_default();
        if count == 0 {
            return text.is_empty().then_some(Brief::Packed { text, count });
        }
        let mut records = 0;
        for record in text.split(RECORD_SEP) {
            records += 1;
            if record.bytes().filter(|&b| b == FIELD_SEP as u8).count() != 2 {
                return None;
            }
        }
        (records == count).then_some(Brief::Packed { text, count })
    }

    /// (revision, checksum, state) of each row, borrowed.
    pub(crate) fn records(&self) -> Box<dyn Iterator<Item = (&str, &str, &str)> + '_> {
        match self {
            Brief::Packed { count: 0, .. } => Box::new(std::iter::empty()),
            Brief::Packed { text, .. } => Box::new(text.split(RECORD_SEP).map(fields)),
            Brief::Rows(rows) => Box::new(
                rows.iter()
                    .map(|[r, c, s]| (r.as_str(), c.as_str(), s.as_str())),
            ),
        }
    }
}

/// Splits one validated record of [`Brief::Packed`].
fn fields(record: &str) -> (&str, &str, &str) {
    let mut it = record.splitn(3, FIELD_SEP);
    let revision = it.next().unwrap_or_default();
    let checksum = it.next().unwrap_or_default();
    let state = it.next().unwrap_or_default();
    (revision, checksum, state)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn record(fields: [&str; 3]) -> String {
        fields.join(&FIELD_SEP.to_string())
    }

    fn join(records: &[String]) -> Option<String> {
        Some(records.join(&RECORD_SEP.to_string()))
    }

    #[test]
    fn packed_reads_are_checked_for_separators_in_values() {
        let a = record(["aa01", "00ff", "applied"]);
        let b = record(["bb02", "11ee", "started_up"]);
        let brief = Brief::packed(join(&[a.clone(), b.clone()]), 2).unwrap();
        assert_eq!(brief.records().count(), 2);
        let rows: Vec<_> = brief.records().collect();
        assert_eq!(
            rows,
            [("aa01", "00ff", "applied"), ("bb02", "11ee", "started_up")]
        );
        // An empty table aggregates to NULL.
        assert_eq!(Brief::packed(None, 0).unwrap().records().count(), 0);
        assert!(Brief::packed(Some("x".into()), 0).is_none());
        // A field separator in a value makes a record of four fields.
        let bad = record(["a\x1fb", "00ff", "applied"]);
        assert!(Brief::packed(join(&[bad, b.clone()]), 2).is_none());
        // A record separator in a value makes one record more than rows...
        let split = record(["x\x1ey", "00ff", "applied"]);
        assert!(Brief::packed(join(&[split, b.clone()]), 2).is_none());
        // ...even when both halves look like records.
        let forged = format!(
            "{}{RECORD_SEP}{}",
            record(["r1", "c1", "applied"]),
            record(["r2", "c2", "applied"])
        );
        let forged = record([&forged, "c3", "applied"]);
        assert!(Brief::packed(join(&[forged, a]), 2).is_none());
        // Empty values are fine.
        assert!(Brief::packed(join(&[record(["", "", ""])]), 1).is_some());
    }
}
