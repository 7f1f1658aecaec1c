//! The migrator: upgrade, downgrade and stamp under a lock, with drift checks.
