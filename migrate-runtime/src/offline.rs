//! Offline SQL scripts (`--sql`): what a DBA would run, version-table
//! statements included. Dialect SQL text comes from the backend modules' shared
//! table definitions so online and offline runs write the same rows.
