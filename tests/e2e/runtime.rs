//! The runtime against SQLite, PostgreSQL and MariaDB.
