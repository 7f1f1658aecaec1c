//! `#[migrate_devtools::test(migrations = EXPR, at = "rev", crate = path)]`:
//! the `async fn` becomes a `#[test]` that runs it on its own database
//! through `<crate>::__private::testing::run`.
//!
//! The item is read as tokens (attributes, signature, body), so that syn's
//! `full` feature, and its compile time, stays out of the macro.

use proc_macro2::{Delimiter, Span, TokenStream, TokenTree};
use quote::{quote, quote_spanned};

/// The expansion, or a `compile_error!` at the offending tokens.
pub(crate) fn expand(args: TokenStream, item: TokenStream) -> TokenStream {
    match expand_inner(args, item) {
        Ok(tokens) => tokens,
        Err((span, message)) => quote_spanned!(span=> ::core::compile_error!(#message);),
    }
}

type Failure = (Span, String);

struct Args {
    migrations: TokenStream,
    at: TokenStream,
    krate: TokenStream,
}

fn parse_args(args: TokenStream) -> Result<Args, Failure> {
    let mut migrations = None;
    let mut at = quote!(::core::option::Option::None);
    let mut krate = quote!(::migrate_devtools);
    let tokens: Vec<TokenTree> = args.into_iter().collect();
    for part in tokens.split(|t| matches!(t, TokenTree::Punct(p) if p.as_char() == ',')) {
        let [key, eq, value @ ..] = part else {
            if let Some(t) = part.first() {
                return Err((t.span(), "expected `key = value`".into()));
            }
            continue;
        };
        if !matches!(eq, TokenTree::Punct(p) if p.as_char() == '=') || value.is_empty() {
            return Err((key.span(), "expected `key = value`".into()));
        }
        let value: TokenStream = value.iter().cloned().collect();
        match key.to_string().as_str() {
            "migrations" => migrations = Some(value),
            "at" => match part.get(2) {
                Some(TokenTree::Literal(l))
                    if part.len() == 3 && l.to_string().starts_with('"') =>
                {
                    at = quote!(::core::option::Option::Some(#l));
                }
                _ => return Err((key.span(), "`at` takes a string: `at = \"rev\"`".into())),
            },
            "crate" => krate = value,
            other => {
                return Err((
                    key.span(),
                    format!("unknown option `{other}`: expected `migrations`, `at` or `crate`"),
                ))
            }
        }
    }
    let migrations = migrations.ok_or_else(|| {
        (
            Span::call_site(),
            "name the migration set: `#[migrate_devtools::test(migrations = MIGRATIONS)]`".into(),
        )
    })?;
    Ok(Args {
        migrations,
        at,
        krate,
    })
}

fn expand_inner(args: TokenStream, item: TokenStream) -> Result<TokenStream, Failure> {
    let args = parse_args(args)?;
    let mut tokens: Vec<TokenTree> = item.into_iter().collect();
    let body = match tokens.pop() {
        Some(TokenTree::Group(g)) if g.delimiter() == Delimiter::Brace => g,
        other => {
            let span = other.map_or_else(Span::call_site, |t| t.span());
            return Err((span, "expected an `async fn` with a body".into()));
        }
    };
    // Outer attributes (`#` then `[...]`) stay on the generated `#[test]`.
    // `#[should_panic]` makes a panic the passing outcome: the runner must
    // know, to drop the database of a test that passed that way.
    let mut attrs = TokenStream::new();
    let mut should_panic = false;
    let mut i = 0;
    while let (Some(TokenTree::Punct(p)), Some(TokenTree::Group(g))) =
        (tokens.get(i), tokens.get(i + 1))
    {
        if p.as_char() != '#' || g.delimiter() != Delimiter::Bracket {
            break;
        }
        let path: Vec<String> = g
            .stream()
            .into_iter()
            .take_while(|t| {
                !matches!(t, TokenTree::Group(_))
                    && !matches!(t, TokenTree::Punct(p) if p.as_char() == '=')
            })
            .map(|t| t.to_string())
            .collect();
        if path.last().is_some_and(|last| last == "should_panic") {
            should_panic = true;
        }
        attrs.extend([tokens[i].clone(), tokens[i + 1].clone()]);
        i += 2;
    }
    let sig = &tokens[i..];
    let fn_at = sig
        .iter()
        .position(|t| matches!(t, TokenTree::Ident(id) if id == "fn"))
        .ok_or((body.span(), "expected an `async fn`".to_owned()))?;
    if !sig[..fn_at]
        .iter()
        .any(|t| matches!(t, TokenTree::Ident(id) if id == "async"))
    {
        return Err((
            sig[fn_at].span(),
            "a `#[migrate_devtools::test]` function must be `async fn`".into(),
        ));
    }
    let (Some(TokenTree::Ident(name)), Some(TokenTree::Group(params))) =
        (sig.get(fn_at + 1), sig.get(fn_at + 2))
    else {
        return Err((
            sig[fn_at].span(),
            "expected `async fn name(db: TestDb)`: no generics".into(),
        ));
    };
    if params.delimiter() != Delimiter::Parenthesis || params.stream().is_empty() {
        return Err((
            params.span(),
            "the test takes one argument, its database: `(db: TestDb)`".into(),
        ));
    }
    let output: TokenStream = sig[fn_at + 3..].iter().cloned().collect();
    let inner: TokenStream = sig.iter().cloned().collect();
    let Args {
        migrations,
        at,
        krate,
    } = args;
    let runner = if should_panic {
        quote!(run_should_panic)
    } else {
        quote!(run)
    };
    Ok(quote! {
        #attrs
        #[::core::prelude::v1::test]
        fn #name() #output {
            #inner #body
            // Named so that it cannot shadow a test called `migrations`.
            let __migrate_runtime_set: &'static #krate::__private::testing::Migrations =
                &#migrations;
            #krate::__private::testing::#runner(__migrate_runtime_set, #at, #name)
        }
    })
}

#[cfg(test)]
mod tests {
    use super::expand;
    use quote::quote;

    /// A `#[should_panic]` test's database is dropped when it panics: the
    /// runner must be told.
    #[test]
    fn should_panic_tests_get_the_runner_that_expects_a_panic() {
        let plain = expand(
            quote!(migrations = M),
            quote!(
                async fn t(db: TestDb) {}
            ),
        )
        .to_string();
        assert!(
            plain.contains(":: run (") && !plain.contains("run_should_panic"),
            "{plain}"
        );
        for attr in [
            quote!(#[should_panic]),
            quote!(#[should_panic(expected = "x")]),
        ] {
            let out = expand(
                quote!(migrations = M),
                quote!(#attr #[ignore] async fn t(db: TestDb) {}),
            )
            .to_string();
            assert!(out.contains("run_should_panic"), "{out}");
            assert!(out.contains("should_panic"), "{out}");
        }
    }
}
