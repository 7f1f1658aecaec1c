//! Parsing the macro's argument.

use syn::parse::{Parse, ParseStream};
use syn::LitStr;

/// `migrations!()` or `migrations!("dir")`.
pub(crate) struct Input {
    /// The directory as written, relative to the manifest directory.
    pub(crate) dir: String,
    /// Where errors point: the literal, or the whole call when omitted.
    pub(crate) span: proc_macro2::Span,
}

impl Parse for Input {
    fn parse(input: ParseStream) -> syn::Result<Self> {
        if input.is_empty() {
            return Ok(Input {
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
            dir: lit.value(),
            span: lit.span(),
        })
    }
}
