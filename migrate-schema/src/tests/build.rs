//! A small builder for schemas in tests, with types spelled per dialect.

use crate::*;

/// A type in the dialect's catalog spelling, from a short generic name.
pub(crate) fn ty(d: Dialect, generic: &str) -> ColumnType {
    let raw = match (d, generic) {
        (Dialect::Postgres, "int") => "integer".to_string(),
        (Dialect::MySql, "int") => "int".to_string(),
        (Dialect::Sqlite, "int") => "INTEGER".to_string(),
        (Dialect::Postgres, "bool") => "boolean".to_string(),
        (Dialect::MySql, "bool") => "tinyint(1)".to_string(),
        (Dialect::Postgres, "ts") => "timestamp with time zone".to_string(),
        (Dialect::MySql, "ts") => "datetime".to_string(),
        (Dialect::Sqlite, "ts") => "TIMESTAMP".to_string(),
        (Dialect::Postgres, g) if g.starts_with("varchar") => {
            g.replace("varchar", "character varying")
        }
        (Dialect::Sqlite, g) => g.to_uppercase(),
        (_, g) => g.to_string(),
    };
    ColumnType::new(d, raw)
}

pub(crate) fn schema(tables: Vec<Table>) -> Schema {
    let mut s = Schema {
        tables,
        ..Schema::default()
    };
    s.canonicalize();
    s
}

/// Builds a table; column modifiers apply to the last column added.
pub(crate) struct T {
    d: Dialect,
    t: Table,
}

pub(crate) fn table(d: Dialect, name: &str) -> T {
    T {
        d,
        t: Table::new(name),
    }
}

fn strings(list: &[&str]) -> Vec<String> {
    list.iter().map(|s| s.to_string()).collect()
}

impl T {
    pub(crate) fn col(mut self, name: &str, generic: &str) -> Self {
        self.t.columns.push(Column::new(name, ty(self.d, generic)));
        self
    }
    /// `id` integer NOT NULL primary key.
    pub(crate) fn id(self) -> Self {
        self.col("id", "int").not_null().pk(&["id"])
    }
    fn last(&mut self) -> &mut Column {
        self.t.columns.last_mut().expect("a column first")
    }
    pub(crate) fn not_null(mut self) -> Self {
        self.last().nullable = false;
        self
    }
    pub(crate) fn default(mut self, sql: &str) -> Self {
        self.last().default = Some(sql.into());
        self
    }
    pub(crate) fn identity(mut self, identity: Identity) -> Self {
        self.last().identity = Some(identity);
        self
    }
    pub(crate) fn generated(mut self, expression: &str, kind: GeneratedKind) -> Self {
        self.last().generated = Some(Generated {
            expression: expression.into(),
            kind,
        });
        self
    }
    pub(crate) fn col_comment(mut self, comment: &str) -> Self {
        self.last().comment = Some(comment.into());
        self
    }
    pub(crate) fn pk(mut self, columns: &[&str]) -> Self {
        self.t.primary_key = Some(PrimaryKey {
            name: None,
            columns: strings(columns),
            comment: None,
            deferrable: None,
        });
        self
    }
    pub(crate) fn unique(mut self, name: Option<&str>, columns: &[&str]) -> Self {
        self.t.uniques.push(Unique {
            name: name.map(Into::into),
            columns: strings(columns),
            nulls_not_distinct: false,
            deferrable: None,
        });
        self
    }
    pub(crate) fn fk(
        self,
        name: Option<&str>,
        columns: &[&str],
        to: &str,
        to_columns: &[&str],
    ) -> Self {
        self.fk_on(name, columns, to, to_columns, FkAction::NoAction)
    }
    pub(crate) fn fk_on(
        mut self,
        name: Option<&str>,
        columns: &[&str],
        to: &str,
        to_columns: &[&str],
        on_delete: FkAction,
    ) -> Self {
        self.t.foreign_keys.push(ForeignKey {
            name: name.map(Into::into),
            columns: strings(columns),
            referenced_table: QualifiedName::parse(to),
            referenced_columns: strings(to_columns),
            on_delete,
            on_update: FkAction::NoAction,
            match_full: false,
            not_valid: false,
        });
        self
    }
    pub(crate) fn check(mut self, name: Option<&str>, expression: &str) -> Self {
        self.t.checks.push(Check {
            name: name.map(Into::into),
            expression: expression.into(),
            no_inherit: false,
            not_valid: false,
        });
        self
    }
    pub(crate) fn index(mut self, name: &str, columns: &[&str]) -> Self {
        let parts = columns
            .iter()
            .map(|c| IndexPart::column(c.to_string()))
            .collect();
        self.t.indexes.push(Index {
            name: name.into(),
            unique: false,
            parts,
            include: Vec::new(),
            predicate: None,
            method: None,
            comment: None,
            nulls_not_distinct: false,
            storage: None,
        });
        self
    }
    pub(crate) fn index_with(mut self, index: Index) -> Self {
        self.t.indexes.push(index);
        self
    }
    pub(crate) fn comment(mut self, comment: &str) -> Self {
        self.t.comment = Some(comment.into());
        self
    }
    pub(crate) fn build(self) -> Table {
        self.t
    }
}

/// `schema` as far as the diff's contract goes: column order is not kept
/// (ADD COLUMN appends), types compare in normalized form, and constraint names are not compared when the
/// constraints' contents match.
pub(crate) fn comparable(schema: &Schema) -> Schema {
    let mut s = schema.clone();
    for t in &mut s.tables {
        t.columns.sort_by(|a, b| a.name.cmp(&b.name));
        for c in &mut t.columns {
            c.data_type.raw = c.data_type.normalized.clone();
        }
        if let Some(pk) = &mut t.primary_key {
            pk.name = None;
        }
        t.uniques.iter_mut().for_each(|u| u.name = None);
        t.foreign_keys.iter_mut().for_each(|f| f.name = None);
        t.checks.iter_mut().for_each(|c| c.name = None);
    }
    s.canonicalize();
    s
}
