//! Target resolution on the graphs of Alembic's `test_version_traversal.py`.
//!
//! Each case gives the state as the heads a database is at, the target, the exact
//! revisions planned and the heads afterwards. Where Alembic's apply order differs
//! from ours (the design's file-name tie-break, a documented difference), the case
//! also lists Alembic's order and checks that the two are the same set.

use super::{
    after_downgrade, after_upgrade, build, head_ids, history, ids, idx, node, plan_down,
    plan_offline, plan_stamp, plan_up, state, NodeExt,
};
use crate::{Graph, TargetError};

#[track_caller]
fn upgrade(g: &Graph, target: &str, from: &[&str], expected: &[&str], heads: &[&str]) {
    let applied = state(g, from);
    let plan = plan_up(g, target, &applied)
        .unwrap_or_else(|e| panic!("upgrade {target} from {from:?}: {e}"));
    assert_eq!(ids(g, &plan), expected, "upgrade {target} from {from:?}");
    assert_eq!(
        head_ids(g, &after_upgrade(&applied, &plan)),
        heads,
        "heads after upgrade {target} from {from:?}"
    );
}

#[track_caller]
fn downgrade(g: &Graph, target: &str, from: &[&str], expected: &[&str], heads: &[&str]) {
    let applied = state(g, from);
    let plan = plan_down(g, target, &applied)
        .unwrap_or_else(|e| panic!("downgrade {target} from {from:?}: {e}"));
    assert_eq!(ids(g, &plan), expected, "downgrade {target} from {from:?}");
    assert_eq!(
        head_ids(g, &after_downgrade(&applied, &plan)),
        heads,
        "heads after downgrade {target} from {from:?}"
    );
}

/// Checks the stamp's rows and resulting heads; returns nothing because the rows
/// are the whole observable effect of a stamp.
#[track_caller]
fn stamp(
    g: &Graph,
    targets: &[&str],
    from: &[&str],
    insert: &[&str],
    delete: &[&str],
    heads: &[&str],
) {
    let applied = state(g, from);
    let plan = plan_stamp(g, targets, &applied, false)
        .unwrap_or_else(|e| panic!("stamp {targets:?} from {from:?}: {e}"));
    assert_eq!(
        ids(g, &plan.insert),
        insert,
        "rows inserted by stamp {targets:?} from {from:?}"
    );
    assert_eq!(
        ids(g, &plan.delete),
        delete,
        "rows deleted by stamp {targets:?} from {from:?}"
    );
    let after = after_upgrade(&after_downgrade(&applied, &plan.delete), &plan.insert);
    assert_eq!(
        head_ids(g, &after),
        heads,
        "heads after stamp {targets:?} from {from:?}"
    );
}

/// Alembic lists these revisions in another order; ours is asserted exactly by
/// the caller, this pins the set to Alembic's.
#[track_caller]
fn same_set_as_alembic(ours: &[&str], alembic: &[&str]) {
    let mut a = ours.to_vec();
    let mut b = alembic.to_vec();
    a.sort_unstable();
    b.sort_unstable();
    assert_eq!(a, b, "ours {ours:?} vs Alembic's {alembic:?}");
}

#[track_caller]
fn upgrade_err(g: &Graph, target: &str, from: &[&str]) -> TargetError {
    match plan_up(g, target, &state(g, from)) {
        Ok(plan) => panic!(
            "upgrade {target} from {from:?} should fail, planned {:?}",
            ids(g, &plan)
        ),
        Err(e) => e,
    }
}

#[track_caller]
fn downgrade_err(g: &Graph, target: &str, from: &[&str]) -> TargetError {
    match plan_down(g, target, &state(g, from)) {
        Ok(plan) => panic!(
            "downgrade {target} from {from:?} should fail, planned {:?}",
            ids(g, &plan)
        ),
        Err(e) => e,
    }
}

fn linear() -> Graph {
    build(vec![
        node("a", &[]),
        node("b", &["a"]),
        node("c", &["b"]),
        node("d", &["c"]),
        node("e", &["d"]),
    ])
}

/// a; b1:a; b2:a; c:(b1,b2); d:c
fn diamond() -> Graph {
    build(vec![
        node("a", &[]),
        node("b1", &["a"]),
        node("b2", &["a"]),
        node("c", &["b1", "b2"]),
        node("d", &["c"]),
    ])
}

/// Alembic's BranchedPathTest: a; b:a; c1:b [c1branch]; d1:c1; c2:b [c2branch]; d2:c2
fn branched() -> Graph {
    build(vec![
        node("a", &[]),
        node("b", &["a"]),
        node("c1", &["b"]).labels(&["c1branch"]),
        node("d1", &["c1"]),
        node("c2", &["b"]).labels(&["c2branch"]),
        node("d2", &["c2"]),
    ])
}

/// Alembic's MergedPathTest: the branched graph merged at e, then f.
fn merged() -> Graph {
    build(vec![
        node("a", &[]),
        node("b", &["a"]),
        node("c1", &["b"]),
        node("d1", &["c1"]),
        node("c2", &["b"]).labels(&["c2branch"]),
        node("d2", &["c2"]),
        node("e", &["d1", "d2"]),
        node("f", &["e"]),
    ])
}

/// Alembic's ForestTest: two unrelated roots.
fn forest() -> Graph {
    build(vec![
        node("a1", &[]),
        node("b1", &["a1"]),
        node("a2", &[]),
        node("b2", &["a2"]),
    ])
}

/// Alembic's DependsOnBranchTestThree (issue #377): dependencies criss-cross two lines.
fn crisscross() -> Graph {
    build(vec![
        node("a1", &[]),
        node("a2", &["a1"]),
        node("b1", &[]),
        node("b2", &["b1"]).depends_on(&["a2"]),
        node("b3", &["b2"]),
        node("a3", &["a2"]).depends_on(&["b1"]),
    ])
}

/// Alembic's BranchedPathTestCrossDependencies: d2 on the c2 branch depends on c1.
fn cross_dependencies() -> Graph {
    build(vec![
        node("a", &[]),
        node("b", &["a"]),
        node("c1", &["b"]).labels(&["c1branch"]),
        node("d1", &["c1"]),
        node("c2", &["b"]).labels(&["c2branch"]),
        node("d2", &["c2"]).depends_on(&["c1"]),
    ])
}

mod revision_path {
    use super::*;

    #[test]
    fn upgrade_and_downgrade_paths() {
        let g = linear();
        upgrade(&g, "e", &["c"], &["d", "e"], &["e"]);
        upgrade(&g, "c", &[], &["a", "b", "c"], &["c"]);
        upgrade(&g, "head", &[], &["a", "b", "c", "d", "e"], &["e"]);
        downgrade(&g, "c", &["e"], &["e", "d"], &["c"]);
        downgrade(&g, "base", &["c"], &["c", "b", "a"], &[]);
        downgrade(&g, "base", &[], &[], &[]);
    }

    #[test]
    fn downgrade_to_the_current_revision_is_a_no_op() {
        // Alembic #838 and #839: the target is applied, a head or not.
        let g = linear();
        downgrade(&g, "a", &["a"], &[], &["a"]);
        downgrade(&g, "e", &["e"], &[], &["e"]);
    }

    #[test]
    fn relative_upgrades() {
        let g = linear();
        upgrade(&g, "+2", &["a"], &["b", "c"], &["c"]);
        upgrade(&g, "+1", &["a"], &["b"], &["b"]);
        upgrade(&g, "+3", &["b"], &["c", "d", "e"], &["e"]);
        upgrade(&g, "b+2", &["a"], &["b", "c", "d"], &["d"]);
        upgrade(&g, "d-2", &["a"], &["b"], &["b"]);
    }

    #[test]
    fn relative_downgrades() {
        let g = linear();
        downgrade(&g, "-1", &["c"], &["c"], &["b"]);
        downgrade(&g, "-3", &["e"], &["e", "d", "c"], &["b"]);
        downgrade(&g, "a+2", &["d"], &["d"], &["c"]);
        downgrade(&g, "c-2", &["d"], &["d", "c", "b"], &["a"]);
    }

    #[test]
    fn relative_steps_in_the_wrong_direction_fail() {
        let g = linear();
        // Alembic: "Relative revision -2 didn't produce 2 migrations".
        let e = upgrade_err(&g, "-2", &["b"]);
        assert!(
            matches!(
                e,
                TargetError::RelativeCount {
                    expected: 2,
                    actual: 0,
                    ..
                }
            ),
            "{e:?}"
        );
        // Alembic says "+2 didn't produce 2 migrations"; ours names the real problem.
        let e = downgrade_err(&g, "+2", &["b"]);
        assert_eq!(
            e,
            TargetError::NotApplied {
                revision: "d (d)".into()
            }
        );
        // Alembic reports these as a count mismatch; we stop at the end of the chain.
        assert!(matches!(
            upgrade_err(&g, "+5", &["b"]),
            TargetError::PastEnd { .. }
        ));
        assert!(matches!(
            downgrade_err(&g, "-5", &["b"]),
            TargetError::PastEnd { .. }
        ));
    }

    #[test]
    fn downgrade_to_a_revision_not_applied_fails() {
        let g = linear();
        let e = downgrade_err(&g, "b", &[]);
        assert_eq!(
            e,
            TargetError::NotApplied {
                revision: "b (b)".into()
            }
        );
        let e = downgrade_err(&g, "c", &["b"]);
        assert_eq!(
            e,
            TargetError::NotApplied {
                revision: "c (c)".into()
            }
        );
        assert!(e.to_string().contains("upgrade c"), "{e}");
    }

    #[test]
    fn stamp_to_base_deletes_everything() {
        let g = linear();
        stamp(&g, &["base"], &["d"], &[], &["d", "c", "b", "a"], &[]);
    }
}

mod diamond {
    use super::*;

    #[test]
    fn upgrade_head_from_base() {
        let g = diamond();
        upgrade(&g, "head", &[], &["a", "b1", "b2", "c", "d"], &["d"]);
    }

    #[test]
    fn downgrade_to_one_side_of_the_merge() {
        let g = diamond();
        // b2 is not built on b1, so it stays: both sides of the merge are heads again.
        downgrade(&g, "b1", &["d"], &["d", "c"], &["b1", "b2"]);
        downgrade(&g, "b2", &["d"], &["d", "c"], &["b1", "b2"]);
    }

    #[test]
    fn downgrade_base() {
        let g = diamond();
        downgrade(&g, "base", &["d"], &["d", "c", "b2", "b1", "a"], &[]);
    }

    #[test]
    fn minus_one_through_the_merge_point_names_both_parents() {
        let g = diamond();
        let e = downgrade_err(&g, "-2", &["d"]);
        let TargetError::MergePoint { at, options, .. } = &e else {
            panic!("{e:?}")
        };
        assert_eq!(at, "c (c)");
        assert_eq!(options, &["b1 (b1)", "b2 (b2)"]);
    }
}

mod branched {
    use super::*;

    #[test]
    fn upgrade_single_branch() {
        upgrade(&branched(), "d1", &["b"], &["c1", "d1"], &["d1"]);
    }

    #[test]
    fn upgrade_multiple_branches() {
        let g = branched();
        let ours = ["b", "c1", "c2", "d1", "d2"];
        upgrade(&g, "heads", &["a"], &ours, &["d1", "d2"]);
        same_set_as_alembic(&ours, &["b", "c2", "d2", "c1", "d1"]);
    }

    #[test]
    fn downgrade_multiple_branches() {
        let g = branched();
        let ours = ["d2", "d1", "c2", "c1", "b"];
        downgrade(&g, "a", &["d1", "d2"], &ours, &["a"]);
        same_set_as_alembic(&ours, &["d1", "c1", "d2", "c2", "b"]);
    }

    #[test]
    fn label_base_plus_two_reverts_only_that_branch() {
        // Alembic PR #763: only c2branch goes back to base+2 = b.
        downgrade(
            &branched(),
            "c2branch@base+2",
            &["d2", "d1"],
            &["d2", "c2"],
            &["d1"],
        );
    }

    #[test]
    fn label_base_plus_three_is_c2() {
        let g = branched();
        downgrade(&g, "c2branch@base+3", &["d2", "d1"], &["d2"], &["c2", "d1"]);
    }

    #[test]
    fn base_plus_two_without_label_reverts_everything_above_b() {
        let g = branched();
        let ours = ["d2", "d1", "c2", "c1"];
        downgrade(&g, "base+2", &["d2", "d1"], &ours, &["b"]);
        same_set_as_alembic(&ours, &["d1", "c1", "d2", "c2"]);
    }

    #[test]
    fn downgrade_to_c2_reverts_only_d2() {
        downgrade(&branched(), "c2", &["d2", "d1"], &["d2"], &["c2", "d1"]);
    }

    #[test]
    fn relative_upgrade_from_a_label_head() {
        upgrade(&branched(), "c2branch@head-1", &["b"], &["c2"], &["c2"]);
    }

    #[test]
    fn relative_to_the_current_revision_of_a_label() {
        let g = branched();
        downgrade(&g, "c1branch@-1", &["d1", "d2"], &["d1"], &["c1", "d2"]);
        downgrade(&g, "c1branch@head-1", &["d1", "d2"], &["d1"], &["c1", "d2"]);
    }

    #[test]
    fn relative_to_a_revision_ignores_other_heads() {
        // Alembic #765: the result must not depend on the order heads are listed.
        let g = branched();
        downgrade(&g, "d2-1", &["d2", "c1"], &["d2"], &["c1", "c2"]);
        downgrade(&g, "d2-1", &["c1", "d2"], &["d2"], &["c1", "c2"]);
    }

    #[test]
    fn label_at_revision_downgrades_one_branch() {
        let g = branched();
        downgrade(&g, "c1branch@b", &["c1", "d2"], &["c1"], &["d2"]);
        // The label sits on c2, below the head d2.
        downgrade(&g, "c2branch@b", &["c1", "d2"], &["d2", "c2"], &["c1"]);
        // A revision on the branch names it as well as a label does.
        downgrade(&g, "c2@b", &["d1", "d2"], &["d2", "c2"], &["d1"]);
        downgrade(&g, "d1@b", &["d1", "d2"], &["d1", "c1"], &["d2"]);
    }

    #[test]
    fn label_relative_upgrades_walk_only_that_branch() {
        let g = branched();
        upgrade(&g, "c2branch@+1", &["c1"], &["c2"], &["c1", "c2"]);
        upgrade(&g, "c2branch@+1", &["c1", "c2"], &["d2"], &["c1", "d2"]);
    }

    #[test]
    fn plus_one_from_two_heads_is_ambiguous() {
        let g = branched();
        let e = upgrade_err(&g, "+1", &["c1", "c2"]);
        let TargetError::AmbiguousCurrent { input, heads } = &e else {
            panic!("{e:?}")
        };
        assert_eq!(input, "+1");
        assert_eq!(heads, &["c1 (c1)", "c2 (c2)"]);
        assert!(e.to_string().contains("<label>@+1"), "{e}");
        // Alembic picks a head with a warning for `-1`; we refuse the same way.
        assert!(matches!(
            downgrade_err(&g, "-1", &["d1", "d2"]),
            TargetError::AmbiguousCurrent { .. }
        ));
    }

    #[test]
    fn first_steps_from_an_empty_database() {
        let g = branched();
        upgrade(&g, "+1", &[], &["a"], &["a"]);
        upgrade(&g, "base+1", &[], &["a"], &["a"]);
        downgrade(&g, "-1", &["a"], &["a"], &[]);
    }

    #[test]
    fn minus_one_from_an_empty_database_fails() {
        let e = downgrade_err(&branched(), "-1", &[]);
        assert!(
            matches!(&e, TargetError::PastEnd { end, .. } if end == "base"),
            "{e:?}"
        );
    }

    #[test]
    fn downgrades_that_change_nothing() {
        let g = branched();
        downgrade(&g, "c2", &["d1", "c2"], &[], &["c2", "d1"]);
        downgrade(&g, "d1", &["d1", "c2"], &[], &["c2", "d1"]);
    }

    #[test]
    fn plus_one_through_the_branch_point_needs_a_label() {
        let g = branched();
        let e = upgrade_err(&g, "+1", &["b"]);
        let TargetError::BranchPoint { at, options, .. } = &e else {
            panic!("{e:?}")
        };
        assert_eq!(at, "b (b)");
        assert_eq!(options, &["c1 (c1)", "c2 (c2)"]);
        assert!(matches!(
            upgrade_err(&g, "b+1", &[]),
            TargetError::BranchPoint { .. }
        ));
        upgrade(&g, "c1branch@+1", &["b"], &["c1"], &["c1"]);
    }

    #[test]
    fn stamp_labelled_base_deletes_that_branch() {
        stamp(
            &branched(),
            &["c1branch@base"],
            &["d1", "c2"],
            &[],
            &["d1", "c1"],
            &["c2"],
        );
    }

    #[test]
    fn stamp_labelled_head_leaves_the_other_branch() {
        stamp(
            &branched(),
            &["c2branch@head"],
            &["d1", "c2"],
            &["d2"],
            &[],
            &["d1", "d2"],
        );
    }

    #[test]
    fn stamp_down_across_branches_to_the_branch_point() {
        stamp(
            &branched(),
            &["b"],
            &["d1", "c2"],
            &[],
            &["d1", "c2", "c1"],
            &["b"],
        );
    }

    #[test]
    fn label_at_a_revision_off_its_line_is_refused() {
        let e = downgrade_err(&branched(), "c1branch@c2", &["d1", "d2"]);
        assert_eq!(
            e,
            TargetError::NotOnBranch {
                revision: "c2 (c2)".into(),
                branch: "c1branch".into()
            }
        );
    }
}

mod merged {
    use super::*;

    #[test]
    fn upgrade_across_the_merge_point() {
        let g = merged();
        let ours = ["c1", "c2", "d1", "d2", "e", "f"];
        upgrade(&g, "f", &["b"], &ours, &["f"]);
        same_set_as_alembic(&ours, &["c2", "d2", "c1", "d1", "e", "f"]);
    }

    #[test]
    fn downgrade_across_the_merge_point() {
        let g = merged();
        let ours = ["f", "e", "d2", "d1", "c2", "c1"];
        downgrade(&g, "b", &["f"], &ours, &["b"]);
        same_set_as_alembic(&ours, &["f", "e", "d1", "c1", "d2", "c2"]);
    }

    #[test]
    fn stamp_down_across_the_merge_point_moves_the_head() {
        let g = merged();
        stamp(&g, &["c2"], &["e"], &[], &["e", "d2", "d1", "c1"], &["c2"]);
        stamp(
            &g,
            &["a"],
            &["e"],
            &[],
            &["e", "d2", "d1", "c2", "c1", "b"],
            &["a"],
        );
    }

    #[test]
    fn stamp_up_across_the_merge_point() {
        let g = merged();
        stamp(&g, &["e"], &["d1", "c2"], &["d2", "e"], &[], &["e"]);
        stamp(&g, &["e"], &["c2"], &["c1", "d1", "d2", "e"], &[], &["e"]);
        stamp(
            &g,
            &["e"],
            &["b"],
            &["c1", "c2", "d1", "d2", "e"],
            &[],
            &["e"],
        );
    }

    #[test]
    fn stamp_labelled_head_through_the_merge() {
        // f is the head of c2branch and of d1's line, so d1 is absorbed.
        stamp(
            &merged(),
            &["c2branch@head"],
            &["d1", "c2"],
            &["d2", "e", "f"],
            &[],
            &["f"],
        );
    }

    #[test]
    fn minus_one_through_the_merge_point() {
        let g = merged();
        let e = downgrade_err(&g, "-1", &["e"]);
        let TargetError::MergePoint { at, options, .. } = &e else {
            panic!("{e:?}")
        };
        assert_eq!(at, "e (e)");
        assert_eq!(options, &["d1 (d1)", "d2 (d2)"]);
        assert!(e.to_string().contains("<label>@-1"), "{e}");
        // The label picks a side of the merge.
        downgrade(&g, "c2branch@head-2", &["e"], &["e"], &["d1", "d2"]);
    }
}

mod forest {
    use super::*;

    #[test]
    fn upgrade_heads_from_base() {
        let g = forest();
        let ours = ["a1", "a2", "b1", "b2"];
        upgrade(&g, "heads", &[], &ours, &["b1", "b2"]);
        same_set_as_alembic(&ours, &["a2", "b2", "a1", "b1"]);
    }

    #[test]
    fn stamp_heads() {
        let g = forest();
        stamp(
            &g,
            &["heads"],
            &[],
            &["a1", "a2", "b1", "b2"],
            &[],
            &["b1", "b2"],
        );
        stamp(&g, &["heads"], &["b1", "b2"], &[], &[], &["b1", "b2"]);
    }

    #[test]
    fn head_with_two_heads_lists_them_and_points_at_heads() {
        let g = forest();
        let e = upgrade_err(&g, "head", &[]);
        assert_eq!(
            e,
            TargetError::MultipleHeads {
                heads: vec!["b1 (b1)".into(), "b2 (b2)".into()]
            }
        );
        let msg = e.to_string();
        assert!(
            msg.contains("`heads`") && msg.contains("b1 (b1)") && msg.contains("b2 (b2)"),
            "{msg}"
        );
        assert!(matches!(
            plan_stamp(&g, &["head"], &state(&g, &[]), false),
            Err(TargetError::MultipleHeads { .. })
        ));
    }

    #[test]
    fn a_revision_on_one_tree_leaves_the_other() {
        let g = forest();
        upgrade(&g, "b2", &["b1"], &["a2", "b2"], &["b1", "b2"]);
        downgrade(&g, "base", &["b1", "b2"], &["b2", "b1", "a2", "a1"], &[]);
        downgrade(&g, "b1@base", &["b1", "b2"], &["b1", "a1"], &["b2"]);
    }
}

mod dependencies {
    use super::*;

    #[test]
    fn heads_are_a3_and_b3() {
        let g = crisscross();
        let mut heads = ids(&g, g.heads());
        heads.sort_unstable();
        assert_eq!(heads, ["a3", "b3"]);
        assert_eq!(ids(&g, g.order()), ["a1", "a2", "b1", "a3", "b2", "b3"]);
    }

    #[test]
    fn a_revision_only_depended_on_is_not_a_head() {
        // The design counts `Depends On` for heads; Alembic's `heads` would list x too.
        let g = build(vec![node("x", &[]), node("y", &[]).depends_on(&["x"])]);
        assert_eq!(ids(&g, g.heads()), ["y"]);
        upgrade(&g, "head", &[], &["x", "y"], &["y"]);
        // y is not built on x, only needs it, so there is nothing above x to revert
        // (as a3 survives `downgrade b1` below). Alembic refuses with "nothing to drop".
        downgrade(&g, "x", &["y"], &[], &["y"]);
        downgrade(&g, "base", &["y"], &["y", "x"], &[]);
    }

    #[test]
    fn stamp_below_a_dependency_replaces_the_heads_that_need_it() {
        // Alembic's stamp matches heads by lineage including dependencies, and a3 needs b1.
        stamp(
            &crisscross(),
            &["b1"],
            &["a3", "b3"],
            &[],
            &["b3", "b2", "a3", "a2", "a1"],
            &["b1"],
        );
    }

    #[test]
    fn downgrade_b1_keeps_what_a3_needs() {
        let g = crisscross();
        downgrade(&g, "b1", &["a3", "b3"], &["b3", "b2"], &["a3"]);
    }

    #[test]
    fn downgrade_over_crisscross() {
        // Alembic #377: b2 can go although a3, built over b1, stays.
        downgrade(&crisscross(), "b1", &["a3", "b2"], &["b2"], &["a3"]);
    }

    #[test]
    fn reverting_a_dependency_reverts_its_dependents() {
        let g = crisscross();
        // a3 depends on b1, so taking b1 away takes a3 too.
        downgrade(
            &g,
            "base",
            &["a3", "b3"],
            &["b3", "b2", "a3", "b1", "a2", "a1"],
            &[],
        );
        downgrade(
            &g,
            "a1",
            &["a3", "b3"],
            &["b3", "b2", "a3", "a2"],
            &["a1", "b1"],
        );
    }

    #[test]
    fn upgrade_pulls_in_dependencies() {
        let g = crisscross();
        upgrade(&g, "b2", &[], &["a1", "a2", "b1", "b2"], &["b2"]);
        upgrade(&g, "a3", &["a2"], &["b1", "a3"], &["a3"]);
    }

    #[test]
    fn relative_step_that_runs_more_than_asked_fails() {
        // b1+1 is b2, which needs a1 and a2 first: three revisions, not one.
        let e = upgrade_err(&crisscross(), "+1", &["b1"]);
        assert_eq!(
            e,
            TargetError::RelativeCount {
                input: "+1".into(),
                verb: "apply",
                expected: 1,
                actual: 3
            }
        );
        assert!(e.to_string().contains("name the target revision"), "{e}");
    }

    /// Alembic's DependsOnBranchTestFive (#1373): b1 depends on a1, then both merge.
    #[test]
    fn downgrade_from_a_merge_of_a_dependency() {
        let g = build(vec![
            node("a1", &[]),
            node("b1", &[]).depends_on(&["a1"]),
            node("bmerge", &["a1", "b1"]),
        ]);
        upgrade(&g, "b1", &["a1"], &["b1"], &["b1"]);
        upgrade(&g, "bmerge", &["b1"], &["bmerge"], &["bmerge"]);
        downgrade(&g, "a1", &["bmerge"], &["bmerge"], &["b1"]);
        downgrade(&g, "b1", &["bmerge"], &["bmerge"], &["b1"]);
    }

    /// Alembic's DependsOnBranchTestFour (#789): a dependency implied twice.
    #[test]
    fn dependencies_are_normalized() {
        let g = build(vec![
            node("a1", &[]),
            node("a2", &["a1"]),
            node("a3", &["a2"]),
            node("b1", &[]),
            node("b2", &["b1"]).depends_on(&["a3"]),
            node("b3", &["b2"]),
            node("b4", &["b3"]).depends_on(&["a3"]),
        ]);
        downgrade(&g, "b3", &["b4"], &["b4"], &["b3"]);
    }

    /// Alembic's DependsOnOwnDownrevTest (#843): depending on your own parent.
    #[test]
    fn depending_on_the_parent_adds_nothing() {
        let g = build(vec![
            node("a1", &[]),
            node("a2", &["a1"]).depends_on(&["a1"]),
        ]);
        assert!(g.depends_on(idx(&g, "a2")).is_empty());
        upgrade(&g, "a2", &[], &["a1", "a2"], &["a2"]);
        downgrade(&g, "a1", &["a2"], &["a2"], &["a1"]);
    }

    /// Alembic's DependsOnBranchTestOne: stamping below a dependency.
    #[test]
    fn stamp_across_a_dependency() {
        let g = build(vec![
            node("a1", &[]).labels(&["lib1"]),
            node("b1", &["a1"]),
            node("c1", &["b1"]),
            node("a2", &[]),
            node("b2", &["a2"]),
            node("c2", &["b2"]).depends_on(&["c1"]),
            node("d1", &["c1"]),
            node("e1", &["d1"]),
            node("f1", &["e1"]),
        ]);
        downgrade(&g, "c1", &["c2", "d1"], &["d1"], &["c2"]);
        stamp(
            &g,
            &["b1"],
            &["e1", "c2"],
            &[],
            &["e1", "d1", "c2", "c1", "b2", "a2"],
            &["b1"],
        );
    }

    /// Alembic's DependsOnBranchTestTwo ("kaboom"): three merges and a revision
    /// that depends on one parent of each.
    #[test]
    fn kaboom() {
        let g = build(vec![
            node("a1", &[]),
            node("a2", &[]),
            node("a3", &[]),
            node("amerge", &["a1", "a2", "a3"]),
            node("b1", &[]),
            node("b2", &[]),
            node("bmerge", &["b1", "b2"]),
            node("c1", &[]),
            node("c2", &[]),
            node("c3", &[]),
            node("cmerge", &["c1", "c2", "c3"]),
            node("d1", &[]).depends_on(&["a3", "b2", "c1"]),
        ]);
        downgrade(
            &g,
            "b2",
            &["amerge", "bmerge", "cmerge", "d1"],
            &["bmerge"],
            &["amerge", "b1", "cmerge", "d1"],
        );
        // b2 stays applied: d1 implied it, and it is a head once d1 is gone.
        downgrade(
            &g,
            "d1@base",
            &["amerge", "d1", "b1", "cmerge"],
            &["d1"],
            &["amerge", "b1", "b2", "cmerge"],
        );
        let ours = [
            "cmerge", "c3", "c2", "c1", "b2", "b1", "amerge", "a3", "a2", "a1",
        ];
        downgrade(&g, "base", &["amerge", "b1", "b2", "cmerge"], &ours, &[]);
        same_set_as_alembic(
            &ours,
            &[
                "amerge", "a1", "b1", "b2", "cmerge", "c1", "a2", "a3", "c2", "c3",
            ],
        );
    }

    /// Alembic's BranchFromMergepointTest: a merge, and one parent keeps going.
    #[test]
    fn branch_from_a_merge_point() {
        let g = build(vec![
            node("a1", &[]),
            node("b1", &["a1"]),
            node("c1", &["b1"]),
            node("a2", &[]),
            node("b2", &["a2"]),
            node("c2", &["b2"]),
            node("d1", &["c1", "c2"]),
            node("d2", &["c2"]),
        ]);
        upgrade(&g, "d1", &["d2", "b1"], &["c1", "d1"], &["d1", "d2"]);
        downgrade(&g, "b1", &["d2", "d1"], &["d1", "c1"], &["b1", "d2"]);
    }
}

mod cross_dependencies {
    use super::*;

    #[test]
    fn downgrade_the_dependent_branch_alone() {
        downgrade(
            &cross_dependencies(),
            "c2branch@b",
            &["d1", "d2"],
            &["d2", "c2"],
            &["d1"],
        );
    }

    #[test]
    fn downgrade_the_branch_depended_on_takes_the_dependent_too() {
        let g = cross_dependencies();
        // Alembic only fixes d1 and d2 before c1; ours is the reverse apply order.
        downgrade(
            &g,
            "c1branch@b",
            &["d1", "d2"],
            &["d2", "d1", "c1"],
            &["c2"],
        );
    }

    #[test]
    fn relative_downgrade_that_takes_a_dependent_along_fails() {
        let e = downgrade_err(&cross_dependencies(), "c1branch@-2", &["d1", "d2"]);
        assert_eq!(
            e,
            TargetError::RelativeCount {
                input: "c1branch@-2".into(),
                verb: "revert",
                expected: 2,
                actual: 3
            }
        );
    }
}

mod errors {
    use super::*;
    use crate::{Anchor, Range, Spec, Target};

    fn prefixed() -> Graph {
        build(vec![
            node("ae1027a6acf", &[]),
            node("ae10b3c", &["ae1027a6acf"]),
            node("f00d", &["ae10b3c"]),
        ])
    }

    #[test]
    fn an_empty_directory_is_at_base() {
        let g = build(vec![]);
        let none = crate::Applied::empty(0);
        assert_eq!(plan_up(&g, "head", &none).unwrap(), Vec::<usize>::new());
        assert_eq!(plan_up(&g, "heads", &none).unwrap(), Vec::<usize>::new());
        assert_eq!(plan_down(&g, "base", &none).unwrap(), Vec::<usize>::new());
        assert!(matches!(
            plan_up(&g, "+1", &none).unwrap_err(),
            TargetError::PastEnd { .. }
        ));
    }

    #[test]
    fn ambiguous_prefix_lists_the_candidates() {
        let g = prefixed();
        let e = upgrade_err(&g, "ae10", &[]);
        let TargetError::AmbiguousPrefix { prefix, candidates } = &e else {
            panic!("{e:?}")
        };
        assert_eq!(prefix, "ae10");
        assert_eq!(
            candidates,
            &["ae1027a6acf (ae1027a6acf)", "ae10b3c (ae10b3c)"]
        );
        let msg = e.to_string();
        assert!(
            msg.contains("ae1027a6acf") && msg.contains("ae10b3c"),
            "{msg}"
        );
        upgrade(&g, "ae102", &[], &["ae1027a6acf"], &["ae1027a6acf"]);
        upgrade(&g, "f", &[], &["ae1027a6acf", "ae10b3c", "f00d"], &["f00d"]);
    }

    #[test]
    fn unknown_id_names_the_closest() {
        let g = prefixed();
        let e = upgrade_err(&g, "f00e", &[]);
        assert_eq!(
            e,
            TargetError::Unknown {
                input: "f00e".into(),
                suggestions: vec!["f00d".into()]
            }
        );
        assert!(e.to_string().contains("did you mean `f00d`?"), "{e}");
        let e = upgrade_err(&g, "ae1027a6acd", &[]);
        assert!(e.to_string().contains("`ae1027a6acf`"), "{e}");
        let e = upgrade_err(&g, "zzzzzzz", &[]);
        assert_eq!(
            e,
            TargetError::Unknown {
                input: "zzzzzzz".into(),
                suggestions: vec![]
            }
        );
        assert!(e.to_string().contains("cargo migrate history"), "{e}");
        let e = downgrade_err(&g, "nolabel@head", &["f00d"]);
        assert!(matches!(e, TargetError::Unknown { .. }), "{e:?}");
    }

    #[test]
    fn past_either_end() {
        let g = linear();
        let e = upgrade_err(&g, "+1", &["e"]);
        assert_eq!(
            e,
            TargetError::PastEnd {
                input: "+1".into(),
                end: "e (e)".into(),
                direction: "above it"
            }
        );
        assert!(matches!(
            upgrade_err(&g, "c+3", &[]),
            TargetError::PastEnd { .. }
        ));
        assert!(matches!(
            upgrade_err(&g, "head+1", &[]),
            TargetError::PastEnd { .. }
        ));
        let e = downgrade_err(&g, "c-4", &["e"]);
        assert_eq!(
            e,
            TargetError::PastEnd {
                input: "c-4".into(),
                end: "base".into(),
                direction: "below it"
            }
        );
        assert!(matches!(
            downgrade_err(&g, "base-1", &["e"]),
            TargetError::PastEnd { .. }
        ));
        // Exactly reaching base is fine.
        downgrade(&g, "c-3", &["e"], &["e", "d", "c", "b", "a"], &[]);
    }

    #[test]
    fn relative_steps_from_base_count_the_first_revision() {
        let g = linear();
        upgrade(&g, "+2", &[], &["a", "b"], &["b"]);
        let e = downgrade_err(&g, "-3", &["b"]);
        assert!(matches!(e, TargetError::PastEnd { .. }), "{e:?}");
    }

    #[test]
    fn stamp_overlapping_targets_needs_purge() {
        let g = linear();
        let applied = state(&g, &["b"]);
        let e = plan_stamp(&g, &["a", "c"], &applied, false).unwrap_err();
        assert_eq!(
            e,
            TargetError::OverlappingStamp {
                ancestor: "a (a)".into(),
                descendant: "c (c)".into()
            }
        );
        assert!(e.to_string().contains("--purge"), "{e}");
        let e = plan_stamp(&g, &["d", "b"], &applied, false).unwrap_err();
        assert_eq!(
            e,
            TargetError::OverlappingStamp {
                ancestor: "b (b)".into(),
                descendant: "d (d)".into()
            }
        );
        let plan = plan_stamp(&g, &["a", "c"], &applied, true).unwrap();
        assert_eq!(ids(&g, &plan.insert), ["c"]);
        assert!(plan.delete.is_empty());
        let plan = plan_stamp(&g, &["a"], &state(&g, &["e"]), true).unwrap();
        assert_eq!(ids(&g, &plan.delete), ["e", "d", "c", "b"]);
    }

    #[test]
    fn stamp_of_unrelated_targets_is_fine() {
        let g = forest();
        stamp(
            &g,
            &["a1", "b2"],
            &[],
            &["a1", "a2", "b2"],
            &[],
            &["a1", "b2"],
        );
    }

    #[test]
    fn syntax_errors() {
        for bad in [
            "he ad",
            "+",
            "-",
            "x@",
            "@head",
            "heads+1",
            "a+0",
            "a-0",
            "a+1+2",
            "a+x",
            "",
            "  ",
            "a b@head",
            "+99999999999999999999",
        ] {
            let e = Target::parse(bad).expect_err(bad);
            assert!(matches!(e, TargetError::Syntax { .. }), "{bad:?}: {e:?}");
            assert!(e.to_string().contains("targets look like"), "{bad:?}: {e}");
        }
        // The same errors reach a caller that parses, then plans.
        assert!(matches!(
            upgrade_err(&linear(), "he ad", &[]),
            TargetError::Syntax { .. }
        ));
    }

    #[test]
    fn grammar() {
        let spec = |branch: Option<&str>, anchor, relative| {
            Target::Single(Spec::new(branch.map(Into::into), anchor, relative))
        };
        let rev = |s: &str| Anchor::Revision(s.into());
        assert_eq!(Target::parse("head").unwrap(), spec(None, Anchor::Head, 0));
        assert_eq!(
            Target::parse(" heads ").unwrap(),
            spec(None, Anchor::Heads, 0)
        );
        assert_eq!(
            Target::parse("base+2").unwrap(),
            spec(None, Anchor::Base, 2)
        );
        assert_eq!(
            Target::parse("-1").unwrap(),
            spec(None, Anchor::Current, -1)
        );
        assert_eq!(
            Target::parse("ae10-3").unwrap(),
            spec(None, rev("ae10"), -3)
        );
        assert_eq!(
            Target::parse("lbl@head-1").unwrap(),
            spec(Some("lbl"), Anchor::Head, -1)
        );
        assert_eq!(
            Target::parse("lbl@+1").unwrap(),
            spec(Some("lbl"), Anchor::Current, 1)
        );
        assert_eq!(
            Target::parse("lbl@b").unwrap(),
            spec(Some("lbl"), rev("b"), 0)
        );
        assert_eq!(
            Target::parse("a:lbl@head").unwrap(),
            Target::Range(Range {
                from: Some(rev("a").into()),
                to: Some(Spec::new(Some("lbl".into()), Anchor::Head, 0)),
            })
        );
        assert_eq!(
            Target::parse(":").unwrap(),
            Target::Range(Range {
                from: None,
                to: None
            })
        );
    }

    #[test]
    fn ranges_are_refused_where_one_revision_is_needed() {
        let g = linear();
        let e = upgrade_err(&g, "a:c", &[]);
        assert_eq!(
            e,
            TargetError::RangeNotAllowed {
                input: "a:c".into()
            }
        );
        assert!(e.to_string().contains("--sql"), "{e}");
    }
}

mod ranges {
    use super::*;

    #[test]
    fn offline_upgrade_from_to() {
        let g = linear();
        let (start, plan) = plan_offline(&g, "a:c", true).unwrap();
        assert_eq!(head_ids(&g, &start), ["a"]);
        assert_eq!(ids(&g, &plan), ["b", "c"]);
    }

    #[test]
    fn offline_upgrade_from_base() {
        let g = linear();
        let (start, plan) = plan_offline(&g, ":b", true).unwrap();
        assert!(start.is_empty());
        assert_eq!(ids(&g, &plan), ["a", "b"]);
        let (_, plan) = plan_offline(&g, "base:b", true).unwrap();
        assert_eq!(ids(&g, &plan), ["a", "b"]);
        let (_, plan) = plan_offline(&g, "c:", true).unwrap();
        assert_eq!(ids(&g, &plan), ["d", "e"]);
    }

    #[test]
    fn offline_downgrade() {
        let g = linear();
        let (start, plan) = plan_offline(&g, "d:b", false).unwrap();
        assert_eq!(head_ids(&g, &start), ["d"]);
        assert_eq!(ids(&g, &plan), ["d", "c"]);
        let (start, plan) = plan_offline(&g, ":c", false).unwrap();
        assert_eq!(head_ids(&g, &start), ["e"]);
        assert_eq!(ids(&g, &plan), ["e", "d"]);
        let (_, plan) = plan_offline(&g, "b:", false).unwrap();
        assert_eq!(ids(&g, &plan), ["b", "a"]);
        let e = plan_offline(&g, "b:d", false).unwrap_err();
        assert_eq!(
            e,
            TargetError::NotApplied {
                revision: "d (d)".into()
            }
        );
    }

    #[test]
    fn history_ranges() {
        let g = linear();
        let none = crate::Applied::empty(g.len());
        assert_eq!(
            ids(&g, &history(&g, "b:d", &none).unwrap()),
            ["b", "c", "d"]
        );
        assert_eq!(ids(&g, &history(&g, ":b", &none).unwrap()), ["a", "b"]);
        assert_eq!(ids(&g, &history(&g, "d:", &none).unwrap()), ["d", "e"]);
        assert!(history(&g, "d:b", &none).unwrap().is_empty());
        // Relative ends resolve against the current state.
        let at_c = state(&g, &["c"]);
        assert_eq!(
            ids(&g, &history(&g, "-1:+1", &at_c).unwrap()),
            ["b", "c", "d"]
        );
    }

    #[test]
    fn history_range_on_branches() {
        let g = branched();
        let none = crate::Applied::empty(g.len());
        assert_eq!(
            ids(&g, &history(&g, "b:heads", &none).unwrap()),
            ["b", "c1", "c2", "d1", "d2"]
        );
        assert_eq!(
            ids(&g, &history(&g, "b:c2branch@head", &none).unwrap()),
            ["b", "c2", "d2"]
        );
    }
}

/// The design's tie-break is the file name, not the id: ids here sort the other way.
#[test]
fn apply_order_follows_file_names_not_ids() {
    let mut n1 = node("zzz", &["root"]);
    n1.file_name = "2026_01_01_0001-zzz.sql";
    let mut n2 = node("aaa", &["root"]);
    n2.file_name = "2026_01_02_0001-aaa.sql";
    let mut root = node("root", &[]);
    root.file_name = "2025_12_31_0000-root.sql";
    let mut merge = node("mmm", &["aaa", "zzz"]);
    merge.file_name = "2026_01_03_0000-mmm.sql";
    let g = build(vec![merge, n2, n1, root]);
    upgrade(&g, "head", &[], &["root", "zzz", "aaa", "mmm"], &["mmm"]);
    downgrade(&g, "base", &["mmm"], &["mmm", "aaa", "zzz", "root"], &[]);
}
