//! Reading, validating and emitting the embedded set.

use crate::input::Input;
use migrate_graph::{Down, MigrationSet, SourceFile};
use proc_macro2::TokenStream;
use quote::quote;
use std::path::PathBuf;

pub(crate) fn expand(input: Input) -> syn::Result<TokenStream> {
    let span = input.span;
    let err = |msg: String| syn::Error::new(span, msg);
    if std::path::Path::new(&input.dir).is_absolute() {
        return Err(err(format!(
            "`{}` is absolute; give the migrations directory relative to the crate's Cargo.toml, e.g. \"migrations\"",
            input.dir
        )));
    }
    let manifest_dir = manifest_dir()
        .ok_or_else(|| err("CARGO_MANIFEST_DIR is not set; build with cargo".to_owned()))?;
    let dir = manifest_dir.join(&input.dir);
    let files = migrate_graph::read_dir(&dir).map_err(|e| match e {
        migrate_graph::SourceError::NotFound { .. } => err(format!(
            "migrations!: directory `{}` does not exist (paths are relative to the crate's Cargo.toml); create it with `cargo migrate init` or fix the path",
            input.dir
        )),
        e => err(format!("migrations!: {e}")),
    })?;
    crate::track::check(&manifest_dir, &input.dir).map_err(|e| err(format!("migrations!: {e}")))?;
    let set = migrate_graph::load(&files).map_err(|errors| {
        let prefix = input.dir.trim_end_matches('/');
        errors
            .0
            .iter()
            .map(|e| {
                syn::Error::new(
                    span,
                    format!("{prefix}/{}:{}: {}", e.file(), e.line(), e.message()),
                )
            })
            .reduce(|mut all, e| {
                all.combine(e);
                all
            })
            .expect("an error")
    })?;
    if let Some(dialect) = input.dialect {
        check_sql(&input, &set, dialect)?;
    }
    Ok(emit(&input.runtime, &set, &files))
}

/// The opt-in build-time check: every section parsed with `dialect`'s
/// grammar (migrate-lint's parse, the one `cargo migrate lint` uses), every
/// syntax error reported with its file, line and column.
#[cfg(feature = "sql-check")]
fn check_sql(
    input: &Input,
    set: &MigrationSet,
    dialect: migrate_graph::Dialect,
) -> syn::Result<()> {
    let prefix = input.dir.trim_end_matches('/');
    set.revisions()
        .iter()
        .flat_map(|rev| migrate_lint::check_syntax(rev, dialect))
        .map(|e| {
            syn::Error::new(
                input.span,
                format!(
                    "{prefix}/{}:{}:{}: {dialect} syntax error: {}; fix the statement, or put `-- migrate:unchecked` in the file's header if the parser is wrong",
                    e.file, e.line, e.column, e.message
                ),
            )
        })
        .reduce(|mut all, e| {
            all.combine(e);
            all
        })
        .map_or(Ok(()), Err)
}

/// Without the `sql-check` feature the option cannot be honoured: say how
/// to enable it rather than ignore it.
#[cfg(not(feature = "sql-check"))]
fn check_sql(
    input: &Input,
    _set: &MigrationSet,
    _dialect: migrate_graph::Dialect,
) -> syn::Result<()> {
    Err(syn::Error::new(
        input.span,
        "`dialect = ...` parses every migration at build time, which needs the `sql-check` feature: `migrate-runtime = { version = \"0.1\", features = [\"sql-check\"] }`",
    ))
}

/// The crate being compiled. `MIGRATE_MACROS_MANIFEST_DIR` overrides it for
/// trybuild, which compiles test cases in a scratch crate under `target/`.
fn manifest_dir() -> Option<PathBuf> {
    std::env::var_os("MIGRATE_MACROS_MANIFEST_DIR")
        .or_else(|| std::env::var_os("CARGO_MANIFEST_DIR"))
        .map(PathBuf::from)
}

/// The set as one expression. Every path starts at `rt`, the runtime crate
/// as the caller names it. The list is a `const` so that its temporaries live
/// for the whole program wherever the expression is used.
fn emit(rt: &TokenStream, set: &MigrationSet, files: &[SourceFile]) -> TokenStream {
    let graph = set.graph();
    let includes = files.iter().map(|f| {
        let path = f.path.to_string_lossy();
        quote!(
            const _: &[u8] = ::core::include_bytes!(#path);
        )
    });
    let ids = |list: &[String]| quote!(&[#(#rt::__private::Cow::Borrowed(#list)),*]);
    let migrations = set.revisions().iter().enumerate().map(|(i, rev)| {
        let id = &rev.id;
        let file_name = &rev.file_name;
        let message = rev.message();
        let parents = ids(&rev.parents);
        let depends_on = ids(&rev.depends_on);
        let branch_labels = ids(&rev.branch_labels);
        let replaces = ids(&rev.replaces);
        let up = &rev.up.sql;
        let up_transaction = rev.up.transaction;
        let (down, down_transaction) = match &rev.down {
            Down::Sql(s) => {
                let sql = &s.sql;
                (quote!(::core::option::Option::Some(#sql)), s.transaction)
            }
            Down::Irreversible => (quote!(::core::option::Option::None), true),
        };
        let checksum = rev.checksum.0;
        let order = graph.position(i) as u32;
        quote! {
            #rt::__private::migration(#rt::__private::RawMigration {
                id: #id,
                file_name: #file_name,
                message: #message,
                parents: #parents,
                depends_on: #depends_on,
                branch_labels: #branch_labels,
                replaces: #replaces,
                up: #up,
                up_transaction: #up_transaction,
                down: #down,
                down_transaction: #down_transaction,
                checksum: [#(#checksum),*],
                order: #order,
            })
        }
    });
    quote! {
        {
            #(#includes)*
            const MIGRATIONS: &[#rt::__private::Migration] = &[#(#migrations),*];
            #rt::__private::set(MIGRATIONS)
        }
    }
}
