//! Fuzz target bodies, shared by the cargo-fuzz binaries in `fuzz_targets/` and
//! by the corpus regression test that CI runs on stable Rust
//! (`tests/e2e/fuzz_corpus.rs`). Each body checks invariants, not just "no panic".

use migrate_graph::{load, load_unmerged, Applied, Graph, Node, SourceFile, Spec, Target};

/// One file: decode, parse, validate. Errors must point inside the file.
pub fn parse(data: &[u8]) {
    let files = [SourceFile::new("fuzz.sql", data.to_vec())];
    match load_unmerged(&files) {
        Ok(set) => {
            assert_eq!(set.revisions().len(), 1);
            let rev = &set.revisions()[0];
            assert!(migrate_graph::is_valid_id(&rev.id));
            assert_eq!(
                rev.checksum,
                migrate_graph::Checksum::of(std::str::from_utf8(data).unwrap())
            );
        }
        Err(errors) => {
            let lines = data.split(|&b| b == b'\n').count();
            for e in &errors.0 {
                assert_eq!(e.file(), "fuzz.sql");
                assert!(
                    e.line() >= 1 && e.line() <= lines.max(1),
                    "line {} of {lines}: {e}",
                    e.line()
                );
                assert!(!e.message().is_empty());
            }
        }
    }
}

/// Several files separated by `\n====\n`: the whole validator and the graph.
pub fn validate(data: &[u8]) {
    let text = String::from_utf8_lossy(data);
    let files: Vec<SourceFile> = text
        .split("\n====\n")
        .take(32)
        .enumerate()
        .map(|(i, t)| SourceFile::new(format!("{i:03}.sql"), t.as_bytes().to_vec()))
        .collect();
    let strict = load(&files);
    match load_unmerged(&files) {
        Ok(set) => {
            let g = set.graph();
            check_graph(g);
            if strict.is_err() {
                assert!(
                    g.heads().len() > 1,
                    "only rule 5 separates load from load_unmerged"
                );
            }
        }
        Err(errors) => {
            assert!(strict.is_err());
            assert!(!errors.0.is_empty());
        }
    }
}

/// The first line is a target; the rest picks which revisions are applied on
/// a fixed graph with branches, labels, a merge and a cross-branch dependency.
pub fn target(data: &[u8]) {
    let text = String::from_utf8_lossy(data);
    let (target, rest) = text.split_once('\n').unwrap_or((&text, ""));
    let g = fixture();
    let mut heads = Vec::new();
    for (i, b) in rest.bytes().take(4).enumerate() {
        heads.push((b as usize + i) % g.len());
    }
    let applied = g.ancestors(heads);
    match Target::parse(target) {
        Ok(Target::Single(spec)) => single(&g, &spec, &applied),
        Ok(Target::Range(range)) => {
            let _ = g.plan_offline(&range, true);
            let _ = g.plan_offline(&range, false);
            let _ = g.history_range(&range, &applied);
        }
        Err(e) => {
            // Whatever was typed, the message echoes at most 80 characters of it.
            assert!(e.to_string().len() <= target.len().min(80 * 4) + 300, "{e}");
        }
    }
}

fn single(g: &Graph, spec: &Spec, applied: &Applied) {
    if let Ok(plan) = g.plan_upgrade(spec, applied) {
        assert!(
            plan.iter().all(|&i| !applied.contains(i)),
            "upgrade re-applies"
        );
        assert_topological(g, &plan, applied);
    }
    if let Ok(plan) = g.plan_downgrade(spec, applied) {
        assert!(
            plan.iter().all(|&i| applied.contains(i)),
            "downgrade reverts what is not applied"
        );
        let mut after = applied.clone();
        for &i in &plan {
            after.remove(i);
        }
        // What stays applied still has everything it needs.
        for i in after.iter() {
            assert!(
                g.ancestors([i]).iter().all(|a| after.contains(a)),
                "downgrade left a hole"
            );
        }
    }
    if let Ok(plan) = g.plan_stamp(std::slice::from_ref(spec), applied, false) {
        assert!(plan.insert.iter().all(|&i| !applied.contains(i)));
        assert!(plan.delete.iter().all(|&i| applied.contains(i)));
    }
    if let Ok(Some(i)) = g.resolve_one(spec, applied) {
        assert!(i < g.len());
    }
    // A lone spec is a range to it.
    let range = migrate_graph::Range {
        from: None,
        to: Some(spec.clone()),
    };
    let _ = g.plan_offline(&range, true);
    let _ = g.plan_offline(&range, false);
    let _ = g.history_range(&range, applied);
}

fn fixture() -> Graph {
    let n = |id: &'static str,
             parents: &[&'static str],
             deps: &[&'static str],
             labels: &[&'static str]| Node {
        id,
        file_name: id,
        parents: parents.to_vec(),
        depends_on: deps.to_vec(),
        branch_labels: labels.to_vec(),
        replaces: vec![],
    };
    Graph::build([
        n("a", &[], &[], &[]),
        n("b", &["a"], &[], &[]),
        n("c1", &["b"], &[], &["c1branch"]),
        n("d1", &["c1"], &[], &[]),
        n("c2", &["b"], &[], &["c2branch"]),
        n("d2", &["c2"], &["c1"], &[]),
        n("e", &["d1", "d2"], &[], &[]),
        n("x1", &[], &[], &["other"]),
        n("x2", &["x1"], &["b"], &[]),
    ])
    .expect("a valid fixture")
}

fn check_graph(g: &Graph) {
    let all = Applied::empty(g.len());
    assert_topological(g, g.order(), &all);
    for i in 0..g.len() {
        let is_head = g.children(i).is_empty() && g.dependents(i).is_empty();
        assert_eq!(is_head, g.heads().contains(&i));
    }
}

fn assert_topological(g: &Graph, plan: &[usize], before: &Applied) {
    let mut done = before.clone();
    for &i in plan {
        for &p in g.parents(i).iter().chain(g.depends_on(i)) {
            assert!(
                done.contains(p),
                "{} runs before its parent {}",
                g.id(i),
                g.id(p)
            );
        }
        done.insert(i);
    }
}
