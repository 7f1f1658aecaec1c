//! Properties of the graph and the planners on random DAGs, and of the parser on
//! random files.

use super::{after_downgrade, after_upgrade, ids, plan_down, plan_stamp, plan_up};
use crate::validate::load_unmerged;
use crate::{
    parse_file, Applied, Checksum, Down, DownText, Graph, Node, RevisionFile, SectionText,
    SourceFile,
};
use proptest::prelude::*;
use proptest::sample::Index;
use sha2::{Digest, Sha256};

/// A random revision graph in creation order: every edge points at an earlier
/// node, so it is acyclic by construction. File names are a random permutation of
/// creation order, so the graph's index order (by file name) is not creation order.
#[derive(Clone, Debug)]
struct Dag {
    ids: Vec<String>,
    files: Vec<String>,
    parents: Vec<Vec<usize>>,
    deps: Vec<Vec<usize>>,
    labels: Vec<Vec<String>>,
    /// Another permutation, to feed nodes to `Graph::build` in a different order.
    feed: Vec<usize>,
}

impl Dag {
    fn len(&self) -> usize {
        self.ids.len()
    }

    fn nodes(&self) -> Vec<Node<'_>> {
        self.feed
            .iter()
            .map(|&i| Node {
                id: &self.ids[i],
                file_name: &self.files[i],
                parents: self.parents[i]
                    .iter()
                    .map(|&p| self.ids[p].as_str())
                    .collect(),
                depends_on: self.deps[i].iter().map(|&d| self.ids[d].as_str()).collect(),
                branch_labels: self.labels[i].iter().map(String::as_str).collect(),
                replaces: vec![],
            })
            .collect()
    }

    fn graph(&self) -> Graph {
        Graph::build(self.nodes()).expect("a DAG with unique ids builds")
    }

    /// The creation index of the node with this id.
    fn creation(&self, id: &str) -> usize {
        self.ids.iter().position(|x| x == id).unwrap()
    }

    /// The design's order, computed the slow obvious way: repeatedly run the
    /// ready revision whose file name sorts first.
    fn reference_order(&self) -> Vec<&str> {
        let n = self.len();
        let mut done = vec![false; n];
        let mut out = Vec::with_capacity(n);
        for _ in 0..n {
            let next = (0..n)
                .filter(|&i| {
                    !done[i]
                        && self.parents[i]
                            .iter()
                            .chain(&self.deps[i])
                            .all(|&p| done[p])
                })
                .min_by(|&a, &b| self.files[a].cmp(&self.files[b]))
                .expect("acyclic");
            done[next] = true;
            out.push(self.ids[next].as_str());
        }
        out
    }

    /// The file `render` would write for node `i`.
    fn file(&self, i: usize) -> SourceFile {
        let ids = |v: &[usize]| v.iter().map(|&j| self.ids[j].clone()).collect();
        let mut file = RevisionFile::new(self.ids[i].clone());
        file.parents = ids(&self.parents[i]);
        file.depends_on = ids(&self.deps[i]);
        file.branch_labels = self.labels[i].clone();
        file.up = SectionText::new(format!("CREATE TABLE t{i} (id INT);\n\n"));
        file.down = DownText::Sql(SectionText::new(format!("DROP TABLE t{i};\n")));
        SourceFile::new(self.files[i].clone(), file.render())
    }
}

/// Per node: how many parents (0 is a new root), two parent picks, an optional
/// dependency pick, and whether it declares a branch label.
type NodeChoice = (u8, Index, Index, Option<Index>, bool);

fn dag(max: usize) -> impl Strategy<Value = Dag> {
    (1..=max)
        .prop_flat_map(|n| {
            let choice = (
                0u8..20,
                any::<Index>(),
                any::<Index>(),
                prop::option::weighted(0.3, any::<Index>()),
                prop::bool::weighted(0.1),
            );
            (
                prop::collection::vec(choice, n),
                Just((0..n).collect::<Vec<_>>()).prop_shuffle(),
                Just((0..n).collect::<Vec<_>>()).prop_shuffle(),
            )
        })
        .prop_map(|(choices, names, feed): (Vec<NodeChoice>, _, _)| {
            let n = choices.len();
            let mut d = Dag {
                ids: (0..n).map(|i| format!("r{i}")).collect(),
                files: names.iter().map(|k| format!("{k:03}_rev.sql")).collect(),
                parents: vec![Vec::new(); n],
                deps: vec![Vec::new(); n],
                labels: vec![Vec::new(); n],
                feed,
            };
            for (i, (count, p1, p2, dep, label)) in choices.into_iter().enumerate() {
                if i > 0 {
                    // Mostly one parent, as real histories are: 15% roots, 20% merges.
                    let count = match count {
                        0..=2 => 0,
                        3..=15 => 1,
                        _ => 2,
                    };
                    let mut ps = vec![p1.index(i), p2.index(i)];
                    ps.truncate(count);
                    ps.dedup();
                    d.parents[i] = ps;
                    d.deps[i] = dep.map(|x| vec![x.index(i)]).unwrap_or_default();
                }
                if label {
                    d.labels[i] = vec![format!("lbl{i}")];
                }
            }
            d
        })
}

/// A random set of nodes, to close under ancestors into a database state.
fn pick(n: usize, picks: &[Index]) -> Vec<usize> {
    picks.iter().map(|p| p.index(n)).collect()
}

/// Checks that `plan` can run from `applied`: every revision finds what it
/// needs already applied and is not applied twice.
fn assert_valid_upgrade(g: &Graph, applied: &Applied, plan: &[usize]) {
    let mut now = applied.clone();
    for &i in plan {
        for &p in g.parents(i).iter().chain(g.depends_on(i)) {
            assert!(
                now.contains(p),
                "{} runs before {}, which it needs",
                g.id(i),
                g.id(p)
            );
        }
        assert!(now.insert(i), "{} is applied twice", g.id(i));
    }
}

/// Checks that `plan` can revert from `applied`: nothing still applied stands on
/// a revision when it is reverted.
fn assert_valid_downgrade(g: &Graph, applied: &Applied, plan: &[usize]) {
    let mut now = applied.clone();
    for &i in plan {
        assert!(now.contains(i), "{} is reverted but not applied", g.id(i));
        now.remove(i);
        for &c in g.children(i).iter().chain(g.dependents(i)) {
            assert!(
                !now.contains(c),
                "{} is reverted while {} still stands on it",
                g.id(i),
                g.id(c)
            );
        }
    }
}

fn all(g: &Graph) -> Applied {
    g.ancestors(g.heads().iter().copied())
}

fn complement(g: &Graph, set: &Applied) -> Applied {
    let mut c = all(g);
    c.subtract(set);
    c
}

fn reversed(mut v: Vec<usize>) -> Vec<usize> {
    v.reverse();
    v
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(96))]

    /// (a) The order is topological, is exactly the design's file-name tie-break,
    /// and does not depend on the order nodes are given in.
    #[test]
    fn order_is_topological_and_deterministic(d in dag(60)) {
        let g = d.graph();
        let order = g.order();
        prop_assert_eq!(order.len(), d.len());
        for (pos, &i) in order.iter().enumerate() {
            prop_assert_eq!(g.position(i), pos);
            for &p in g.parents(i).iter().chain(g.depends_on(i)) {
                prop_assert!(g.position(p) < pos, "{} before its parent/dependency {}", g.id(i), g.id(p));
            }
        }
        prop_assert_eq!(ids(&g, order), d.reference_order());
        let again = d.graph();
        prop_assert_eq!(ids(&again, again.order()), ids(&g, order));
        let mut fed_backwards = d.nodes();
        fed_backwards.reverse();
        let other = Graph::build(fed_backwards).unwrap();
        prop_assert_eq!(ids(&other, other.order()), ids(&g, order));
        // Node indexes follow file names, whatever order the nodes came in.
        for i in 1..g.len() {
            prop_assert!(g.file_name(i - 1) < g.file_name(i));
        }
    }

    /// (b) Heads are exactly the revisions nobody revises or depends on.
    #[test]
    fn heads_are_unreferenced_revisions(d in dag(60)) {
        let g = d.graph();
        let referenced: Vec<bool> = (0..d.len())
            .map(|i| (0..d.len()).any(|j| d.parents[j].contains(&i) || d.deps[j].contains(&i)))
            .collect();
        let mut expected: Vec<&str> = (0..d.len()).filter(|&i| !referenced[i]).map(|i| d.ids[i].as_str()).collect();
        expected.sort_unstable_by_key(|id| &d.files[d.creation(id)]);
        prop_assert_eq!(ids(&g, g.heads()), expected);
        let everything = all(&g);
        prop_assert_eq!(everything.count(), g.len());
        prop_assert_eq!(g.heads_of(&everything), g.heads());
    }

    /// (c) From any valid state, `upgrade heads` applies exactly what is missing,
    /// in apply order, and `downgrade base` then reverts everything in the exact
    /// reverse of the apply order.
    #[test]
    fn upgrade_heads_then_downgrade_base(d in dag(60), picks in prop::collection::vec(any::<Index>(), 0..6)) {
        let g = d.graph();
        let applied = g.ancestors(pick(g.len(), &picks));
        let up = plan_up(&g, "heads", &applied).unwrap();
        prop_assert_eq!(&up, &g.in_order(&complement(&g, &applied)));
        assert_valid_upgrade(&g, &applied, &up);
        let full = after_upgrade(&applied, &up);
        prop_assert_eq!(&full, &all(&g));
        prop_assert!(plan_up(&g, "heads", &full).unwrap().is_empty());

        let mut before_and_up = applied.clone();
        before_and_up.union(&full);
        let down = plan_down(&g, "base", &full).unwrap();
        prop_assert_eq!(&down, &reversed(g.in_order(&before_and_up)));
        prop_assert_eq!(&down, &reversed(g.order().to_vec()));
        assert_valid_downgrade(&g, &full, &down);

        // From the partial state too, base reverts exactly what is applied.
        let down = plan_down(&g, "base", &applied).unwrap();
        prop_assert_eq!(&down, &reversed(g.in_order(&applied)));
        assert_valid_downgrade(&g, &applied, &down);
    }

    /// (d) `downgrade r` from everything, then `upgrade heads`, re-applies
    /// exactly what was reverted, in the reverse order; r and its ancestors stay.
    #[test]
    fn downgrade_to_revision_then_upgrade_heads(d in dag(60), r in any::<Index>()) {
        let g = d.graph();
        let r = r.index(g.len());
        let full = all(&g);
        let down = plan_down(&g, g.id(r), &full).unwrap();
        assert_valid_downgrade(&g, &full, &down);
        let after = after_downgrade(&full, &down);
        prop_assert_eq!(&g.ancestors(g.heads_of(&after)), &after, "the state left is closed under ancestors");
        for a in g.ancestors([r]).iter() {
            prop_assert!(after.contains(a), "{} (an ancestor of {}) was reverted", g.id(a), g.id(r));
        }
        for c in g.parent_descendants([r]).iter().filter(|&c| c != r) {
            prop_assert!(!after.contains(c), "{} (built on {}) is still applied", g.id(c), g.id(r));
        }
        // Nothing is reverted without a reason: each reverted revision is built on r
        // through `Revises:`, or stands on another reverted revision.
        let reverted = complement(&g, &after);
        for c in reverted.iter() {
            let built_on_r = g.parent_descendants([r]).contains(c);
            let stands_on_reverted = g.parents(c).iter().chain(g.depends_on(c)).any(|&p| reverted.contains(p));
            prop_assert!(built_on_r || stands_on_reverted, "{} reverted for no reason", g.id(c));
        }
        let up = plan_up(&g, "heads", &after).unwrap();
        prop_assert_eq!(&up, &reversed(down.clone()));
        assert_valid_upgrade(&g, &after, &up);
        // Downgrading to r again from there changes nothing.
        prop_assert!(plan_down(&g, g.id(r), &after).unwrap().is_empty());
    }

    /// Upgrading to a revision from any state applies exactly its missing ancestors.
    #[test]
    fn upgrade_to_revision_applies_missing_ancestors(
        d in dag(60),
        picks in prop::collection::vec(any::<Index>(), 0..4),
        r in any::<Index>(),
    ) {
        let g = d.graph();
        let applied = g.ancestors(pick(g.len(), &picks));
        let r = r.index(g.len());
        let up = plan_up(&g, g.id(r), &applied).unwrap();
        let mut missing = g.ancestors([r]);
        missing.subtract(&applied);
        prop_assert_eq!(&up, &g.in_order(&missing));
        assert_valid_upgrade(&g, &applied, &up);
    }

    /// Stamping `heads` records everything; stamping `base` clears the record;
    /// stamping a revision leaves it and its ancestors applied.
    #[test]
    fn stamps_reach_their_target_state(
        d in dag(60),
        picks in prop::collection::vec(any::<Index>(), 0..4),
        r in any::<Index>(),
    ) {
        let g = d.graph();
        let applied = g.ancestors(pick(g.len(), &picks));
        let apply = |p: &crate::StampPlan| after_upgrade(&after_downgrade(&applied, &p.delete), &p.insert);

        let p = plan_stamp(&g, &["heads"], &applied, false).unwrap();
        prop_assert_eq!(&p.insert, &g.in_order(&complement(&g, &applied)));
        prop_assert!(p.delete.is_empty());
        let p = plan_stamp(&g, &["base"], &applied, false).unwrap();
        prop_assert!(apply(&p).is_empty());
        prop_assert_eq!(&p.delete, &reversed(g.in_order(&applied)));

        let r = r.index(g.len());
        let p = plan_stamp(&g, &[g.id(r)], &applied, false).unwrap();
        let after = apply(&p);
        prop_assert!(g.heads_of(&after).contains(&r), "{} is not a head after stamping it", g.id(r));
        prop_assert_eq!(&g.ancestors(g.heads_of(&after)), &after);
        for c in g.descendants([r]).iter().filter(|&c| c != r) {
            prop_assert!(!after.contains(c), "{} is above the stamped {}", g.id(c), g.id(r));
        }
        // With purge, the record is exactly r and its ancestors.
        let p = plan_stamp(&g, &[g.id(r)], &applied, true).unwrap();
        prop_assert_eq!(&apply(&p), &g.ancestors([r]));
    }

    /// Files rendered from a random DAG load into the same graph as its nodes.
    #[test]
    fn loading_rendered_files_gives_the_same_graph(d in dag(40)) {
        let files: Vec<SourceFile> = d.feed.iter().map(|&i| d.file(i)).collect();
        let set = load_unmerged(&files).unwrap();
        let direct = d.graph();
        let loaded = set.graph();
        prop_assert_eq!(ids(loaded, loaded.order()), ids(&direct, direct.order()));
        prop_assert_eq!(ids(loaded, loaded.heads()), ids(&direct, direct.heads()));
        for (i, rev) in set.revisions().iter().enumerate() {
            prop_assert_eq!(&rev.id, loaded.id(i));
            prop_assert_eq!(&rev.file_name, loaded.file_name(i));
        }
    }

    /// (e) A rendered file parses back to the same fields, whatever the line
    /// endings and BOM, and its checksum is that of the LF, BOM-less text.
    #[test]
    fn parser_round_trip(h in header(), body in body(), crlf in prop::collection::vec(any::<bool>(), 64), bom in any::<bool>()) {
        let (lf, lines) = render(&h, &body, &[]);
        let (text, _) = render(&h, &body, &crlf);
        let text = if bom { format!("\u{feff}{text}") } else { text };
        let rev = parse_file("rev.sql", &text).unwrap_or_else(|e| panic!("{e}\n{text:?}"));
        prop_assert_eq!(&rev, &parse_file("rev.sql", &lf).unwrap());
        prop_assert_eq!(rev.checksum, Checksum::of(&lf));
        prop_assert_eq!(rev.checksum, Checksum(Sha256::digest(lf.as_bytes()).into()));

        prop_assert_eq!(&rev.id, &h.id);
        prop_assert_eq!(&rev.parents, &h.parents);
        prop_assert_eq!(&rev.depends_on, &h.depends_on);
        prop_assert_eq!(&rev.branch_labels, &h.labels);
        prop_assert_eq!(rev.create_date.as_deref(), h.create_date.as_deref().map(str::trim).filter(|s| !s.is_empty()));
        prop_assert_eq!(rev.message.as_deref(), h.message.as_deref().map(str::trim).filter(|s| !s.is_empty()));
        let up = body.up.join("\n");
        prop_assert_eq!(rev.up.sql.as_str(), up.trim());
        prop_assert_eq!(rev.up.transaction, body.up_transaction);
        match (&rev.down, &body.down) {
            (Down::Irreversible, None) => {}
            (Down::Sql(s), Some(lines)) => {
                let down = lines.join("\n");
                prop_assert_eq!(s.sql.as_str(), down.trim());
                prop_assert_eq!(s.transaction, body.down_transaction);
            }
            (got, want) => prop_assert!(false, "down {:?}, wanted {:?}", got, want),
        }
        prop_assert_eq!(rev.lines, lines);
        prop_assert_eq!(rev.file_name.as_str(), "rev.sql");
    }
}

#[derive(Clone, Debug)]
struct Header {
    id: String,
    parents: Vec<String>,
    depends_on: Vec<String>,
    labels: Vec<String>,
    create_date: Option<String>,
    message: Option<String>,
    /// Header lines in the order written; keys' case and spacing vary.
    order: Vec<usize>,
    key_style: Vec<(bool, bool)>,
    /// Free comment and blank lines people leave in headers.
    notes: Vec<Option<String>>,
}

#[derive(Clone, Debug)]
struct Body {
    up: Vec<String>,
    up_transaction: bool,
    /// `None` is `irreversible`.
    down: Option<Vec<String>>,
    down_transaction: bool,
}

fn ident() -> impl Strategy<Value = String> {
    "[A-Za-z0-9_]{1,14}".prop_filter("reserved words are not ids", |s| {
        !crate::RESERVED_IDS.contains(&s.as_str())
    })
}

fn header() -> impl Strategy<Value = Header> {
    let free_text = "[^\\x00-\\x1f\\x7f\\u{85}\\u{2028}\\u{2029}]{0,40}";
    (
        ident(),
        prop::collection::vec(ident(), 0..3),
        prop::collection::vec(ident(), 0..3),
        prop::collection::vec(ident(), 0..3),
        prop::option::of(free_text),
        prop::option::of(free_text),
        Just((0..6).collect::<Vec<usize>>()).prop_shuffle(),
        prop::collection::vec((any::<bool>(), any::<bool>()), 6),
        prop::collection::vec(prop::option::weighted(0.2, "[a-z ]{0,20}"), 7),
    )
        .prop_map(
            |(id, parents, depends_on, labels, create_date, message, order, key_style, notes)| {
                Header {
                    id,
                    parents,
                    depends_on,
                    labels,
                    create_date,
                    message,
                    order,
                    key_style,
                    notes,
                }
            },
        )
}

fn sql_lines() -> impl Strategy<Value = Vec<String>> {
    // Statements, with blank lines and `--` comments between them; none starts
    // with `--` followed by `migrate:`, which would be a marker.
    let line = prop_oneof![
        6 => "[A-Z][A-Za-z0-9_ ,;()'=*]{0,60}",
        1 => Just(String::new()),
        1 => "-- [a-z ]{0,20}",
    ];
    prop::collection::vec(line, 0..6)
}

fn body() -> impl Strategy<Value = Body> {
    (
        sql_lines(),
        any::<bool>(),
        prop::option::weighted(0.85, sql_lines()),
        any::<bool>(),
    )
        .prop_map(|(up, up_transaction, down, down_transaction)| {
            let has_sql = |lines: &[String]| crate::revision::has_sql(&lines.join("\n"));
            // Up SQL needs down SQL (or `irreversible`), which the parser enforces.
            let down = match down {
                Some(lines) if has_sql(&up) && !has_sql(&lines) => {
                    Some(vec!["SELECT 1;".to_owned()])
                }
                other => other,
            };
            Body {
                up,
                up_transaction,
                down,
                down_transaction,
            }
        })
}

/// Renders a file, ending line `k` with CRLF when `crlf[k]` (LF when absent).
/// Returns the text and the line numbers the parser should report.
fn render(h: &Header, b: &Body, crlf: &[bool]) -> (String, crate::revision::HeaderLines) {
    let mut lines: Vec<String> = Vec::new();
    let mut at = crate::revision::HeaderLines::default();
    let note = |lines: &mut Vec<String>, k: usize| {
        if let Some(n) = &h.notes[k] {
            // A note without `:` is a free comment; an empty one a blank line.
            lines.push(if n.trim().is_empty() {
                String::new()
            } else {
                format!("-- {n}")
            });
        }
    };
    for (k, &field) in h.order.iter().enumerate() {
        note(&mut lines, k);
        let (upper, tight) = h.key_style[k];
        let (key, value) = match field {
            0 => ("Revision ID", Some(h.id.clone())),
            1 => ("Revises", Some(h.parents.join(", "))),
            2 => (
                "Depends On",
                (!h.depends_on.is_empty()).then(|| h.depends_on.join(",  ")),
            ),
            3 => (
                "Branch Labels",
                (!h.labels.is_empty()).then(|| h.labels.join(" ,")),
            ),
            4 => ("Create Date", h.create_date.clone()),
            _ => ("Message", h.message.clone()),
        };
        let Some(value) = value else { continue };
        let key = if upper {
            key.to_ascii_uppercase()
        } else {
            key.to_owned()
        };
        lines.push(format!(
            "{}{key}: {value}",
            if tight { "--" } else { "-- " }
        ));
        let n = lines.len();
        match field {
            0 => at.id = n,
            1 => at.revises = n,
            2 => at.depends_on = n,
            3 => at.branch_labels = n,
            _ => {}
        }
    }
    note(&mut lines, 6);
    lines.push(format!(
        "-- migrate:up{}",
        if b.up_transaction {
            ""
        } else {
            " transaction:false"
        }
    ));
    at.up = lines.len();
    lines.extend(b.up.iter().cloned());
    match &b.down {
        None => lines.push("-- migrate:down irreversible".to_owned()),
        Some(_) => lines.push(format!(
            "-- migrate:down{}",
            if b.down_transaction {
                ""
            } else {
                " transaction:false"
            }
        )),
    }
    at.down = lines.len();
    lines.extend(b.down.iter().flatten().cloned());
    let mut text = String::new();
    for (k, line) in lines.iter().enumerate() {
        text += line;
        text += if crlf.get(k).copied().unwrap_or(false) {
            "\r\n"
        } else {
            "\n"
        };
    }
    (text, at)
}

/// Section text as files hold it: whole lines with no marker among them.
fn section_text() -> impl Strategy<Value = String> {
    sql_lines().prop_map(|lines| lines.iter().map(|l| format!("{l}\n")).collect())
}

fn revision_file() -> impl Strategy<Value = RevisionFile> {
    // Single-line values without surrounding spaces, as the header holds them.
    let value = "[^\\s\\p{Cc}]([^\\p{Cc}]{0,30}[^\\s\\p{Cc}])?";
    let optional = prop::option::of(prop_oneof![Just(String::new()), value]);
    // A free comment must not read as a `Key:` line or a marker.
    let comment = "[a-z][a-z ]{0,20}[a-z]";
    (
        (
            ident(),
            prop::collection::vec(ident(), 0..3),
            prop::collection::vec(ident(), 0..3),
            prop::collection::vec(ident(), 0..3),
            prop::collection::vec(ident(), 0..3),
        ),
        (optional.clone(), optional, any::<bool>()),
        prop::collection::vec(comment, 0..3),
        body(),
        (section_text(), section_text()),
    )
        .prop_map(
            |(
                (id, parents, depends_on, branch_labels, replaces),
                (create_date, message, unchecked),
                comments,
                body,
                (up, down),
            )| {
                // `body()` keeps up SQL paired with down SQL or `irreversible`;
                // take its shape with whole-line text.
                let has_sql = |text: &str| crate::revision::has_sql(text);
                let up_text = if body.up.is_empty() {
                    String::new()
                } else {
                    up
                };
                let down = match body.down {
                    None => {
                        DownText::Irreversible(if has_sql(&down) { String::new() } else { down })
                    }
                    Some(_) if has_sql(&up_text) && !has_sql(&down) => DownText::Sql(SectionText {
                        text: format!("{down}SELECT 1;\n"),
                        transaction: body.down_transaction,
                    }),
                    Some(_) => DownText::Sql(SectionText {
                        text: down,
                        transaction: body.down_transaction,
                    }),
                };
                RevisionFile {
                    id,
                    parents,
                    depends_on,
                    branch_labels,
                    replaces,
                    create_date,
                    message,
                    unchecked,
                    comments,
                    up: SectionText {
                        text: up_text,
                        transaction: body.up_transaction,
                    },
                    down,
                }
            },
        )
}

proptest! {
    /// The writer and the reader agree: any file rendered from values parses
    /// back to them (through `RevisionFile::parse` and `parse_file` alike),
    /// and a parsed file in the canonical form renders to the same text.
    #[test]
    fn revision_file_round_trip(file in revision_file()) {
        let text = file.render();
        let back = RevisionFile::parse("rev.sql", &text).unwrap_or_else(|e| panic!("{e}\n{text}"));
        prop_assert_eq!(&back, &file);
        prop_assert_eq!(back.render(), text.clone());

        let rev = parse_file("rev.sql", &text).unwrap();
        prop_assert_eq!(&rev.id, &file.id);
        prop_assert_eq!(&rev.parents, &file.parents);
        prop_assert_eq!(&rev.depends_on, &file.depends_on);
        prop_assert_eq!(&rev.branch_labels, &file.branch_labels);
        prop_assert_eq!(&rev.replaces, &file.replaces);
        prop_assert_eq!(rev.create_date.as_deref(), file.create_date.as_deref().filter(|s| !s.is_empty()));
        prop_assert_eq!(rev.message.as_deref(), file.message.as_deref().filter(|s| !s.is_empty()));
        prop_assert_eq!(rev.unchecked, file.unchecked);
        prop_assert_eq!(rev.up.sql.as_str(), file.up.text.trim());
        prop_assert_eq!(rev.up.transaction, file.up.transaction);
        match (&rev.down, &file.down) {
            (Down::Irreversible, DownText::Irreversible(_)) => {}
            (Down::Sql(s), DownText::Sql(want)) => {
                prop_assert_eq!(s.sql.as_str(), want.text.trim());
                prop_assert_eq!(s.transaction, want.transaction);
            }
            (got, want) => prop_assert!(false, "down {:?}, wanted {:?}", got, want),
        }
    }
}
