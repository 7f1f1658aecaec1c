//! Crate-level tests: a corpus of schema pairs rendered in each dialect, and
//! property tests on random schemas. They live in the lib's test binary so the
//! crate links one test executable.

mod build;
mod corpus;
mod drafts;
mod index_order;
mod loss;
mod properties;
mod scale;
mod scenarios;
mod special;
