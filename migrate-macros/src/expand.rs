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
    Ok(emit(&set, &files))
}

/// The crate being compiled. `MIGRATE_MACROS_MANIFEST_DIR` overrides it for
/// trybuild, which compiles test cases in a scratch crate under `target/`.
fn manifest_dir() -> Option<PathBuf> {
    std::env::var_os("MIGRATE_MACROS_MANIFEST_DIR")
        .or_else(|| std::env::var_os("CARGO_MANIFEST_DIR"))
        .map(PathBuf::from)
}

fn emit(set: &MigrationSet, files: &[SourceFile]) -> TokenStream {
    let graph = set.graph();
    let includes = files.iter().map(|f| {
        let path = f.path.to_string_lossy();
        quote!(
            const _: &[u8] = ::core::include_bytes!(#path);
        )
    });
    let migrations = set.revisions().iter().enumerate().map(|(i, rev)| {
        let id = &rev.id;
        let file = &rev.file_name;
        let message = rev.message();
        let parents = &rev.parents;
        let depends = &rev.depends_on;
        let labels = &rev.branch_labels;
        let up = &rev.up.sql;
        let up_tx = rev.up.transaction;
        let (down, down_tx) = match &rev.down {
            Down::Sql(s) => {
                let sql = &s.sql;
                (quote!(::core::option::Option::Some(#sql)), s.transaction)
            }
            Down::Irreversible => (quote!(::core::option::Option::None), true),
        };
        let checksum = rev.checksum.0;
        let order = graph.position(i) as u32;
        quote! {
            ::migrate_runtime::Migration::__new(
                #id, #file, #message,
                &[#(#parents),*], &[#(#depends),*], &[#(#labels),*],
                #up, #up_tx, #down, #down_tx,
                [#(#checksum),*], #order,
            )
        }
    });
    quote! {
        {
            #(#includes)*
            ::migrate_runtime::Migrations::__embedded(&[#(#migrations),*])
        }
    }
}
