//! Squash revisions in the graph: both layouts (replaced files present or
//! deleted), and every rule `migrations!` and `check` enforce.

use crate::{load, DownText, GraphError, RevisionFile, SectionText, SourceFile, ValidationError};

fn file(id: &str, parents: &str, replaces: Option<&str>) -> SourceFile {
    let list = |ids: &str| {
        ids.split(", ")
            .filter(|s| !s.is_empty())
            .map(str::to_owned)
            .collect()
    };
    let mut file = RevisionFile::new(id);
    file.parents = list(parents);
    file.replaces = replaces.map_or_else(Vec::new, list);
    file.up = SectionText::new("SELECT 1;\n");
    file.down = DownText::Sql(SectionText::new("SELECT 1;\n"));
    SourceFile::new(format!("{id}.sql"), file.render())
}

/// r1 <- r2 <- r3 <- r4 <- r5, squashed at r3 by `s3`.
fn chain(with_replaced: bool) -> Vec<SourceFile> {
    let mut files = vec![
        file("r4", "r3", None),
        file("r5", "r4", None),
        file("s3", "r3", Some("r1, r2, r3")),
    ];
    if with_replaced {
        files.extend([
            file("r1", "", None),
            file("r2", "r1", None),
            file("r3", "r2", None),
        ]);
    }
    files
}

fn errors(files: &[SourceFile]) -> Vec<ValidationError> {
    load(files).expect_err("invalid").0
}

fn graph_error(e: &ValidationError) -> &GraphError {
    match e {
        ValidationError::Graph { error, .. } => error,
        other => panic!("not a graph error: {other:?}"),
    }
}

#[test]
fn with_the_replaced_files_the_squash_follows_them() {
    let set = load(&chain(true)).unwrap();
    let g = set.graph();
    let order: Vec<&str> = g.order().iter().map(|&i| g.id(i)).collect();
    assert_eq!(order, ["r1", "r2", "r3", "s3", "r4", "r5"]);
    let s = g.index_of("s3").unwrap();
    assert_eq!(g.parents(g.index_of("r4").unwrap()), [s]);
    assert_eq!(g.heads().len(), 1);
    assert!(g.is_squash(s));
    assert_eq!(g.replaced_by("r2"), Some(s));
    let squashes = g.squashes();
    assert_eq!(squashes.len(), 1);
    let members: Vec<&str> = squashes[0].1.iter().map(|&i| g.id(i)).collect();
    assert_eq!(members, ["r1", "r2", "r3"]);
}

#[test]
fn without_them_the_squash_is_a_base() {
    let set = load(&chain(false)).unwrap();
    let g = set.graph();
    let order: Vec<&str> = g.order().iter().map(|&i| g.id(i)).collect();
    assert_eq!(order, ["s3", "r4", "r5"]);
    let s = g.index_of("s3").unwrap();
    assert!(g.parents(s).is_empty());
    assert_eq!(g.replaced_by("r1"), Some(s));
    assert!(g.squashes()[0].1.is_empty());
}

#[test]
fn deleting_some_replaced_files_is_refused_naming_them() {
    let mut files = chain(false);
    files.push(file("r3", "r2", None));
    let errs = errors(&files);
    let partial = errs
        .iter()
        .find(|e| matches!(graph_error(e), GraphError::SquashPartial { .. }))
        .expect("a partial-deletion error");
    assert_eq!(partial.file(), "s3.sql");
    assert_eq!(partial.line(), 3);
    let text = partial.to_string();
    assert!(
        text.contains("`r1`, `r2`") && text.contains("git checkout"),
        "{text}"
    );
}

#[test]
fn the_list_must_be_the_whole_prefix() {
    let mut files = chain(true);
    files.retain(|f| f.name != "s3.sql");
    files.push(file("s3", "r3", Some("r2, r3")));
    let errs = errors(&files);
    let text = errs[0].to_string();
    assert!(
        matches!(graph_error(&errs[0]), GraphError::SquashNotPrefix { missing, .. } if missing == &["r1"]),
        "{text}"
    );
    assert!(text.contains("does not list `r1`"), "{text}");

    files.retain(|f| f.name != "s3.sql");
    files.push(file("s3", "r2", Some("r1, r2, r3")));
    let errs = errors(&files);
    assert!(
        errs.iter().any(|e| matches!(graph_error(e), GraphError::SquashNotPrefix { extra, .. } if extra == &["r3"])),
        "{errs:?}"
    );
}

#[test]
fn a_squash_revises_its_last_replaced_revision() {
    let mut files = chain(true);
    files.retain(|f| f.name != "s3.sql");
    files.push(file("s3", "r4", Some("r1, r2, r3")));
    let errs = errors(&files);
    let e = errs
        .iter()
        .find(|e| matches!(graph_error(e), GraphError::SquashRevises { .. }))
        .expect("a revises error");
    assert_eq!((e.file(), e.line()), ("s3.sql", 2));
    assert!(e.to_string().contains("Revises: <last replaced id>"), "{e}");
}

#[test]
fn nothing_may_branch_from_inside_a_squash() {
    let mut files = chain(true);
    files.push(file("b1", "r2", None));
    let errs = errors(&files);
    let e = errs
        .iter()
        .find(|e| matches!(graph_error(e), GraphError::SquashBranch { .. }))
        .expect("a branch error");
    assert_eq!(e.file(), "b1.sql");
    assert!(e.to_string().contains("names `r2`"), "{e}");
    // Once the replaced files are gone, the same reference means the squash.
    let mut files = chain(false);
    files.push(file("b1", "r2", None));
    let set = load(&files).map(|_| ()).unwrap_err();
    // b1 and r5 are two unlabelled heads now; that is the only complaint.
    assert!(
        matches!(set.0[0], ValidationError::UnmergedHeads { .. }),
        "{set}"
    );
}

#[test]
fn a_revision_is_squashed_once() {
    let mut files = chain(true);
    files.push(file("t3", "r3", Some("r1, r2, r3")));
    let errs = errors(&files);
    assert!(
        errs.iter()
            .any(|e| matches!(graph_error(e), GraphError::SquashOverlap { .. })),
        "{errs:?}"
    );
}

#[test]
fn a_squash_of_a_squash_needs_the_inner_files_gone() {
    let mut files = chain(true);
    files.push(file("s5", "r5", Some("s3, r4, r5")));
    let errs = errors(&files);
    assert!(
        errs.iter()
            .any(|e| matches!(graph_error(e), GraphError::SquashNested { .. })),
        "{errs:?}"
    );
    let mut files = chain(false);
    files.push(file("s5", "r5", Some("s3, r4, r5")));
    let set = load(&files).unwrap();
    let g = set.graph();
    assert_eq!(
        g.order().iter().map(|&i| g.id(i)).collect::<Vec<_>>(),
        ["s3", "r4", "r5", "s5"]
    );
    files.retain(|f| !["s3.sql", "r4.sql", "r5.sql"].contains(&f.name.as_str()));
    let set = load(&files).unwrap();
    assert_eq!(set.graph().len(), 1);
}

#[test]
fn plans_run_the_squash_alone_or_collapse() {
    let set = load(&chain(true)).unwrap();
    let g = set.graph();
    let ids = |plan: &[usize]| plan.iter().map(|&i| g.id(i)).collect::<Vec<_>>();
    let head: crate::Spec = "head".parse().unwrap();
    let s = g.index_of("s3").unwrap();

    // Fresh: the squash alone, then what follows it.
    let fresh = g.applied_from_ids::<&str>([]).unwrap();
    let plan = g.squash_upgrade(g.plan_upgrade(&head, &fresh).unwrap(), &fresh);
    assert_eq!(ids(&plan), ["s3", "r4", "r5"]);
    assert!(!g.collapses(s, &fresh));

    // Part-way: the rest of the replaced revisions, then the collapse.
    let at_r1 = g.applied_from_ids(["r1"]).unwrap();
    let plan = g.squash_upgrade(g.plan_upgrade(&head, &at_r1).unwrap(), &at_r1);
    assert_eq!(ids(&plan), ["r2", "r3", "s3", "r4", "r5"]);
    assert!(g.collapses(s, &at_r1));

    // All recorded: the squash counts as applied, its collapse pending.
    let mut all = g.applied_from_ids(["r1", "r2", "r3", "r4"]).unwrap();
    assert_eq!(g.with_squashes(&mut all), [s]);
    assert_eq!(ids(&g.heads_of(&all)), ["r4"]);
    assert_eq!(ids(&g.in_order(&g.canonical_rows(&all))), ["s3", "r4"]);

    // A recorded squash stands for what it replaces.
    let rows = g.applied_from_ids(["s3", "r4"]).unwrap();
    let mut applied = rows.clone();
    assert!(g.with_squashes(&mut applied).is_empty());
    assert_eq!(applied.count(), 5);
    let base: crate::Spec = "base".parse().unwrap();
    let down = g
        .squash_downgrade(g.plan_downgrade(&base, &applied).unwrap(), &rows)
        .unwrap();
    assert_eq!(ids(&down), ["r4", "s3"]);
    let inside: crate::Spec = "r2".parse().unwrap();
    let err = g
        .squash_downgrade(g.plan_downgrade(&inside, &applied).unwrap(), &rows)
        .unwrap_err();
    assert!(err.to_string().contains("cannot stop at"), "{err}");

    // Not recorded as a row: reverting it is the replaced revisions' job.
    let rows = g.applied_from_ids(["r1", "r2", "r3", "r4"]).unwrap();
    let mut applied = rows.clone();
    g.with_squashes(&mut applied);
    let down = g
        .squash_downgrade(g.plan_downgrade(&base, &applied).unwrap(), &rows)
        .unwrap();
    assert_eq!(ids(&down), ["r4", "r3", "r2", "r1"]);
}

#[test]
fn where_a_new_squash_may_end() {
    let set = load(&chain(false)).unwrap();
    let g = set.graph();
    let ids = |v: Vec<usize>| {
        v.into_iter()
            .map(|i| g.id(i).to_owned())
            .collect::<Vec<_>>()
    };
    // Over an earlier squash whose files are gone: fine.
    assert_eq!(
        ids(g.squash_prefix(g.index_of("r4").unwrap()).unwrap()),
        ["s3", "r4"]
    );

    let set = load(&chain(true)).unwrap();
    let g = set.graph();
    let err = g.squash_prefix(g.index_of("r4").unwrap()).unwrap_err();
    assert!(
        matches!(err, crate::SquashPointError::Nested { .. }),
        "{err}"
    );
    let err = g.squash_prefix(g.index_of("r2").unwrap()).unwrap_err();
    assert!(
        matches!(err, crate::SquashPointError::Replaced { .. }),
        "{err}"
    );

    // A branch off the middle of the prefix.
    let files = vec![
        file("a1", "", None),
        file("b2", "a1", None),
        file("c3", "b2", None),
        file("x1", "a1", None),
        file("m4", "c3, x1", None),
    ];
    let set = load(&files).unwrap();
    let g = set.graph();
    let err = g.squash_prefix(g.index_of("b2").unwrap()).unwrap_err();
    assert!(
        err.to_string().contains("x1") && err.to_string().contains("a1"),
        "{err}"
    );
    assert_eq!(g.squash_prefix(g.index_of("m4").unwrap()).unwrap().len(), 5);
}
