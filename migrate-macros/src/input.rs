//! Parsing the macro's argument.

use proc_macro2::{TokenStream, TokenTree};
use quote::quote;
use syn::parse::{Parse, ParseStream};
use syn::LitStr;

/// `[RUNTIME ;] ["dir"]`.
pub(crate) struct Input {
    /// The path generated code names the runtime by: `$crate` when called
    /// through `migrate_runtime::migrations!` (so a renamed dependency works),
    /// else `::migrate_runtime`.
    pub(crate) runtime: TokenStream,
    /// The directory as written, relative to the manifest directory.
    pub(crate) dir: String,
    /// Where errors point: the literal, or the whole call when omitted.
    pub(crate) span: proc_macro2::Span,
}

impl Parse for Input {
    fn parse(input: ParseStream) -> syn::Result<Self> {
        let runtime = runtime_path(input)?;
        if input.is_empty() {
            return Ok(Input {
                runtime,
                dir: "migrations".to_owned(),
                span: proc_macro2::Span::call_site(),
            });
        }
        let lit: LitStr = input.parse()?;
        let _: Option<syn::Token![,]> = input.parse()?;
        if !input.is_empty() {
            return Err(input.error("expected one string literal: the migrations directory, e.g. `migrations!(\"migrations\")`"));
        }
        Ok(Input {
            runtime,
            dir: lit.value(),
            span: lit.span(),
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
        assert!(err(quote!(::mr; "a" "b")).starts_with("expected one string literal"));
    }
}
