//! Changes collected by phase, so the final list runs in dependency order.

use std::collections::{BTreeMap, HashSet};

use sqlparser::dialect::GenericDialect;
use sqlparser::tokenizer::{Token, Tokenizer};

use crate::change::Change;
use crate::model::{ObjectKind, OtherObject, QualifiedName, Schema};

/// Execution phases. Drops of foreign keys come before everything they could
/// block; types and tables come before the foreign keys that need them; drops
/// that could be referenced by something still standing come last. They are
/// declared in the order they run: the plan sorts by the derived `Ord`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) enum Phase {
    CreateSchemas,
    /// New enum types: a domain, a routine or a table may use them.
    CreateEnums,
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

/// Changes and notes gathered while diffing.
#[derive(Debug, Default)]
pub(crate) struct Plan {
    /// By phase; a map in `Phase` order, so that the plan runs in it.
    buckets: BTreeMap<Phase, Vec<Change>>,
    notes: Vec<String>,
}

impl Plan {
    pub(crate) fn push(&mut self, phase: Phase, change: Change) {
        self.phase_mut(phase).push(change);
    }

    pub(crate) fn note(&mut self, note: String) {
        self.notes.push(note);
    }

    /// The changes of one phase, to reorder or complete them.
    pub(crate) fn phase_mut(&mut self, phase: Phase) -> &mut Vec<Change> {
        self.buckets.entry(phase).or_default()
    }

    /// Takes out the first change `pick` accepts, with its phase.
    pub(crate) fn take(&mut self, pick: impl Fn(&Change) -> bool) -> Option<(Phase, Change)> {
        for (phase, bucket) in &mut self.buckets {
            if let Some(at) = bucket.iter().position(&pick) {
                return Some((*phase, bucket.remove(at)));
            }
        }
        None
    }

    /// The changes gathered so far, in no particular order.
    pub(crate) fn changes(&self) -> impl Iterator<Item = &Change> {
        self.buckets.values().flatten()
    }

    /// Moves the creation of every routine that a column default, a
    /// generated column or a CHECK of `desired` calls ahead of the tables,
    /// with the routines it calls in turn: `CREATE TABLE t (code text
    /// DEFAULT next_code())` needs `next_code` to exist. Routines are
    /// otherwise created after the tables because their bodies may read
    /// them; one that reads a table it is created with stays where it is
    /// (the engine would refuse it either way round). A routine a domain's
    /// CHECK or default calls goes before the domains too.
    pub(crate) fn routines_before_tables(&mut self, desired: &Schema) {
        let by_domains = words_of_domains(desired);
        let mut used = words_of_tables(desired);
        used.extend(by_domains.iter().cloned());
        if used.is_empty() {
            return;
        }
        let tables: HashSet<&QualifiedName> = desired.tables.iter().map(|t| &t.name).collect();
        let late: &[Change] = self
            .buckets
            .get(&Phase::CreateObjects)
            .map_or(&[], Vec::as_slice);
        let routine = |c: &Change| match c {
            Change::CreateObject { object } if is_routine(&object.kind) => Some(object.clone()),
            _ => None,
        };
        let mut hoisted: HashSet<QualifiedName> = late
            .iter()
            .filter_map(routine)
            .filter(|o| used.contains(&routine_word(o)))
            .map(|o| o.name)
            .collect();
        // The routines those call (`pg_depend` records no calls in a
        // plain SQL body: the words of the definition count too), until
        // nothing is added.
        let calls = |o: &OtherObject| -> HashSet<String> {
            let mut words = o.definition.as_deref().map(body_words).unwrap_or_default();
            words.extend(o.depends_on.iter().map(|d| d.name.to_lowercase()));
            words
        };
        let routines: Vec<(OtherObject, HashSet<String>)> = late
            .iter()
            .filter_map(routine)
            .map(|o| {
                let c = calls(&o);
                (o, c)
            })
            .collect();
        loop {
            let wanted: HashSet<&String> = routines
                .iter()
                .filter(|(o, _)| hoisted.contains(&o.name))
                .flat_map(|(_, c)| c)
                .collect();
            let more: Vec<QualifiedName> = routines
                .iter()
                .filter(|(o, _)| !hoisted.contains(&o.name))
                .filter(|(o, _)| wanted.contains(&routine_word(o)))
                .map(|(o, _)| o.name.clone())
                .collect();
            if more.is_empty() {
                break;
            }
            hoisted.extend(more);
        }
        let reads_a_table = |o: &OtherObject| o.depends_on.iter().any(|d| tables.contains(d));
        let bucket = std::mem::take(self.phase_mut(Phase::CreateObjects));
        let mut early = Vec::new();
        for change in bucket {
            match routine(&change) {
                Some(o) if hoisted.contains(&o.name) && !reads_a_table(&o) => {
                    let c = calls(&o);
                    early.push((routine_word(&o), c, change));
                }
                _ => self.push(Phase::CreateObjects, change),
            }
        }
        // Before the domains when a domain calls one of them (with those
        // they call), after the extensions and sequences.
        let before_domains = early.iter().any(|(name, _, _)| by_domains.contains(name));
        let mut ordered = Vec::new();
        // Each after the routines it calls (a cycle keeps its order).
        while !early.is_empty() {
            let at = (0..early.len())
                .find(|&i| {
                    !early
                        .iter()
                        .enumerate()
                        .any(|(j, (name, _, _))| j != i && early[i].1.contains(name))
                })
                .unwrap_or(0);
            let (_, _, change) = early.remove(at);
            ordered.push(change);
        }
        let bucket = self.phase_mut(Phase::CreateEarlyObjects);
        let at = match before_domains {
            true => bucket
                .iter()
                .position(|c| {
                    matches!(c, Change::CreateObject { object } if object.kind == ObjectKind::Domain)
                })
                .unwrap_or(bucket.len()),
            false => bucket.len(),
        };
        bucket.splice(at..at, ordered);
    }

    pub(crate) fn finish(self) -> (Vec<Change>, Vec<String>) {
        (self.buckets.into_values().flatten().collect(), self.notes)
    }
}

fn is_routine(kind: &ObjectKind) -> bool {
    matches!(kind, ObjectKind::Function | ObjectKind::Procedure)
}

/// A routine's name as a call writes it: lowercase, without its argument
/// types (PostgreSQL names overloads `f(integer)`).
fn routine_word(o: &OtherObject) -> String {
    let name = &o.name.name;
    name.split_once('(')
        .map_or(name.as_str(), |(b, _)| b)
        .to_lowercase()
}

/// Every word (lowercase) of the defaults, generated expressions and
/// CHECKs of `schema`'s tables, read with sqlparser's tokenizer so that
/// text inside strings does not count.
fn words_of_tables(schema: &Schema) -> HashSet<String> {
    let mut out = HashSet::new();
    for table in &schema.tables {
        let columns = table.columns.iter().flat_map(|c| {
            c.default
                .iter()
                .chain(c.generated.as_ref().map(|g| &g.expression))
        });
        let checks = table.checks.iter().map(|c| &c.expression);
        for text in columns.chain(checks) {
            out.extend(words(text));
        }
    }
    out
}

/// Every word (lowercase) of the domains' settings of `schema` (their
/// defaults and CHECKs).
fn words_of_domains(schema: &Schema) -> HashSet<String> {
    schema
        .other_objects
        .iter()
        .filter(|o| o.kind == ObjectKind::Domain)
        .flat_map(|o| &o.settings)
        .flat_map(|s| words(s))
        .collect()
}

/// The words of a routine's definition, those of its quoted body
/// (`$function$ ... $function$`, `AS '...'`) included.
fn body_words(sql: &str) -> HashSet<String> {
    let mut out = HashSet::new();
    for t in Tokenizer::new(&GenericDialect {}, sql)
        .tokenize()
        .unwrap_or_default()
    {
        match t {
            Token::Word(w) => {
                out.insert(w.value.to_lowercase());
            }
            Token::DollarQuotedString(s) => out.extend(words(&s.value)),
            Token::SingleQuotedString(s) => out.extend(words(&s)),
            _ => {}
        }
    }
    out
}

/// The words of `sql`, lowercase; none when it does not tokenize.
fn words(sql: &str) -> HashSet<String> {
    Tokenizer::new(&GenericDialect {}, sql)
        .tokenize()
        .unwrap_or_default()
        .into_iter()
        .filter_map(|t| match t {
            Token::Word(w) => Some(w.value.to_lowercase()),
            _ => None,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Check, Column, ColumnType, Dialect, Table};

    fn function(name: &str, depends_on: &[&str]) -> Change {
        let body = match name {
            "next_code()" => "SELECT prefix() || '1'",
            _ => "SELECT 1",
        };
        let mut object = OtherObject::new(
            ObjectKind::Function,
            QualifiedName::new(name),
            Some(format!("CREATE FUNCTION {name} AS $$ {body} $$")),
        );
        object.depends_on = depends_on.iter().map(|d| QualifiedName::new(*d)).collect();
        Change::CreateObject { object }
    }

    #[test]
    fn routines_a_table_calls_are_created_before_the_tables() {
        let d = Dialect::Postgres;
        let mut t = Table::new("t");
        let mut code = Column::new("code", ColumnType::new(d, "text"));
        code.default = Some("next_code()".into());
        t.columns.push(code);
        t.checks.push(Check {
            name: Some("t_check".into()),
            expression: "(is_even(id) AND note <> 'unused()')".into(),
            no_inherit: false,
            not_valid: false,
        });
        let desired = Schema {
            tables: vec![t.clone()],
            ..Schema::default()
        };
        let mut plan = Plan::default();
        plan.push(Phase::CreateTables, Change::CreateTable { table: t });
        plan.push(Phase::CreateObjects, function("next_code()", &[]));
        plan.push(Phase::CreateObjects, function("prefix()", &[]));
        plan.push(Phase::CreateObjects, function("is_even(integer)", &[]));
        plan.push(Phase::CreateObjects, function("unused()", &[]));
        plan.push(Phase::CreateObjects, function("counts()", &["t"]));
        plan.routines_before_tables(&desired);
        let order: Vec<String> = plan
            .finish()
            .0
            .into_iter()
            .map(|c| match c {
                Change::CreateObject { object } => object.name.name,
                Change::CreateTable { table } => format!("table {}", table.name.name),
                other => format!("{other:?}"),
            })
            .collect();
        assert_eq!(
            order,
            [
                "prefix()",
                "next_code()",
                "is_even(integer)",
                "table t",
                "unused()",
                "counts()"
            ]
        );
    }
}
