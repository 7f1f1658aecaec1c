//! Parsed targets: ranges, `resolve_one`, and what messages quote.

use super::{build, idx, node, plan_up, state, NodeExt};
use crate::{Anchor, Applied, Graph, Range, Spec, Target, TargetError};

/// a; b:a; c1:b [c1branch]; c2:b [c2branch]
fn forked() -> Graph {
    build(vec![
        node("a", &[]),
        node("b", &["a"]),
        node("c1", &["b"]).labels(&["c1branch"]),
        node("c2", &["b"]).labels(&["c2branch"]),
    ])
}

#[test]
fn a_lone_spec_is_a_range_to_it() {
    assert_eq!(
        Range::parse(" b ").unwrap(),
        Range {
            from: None,
            to: Some(Anchor::Revision("b".into()).into())
        }
    );
    let r: Range = "a:".parse().unwrap();
    assert_eq!((r.from.is_some(), r.to.is_none()), (true, true));
    assert_eq!(r.to_string(), "a:");
    let r: Range = "-1:lbl@head".parse().unwrap();
    assert_eq!(r.to_string(), "-1:lbl@head");
}

#[test]
fn specs_display_as_typed_and_compare_by_meaning() {
    let typed: Spec = "lbl@head-01".parse().unwrap();
    assert_eq!(typed.to_string(), "lbl@head-01");
    assert_eq!(typed, Spec::new(Some("lbl".into()), Anchor::Head, -1));
    assert_eq!(
        Spec::new(Some("lbl".into()), Anchor::Head, -1).to_string(),
        "lbl@head-1"
    );
    assert_eq!(Spec::new(None, Anchor::Current, 2).to_string(), "+2");
    assert_eq!(Spec::from(Anchor::Heads).to_string(), "heads");
    for text in [
        "head", "heads", "base+3", "-2", "ae10-1", "x@base+2", "x@+1",
    ] {
        let spec: Spec = text.parse().unwrap();
        assert_eq!(spec.to_string(), text);
        assert_eq!(
            Spec::new(spec.branch.clone(), spec.anchor.clone(), spec.relative),
            spec
        );
    }
}

#[test]
fn resolve_one_names_one_revision_or_base() {
    let g = forked();
    let none = Applied::empty(g.len());
    let one = |t: &str| g.resolve_one(&t.parse().unwrap(), &none);
    assert_eq!(one("c1branch@head"), Ok(Some(idx(&g, "c1"))));
    assert_eq!(one("c2"), Ok(Some(idx(&g, "c2"))));
    assert_eq!(one("c2-2"), Ok(Some(idx(&g, "a"))));
    assert_eq!(one("c1branch"), Ok(Some(idx(&g, "c1"))));
    assert_eq!(one("base"), Ok(None));
    assert_eq!(one("a-1"), Ok(None));
    assert_eq!(one("c2branch@heads"), Ok(Some(idx(&g, "c2"))));
    let e = one("heads").unwrap_err();
    assert_eq!(
        e,
        TargetError::NotSingle {
            input: "heads".into(),
            revisions: vec!["c1 (c1)".into(), "c2 (c2)".into()],
        }
    );
    assert_eq!(
        e.to_string(),
        "`heads` names 2 revisions here (c1 (c1), c2 (c2)); give one of them"
    );
    assert!(matches!(
        one("head"),
        Err(TargetError::MultipleHeads { .. })
    ));
    // Relative to the database's state.
    let at_b = state(&g, &["b"]);
    assert_eq!(
        g.resolve_one(&"-1".parse().unwrap(), &at_b),
        Ok(Some(idx(&g, "a")))
    );
}

#[test]
fn messages_quote_exactly_the_argument() {
    // `::` is neither a spec nor a range; the message quotes all of it.
    for text in ["::", "a:b:c"] {
        let e = Target::parse(text).unwrap_err();
        assert!(matches!(e, TargetError::Syntax { .. }), "{e:?}");
        assert!(
            e.to_string().starts_with(&format!("`{text}` is not")),
            "{e}"
        );
        let e = Spec::parse(text).unwrap_err();
        assert!(
            e.to_string().starts_with(&format!("`{text}` is not")),
            "{e}"
        );
    }
    let e = Spec::parse("a:b").unwrap_err();
    assert_eq!(
        e,
        TargetError::RangeNotAllowed {
            input: "a:b".into()
        }
    );
    // A resolved spec quotes its own text, not a normalized one.
    let g = build(vec![node("a", &[]), node("b", &["a"])]);
    let e = plan_up(&g, "+05", &state(&g, &["a"])).unwrap_err();
    assert!(e.to_string().starts_with("`+05` goes past"), "{e}");
    let e = g
        .history_range(&Range::parse("a:zz9").unwrap(), &Applied::empty(g.len()))
        .unwrap_err();
    assert!(
        e.to_string()
            .starts_with("no revision or branch label matches `zz9`"),
        "{e}"
    );
}

#[test]
fn huge_targets_are_not_echoed_whole() {
    let g = build(vec![node("a", &[]), node("b", &["a"])]);
    let huge = "x".repeat(120 * 1024);
    let cases = [
        huge.clone(),
        format!("{huge} y"),
        format!("{huge}:head"),
        format!("head:{huge}"),
        format!("{huge}@head"),
        format!("+{huge}"),
    ];
    for text in &cases {
        let e = Target::parse(text)
            .and_then(|t| match t {
                Target::Single(s) => plan_up(&g, &s.to_string(), &Applied::empty(g.len())),
                Target::Range(r) => g.plan_offline(&r, true).map(|(_, p)| p),
            })
            .unwrap_err();
        let message = e.to_string();
        assert!(message.len() < 400, "{} bytes: {e:?}", message.len());
        assert!(message.contains("xxx..."), "{message}");
    }
}
