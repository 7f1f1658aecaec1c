//! Database backends: one module per dialect behind one trait.
