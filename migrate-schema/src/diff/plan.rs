//! Changes collected by phase, so the final list runs in dependency order.

use crate::change::Change;

/// Execution phases. Drops of foreign keys come before everything they could
/// block; types and tables come before the foreign keys that need them; drops
/// that could be referenced by something still standing come last.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) enum Phase {
    CreateSchemas,
    /// Extensions, free sequences and domains: tables may use them.
    CreateEarlyObjects,
    /// Views, triggers and the rest, before anything they read changes.
    DropObjects,
    Enums,
    DropForeignKeys,
    DropIdentity,
    DropConstraints,
    DropTables,
    RenameTables,
    RenameColumns,
    DropColumns,
    CreateTables,
    AddColumns,
    AlterColumns,
    AddConstraints,
    AddIdentity,
    AddForeignKeys,
    Comments,
    /// Routines, views, triggers and the rest, once what they read is there.
    CreateObjects,
    /// Routines, sequences, domains and extensions nothing uses any more.
    DropLateObjects,
    DropEnums,
    DropSchemas,
}

const PHASES: usize = Phase::DropSchemas as usize + 1;

/// Changes and notes gathered while diffing.
#[derive(Debug, Default)]
pub(crate) struct Plan {
    buckets: [Vec<Change>; PHASES],
    notes: Vec<String>,
}

impl Plan {
    pub(crate) fn push(&mut self, phase: Phase, change: Change) {
        self.buckets[phase as usize].push(change);
    }

    pub(crate) fn note(&mut self, note: String) {
        self.notes.push(note);
    }

    /// The changes gathered so far, in no particular order.
    pub(crate) fn changes(&self) -> impl Iterator<Item = &Change> {
        self.buckets.iter().flatten()
    }

    pub(crate) fn finish(self) -> (Vec<Change>, Vec<String>) {
        (self.buckets.into_iter().flatten().collect(), self.notes)
    }
}
