//! A set of revisions, one bit per revision of a graph.

/// A set of revisions of one [`Graph`](crate::Graph), such as the revisions a
/// database has applied. Indexes are the graph's node indexes.
#[derive(Clone, PartialEq, Eq, Default)]
pub struct Applied {
    words: Vec<u64>,
    len: usize,
}

impl Applied {
    /// An empty set for a graph of `size` revisions.
    pub fn empty(size: usize) -> Applied {
        Applied {
            words: vec![0; size.div_ceil(64)],
            len: size,
        }
    }

    /// Whether revision `i` is in the set.
    pub fn contains(&self, i: usize) -> bool {
        i < self.len && self.words[i / 64] & (1 << (i % 64)) != 0
    }

    /// Adds revision `i`; returns whether it was absent.
    pub fn insert(&mut self, i: usize) -> bool {
        let was = self.contains(i);
        self.words[i / 64] |= 1 << (i % 64);
        !was
    }

    /// Removes revision `i`.
    pub fn remove(&mut self, i: usize) {
        self.words[i / 64] &= !(1 << (i % 64));
    }

    /// Number of revisions in the set.
    pub fn count(&self) -> usize {
        self.words.iter().map(|w| w.count_ones() as usize).sum()
    }

    /// Whether the set is empty.
    pub fn is_empty(&self) -> bool {
        self.words.iter().all(|&w| w == 0)
    }

    /// The revisions in the set, by ascending index.
    pub fn iter(&self) -> impl Iterator<Item = usize> + '_ {
        self.words.iter().enumerate().flat_map(|(wi, &w)| {
            let mut w = w;
            std::iter::from_fn(move || {
                if w == 0 {
                    return None;
                }
                let bit = w.trailing_zeros() as usize;
                w &= w - 1;
                Some(wi * 64 + bit)
            })
        })
    }

    /// Keeps only the revisions also in `other`.
    pub fn intersect(&mut self, other: &Applied) {
        for (a, b) in self.words.iter_mut().zip(&other.words) {
            *a &= b;
        }
    }

    /// Removes the revisions in `other`.
    pub fn subtract(&mut self, other: &Applied) {
        for (a, b) in self.words.iter_mut().zip(&other.words) {
            *a &= !b;
        }
    }

    /// Adds the revisions in `other`.
    pub fn union(&mut self, other: &Applied) {
        for (a, b) in self.words.iter_mut().zip(&other.words) {
            *a |= b;
        }
    }
}

impl std::fmt::Debug for Applied {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_set().entries(self.iter()).finish()
    }
}
