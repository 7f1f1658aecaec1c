//! The `migrations!` macro: reads a migration directory at compile time,
//! validates the whole revision graph with `migrate-graph`, and embeds it.
//!
//! A broken chain is a compile error that names the file, the line and the fix.
//! Use it through `migrate-runtime`: its `migrations!` calls this one with
//! `$crate` in front (`migrations!($crate; "dir")`), and every path the
//! expansion names starts there, at `$crate::__private`. So the application
//! may rename the runtime dependency, and need not depend on this crate.
//!
//! # Imports
//!
//! `expand`, `test_attr` → `input`, `track`

mod expand;
mod input;
mod test_attr;
mod track;

use proc_macro::TokenStream;

/// Validates and embeds a migration directory as a `migrate_runtime::Migrations`.
///
/// The input is `[RUNTIME ;] ["dir"]`: the path of the runtime crate (given
/// by `migrate_runtime::migrations!`; `::migrate_runtime` when absent), then
/// the directory. The path is relative to `CARGO_MANIFEST_DIR` (default `"migrations"`). Every
/// file is included with `include_bytes!`, so editing one rebuilds the crate;
/// additions and deletions are seen through the build script line
/// `cargo:rerun-if-changed=<dir>`, which this macro checks is present.
#[proc_macro]
pub fn migrations(input: TokenStream) -> TokenStream {
    let input = syn::parse_macro_input!(input as input::Input);
    expand::expand(input)
        .unwrap_or_else(|errors| {
            // Several `compile_error!`s are not one expression; a block holding
            // them, typed by `unreachable!`, reports them all and nothing else.
            let errors = errors.into_compile_error();
            quote::quote!({ #errors ::core::unreachable!() })
        })
        .into()
}

/// Makes an `async fn` test run on its own freshly migrated database; use
/// it as `#[migrate_devtools::test(migrations = MIGRATIONS)]` (see
/// `migrate_devtools::testing`).
///
/// Options: `migrations = EXPR` (required: anything that borrows as a
/// `&'static Migrations`), `at = "rev"` (migrate only up to that target),
/// `crate = path` (the devtools crate's name, default `::migrate_devtools`).
/// The function takes one argument, a `TestDb`, and returns `()` or a
/// `Result`.
#[proc_macro_attribute]
pub fn test(args: TokenStream, item: TokenStream) -> TokenStream {
    test_attr::expand(args.into(), item.into()).into()
}
