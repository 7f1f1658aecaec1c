//! The lint end to end: autogenerate's drafts pass their own lint
//! (`drafts`, over the whole schema corpus) and `check` passes right after
//! `revision --autogenerate` in a project (`cli`).
//!
//! # Imports
//!
//! `cli`, `drafts`

mod cli;
mod drafts;
