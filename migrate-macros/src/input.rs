//! Parsing the macro's argument.

use migrate_graph::Dialect;
use proc_macro2::{TokenStream, TokenTree};
use quote::quote;
use syn::parse::{Parse, ParseStream};
use syn::LitStr;

/// `[RUNTIME ;] ["dir" [, dialect = "postgres"]]`.
pub(crate) struct Input {
    /// The path generated code names the runtime by: `$crate` when called
    /// through `migrate_runtime::migrations!` (so a renamed dependency works),
    /// else `::migrate_runtime`.
    pub(crate) runtime: TokenStream,
    /// The directory as written, relative to the manifest directory.
    pub(crate) dir: String,
    /// Where errors point: the literal, or the whole call when omitted.
    pub(crate) span: proc_macro2::Span,
    /// `dialect = "..."`: parse every section with that dialect's grammar.
    pub(crate) dialect: Option<Dialect>,
}

impl Parse for Input {
    fn parse(input: ParseStream) -> syn::Result<Self> {
        let runtime = runtime_path(input)?;
        if input.is_empty() {
            return Ok(Input {
                runtime,
                dir: "migrations".to_owned(),
                span: proc_macro2::Span::call_site(),
                dialect: None,
            });
        }
        let lit: LitStr = input.parse()?;
        let _: Option<syn::Token![,]> = input.parse()?;
        let mut dialect = None;
        if input.peek(syn::Ident) {
            let key: syn::Ident = input.parse()?;
            if key != "dialect" {
                return Err(syn::Error::new(
                    key.span(),
                    "unknown option; the only option is `dialect = \"postgres\"` (or \"sqlite\", \"mysql\")",
                ));
            }
            let _: syn::Token![=] = input.parse()?;
            let name: LitStr = input.parse()?;
            dialect = Some(Dialect::from_name(&name.value()).ok_or_else(|| {
                syn::Error::new(
                    name.span(),
                    format!(
                        "unknown dialect `{}`; use \"sqlite\", \"postgres\" or \"mysql\"",
                        name.value()
                    ),
                )
            })?);
            let _: Option<syn::Token![,]> = input.parse()?;
        }
        if !input.is_empty() {
            return Err(input.error("expected the migrations directory and an optional `dialect = \"...\"`, e.g. `migrations!(\"migrations\", dialect = \"postgres\")`"));
        }
        Ok(Input {
            runtime,
            dir: lit.value(),
            span: lit.span(),
            dialect,
        })
    }
}

/// The tokens before a top-level `;`, consumed with it; `::migrate_runtime`
/// when there is none. A string literal never contains a top-level `;`, so
/// the user's own argument is never mistaken for the path.
fn runtime_path(input: ParseStream) -> syn::Result<TokenStream> {
    let has_prefix = input.fork().step(|cursor| {
        let mut rest = *cursor;
        while let Some((tt, next)) = rest.token_tree() {
            if matches!(&tt, TokenTree::Punct(p) if p.as_char() == ';') {
                return Ok((true, next));
            }
            rest = next;
        }
        Ok((false, rest))
    })?;
    if !has_prefix {
        return Ok(quote!(::migrate_runtime));
    }
    let mut path = TokenStream::new();
    while !input.peek(syn::Token![;]) {
        path.extend([input.parse::<TokenTree>()?]);
    }
    let _: syn::Token![;] = input.parse()?;
    Ok(path)
}

#[cfg(test)]
mod tests {
    use super::Input;
    use quote::quote;

    fn parse(tokens: proc_macro2::TokenStream) -> syn::Result<(String, String)> {
        let input: Input = syn::parse2(tokens)?;
        Ok((input.runtime.to_string(), input.dir))
    }

    #[test]
    fn the_runtime_path_comes_before_a_semicolon() {
        assert_eq!(
            parse(quote!(::mr; "db/migrations")).unwrap(),
            (":: mr".to_owned(), "db/migrations".to_owned())
        );
        assert_eq!(
            parse(quote!(::mr;)).unwrap(),
            (":: mr".to_owned(), "migrations".to_owned())
        );
    }

    #[test]
    fn without_one_it_is_migrate_runtime() {
        assert_eq!(
            parse(quote!("db")).unwrap(),
            (":: migrate_runtime".to_owned(), "db".to_owned())
        );
        assert_eq!(parse(quote!()).unwrap().1, "migrations");
    }

    #[test]
    fn anything_but_one_literal_is_refused() {
        let err = |tokens| parse(tokens).unwrap_err().to_string();
        assert_eq!(
            err(quote!(::mr; concat!("a", "b"))),
            "expected string literal"
        );
        assert_eq!(err(quote!(concat!("a", "b"))), "expected string literal");
        assert!(err(quote!(::mr; "a" "b")).starts_with("expected the migrations directory"));
        assert!(err(quote!("a", dialect = "oracle")).starts_with("unknown dialect `oracle`"));
        assert!(err(quote!("a", flavour = "pg")).starts_with("unknown option"));
    }

    #[test]
    fn a_dialect_may_follow_the_directory() {
        let input: Input = syn::parse2(quote!(::mr; "db", dialect = "postgresql",)).unwrap();
        assert_eq!(input.dir, "db");
        assert_eq!(input.dialect, Some(migrate_graph::Dialect::Postgres));
        let input: Input = syn::parse2(quote!("db")).unwrap();
        assert_eq!(input.dialect, None);
    }
}
