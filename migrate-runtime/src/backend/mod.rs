//! One file per dialect, each implementing [`Backend`](crate::session::Backend)
//! with only what differs: lock statements, row decoding quirks, how a
//! section runs, which error codes mean what, and which session settings a
//! migration may leave changed. Everything the dialects share is the
//! generic [`Session`](crate::session::Session); every statement of the
//! version table is in [`protocol`](crate::protocol).
//!
//! # Imports
//!
//! `mysql`, `postgres`, `sqlite`
//!
//! Each imports only the session and the protocol, never another dialect.

#[cfg(feature = "mysql")]
pub(crate) mod mysql;
#[cfg(feature = "postgres")]
pub(crate) mod postgres;
#[cfg(feature = "sqlite")]
pub(crate) mod sqlite;
