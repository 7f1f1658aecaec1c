//! Loading and planning on a 10,000-revision history.
//!
//! Targets from the design review: `load` of 10,000 files under 100 ms, and each
//! graph operation under 10 ms, in release. Run with `cargo bench -p migrate-graph`.

use criterion::{black_box, criterion_group, criterion_main, BatchSize, Criterion, SamplingMode};
use migrate_graph::{
    load, read_dir, Applied, DownText, Graph, MigrationSet, Node, RevisionFile, SectionText,
    SourceFile, Spec,
};
use std::path::PathBuf;
use std::time::Duration;

const REVISIONS: usize = 10_000;

/// A deterministic 12-hex-digit id, like `cargo migrate revision` makes.
fn rev_id(i: usize) -> String {
    // splitmix64: scatters the ids so prefixes and hash order look like real ones.
    let mut z = (i as u64).wrapping_add(0x9e37_79b9_7f4a_7c15);
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    format!("{:012x}", (z ^ (z >> 31)) & 0xffff_ffff_ffff)
}

struct Rev {
    parents: Vec<usize>,
    deps: Vec<usize>,
}

/// A mostly linear history: every 1,000 revisions two 20-revision branches grow
/// side by side (the second depending on the first as it goes) and are merged;
/// every 50th revision also depends on one 30 revisions back.
fn history(n: usize) -> Vec<Rev> {
    let mut revs: Vec<Rev> = Vec::with_capacity(n);
    let mut tip: Option<usize> = None;
    let push = |revs: &mut Vec<Rev>, parents: Vec<usize>, deps: Vec<usize>| {
        revs.push(Rev { parents, deps });
        revs.len() - 1
    };
    while revs.len() < n {
        let len = revs.len();
        if len % 1000 == 500 && len + 41 <= n {
            let fork = tip;
            let (mut a, mut b) = (fork, fork);
            let mut a_steps = Vec::new();
            for k in 0..20 {
                let ai = push(&mut revs, a.into_iter().collect(), vec![]);
                a_steps.push(ai);
                a = Some(ai);
                let deps = if k > 0 && k % 5 == 0 {
                    vec![a_steps[k - 1]]
                } else {
                    vec![]
                };
                b = Some(push(&mut revs, b.into_iter().collect(), deps));
            }
            tip = Some(push(&mut revs, vec![a.unwrap(), b.unwrap()], vec![]));
        } else {
            let deps = if len.is_multiple_of(50) && len >= 30 {
                vec![len - 30]
            } else {
                vec![]
            };
            tip = Some(push(&mut revs, tip.into_iter().collect(), deps));
        }
    }
    revs
}

fn file_name(i: usize, id: &str) -> String {
    // The default template, one revision every 37 minutes from 2020.
    let minutes = i * 37;
    let (hour, minute) = (minutes / 60 % 24, minutes % 60);
    let day = minutes / 1440;
    let (year, month, mday) = (2020 + day / 336, 1 + day / 28 % 12, 1 + day % 28);
    format!("{year}_{month:02}_{mday:02}_{hour:02}{minute:02}-{id}_add_table_{i}.sql")
}

/// The files of `history(n)`, each about 400 bytes with realistic SQL.
fn files(n: usize) -> Vec<SourceFile> {
    let revs = history(n);
    let ids: Vec<String> = (0..n).map(rev_id).collect();
    let list = |v: &[usize]| v.iter().map(|&j| ids[j].clone()).collect();
    revs.iter()
        .enumerate()
        .map(|(i, r)| {
            let id = &ids[i];
            let mut file = RevisionFile::new(id.as_str());
            file.parents = list(&r.parents);
            file.depends_on = list(&r.deps);
            file.create_date = Some("2024-01-01 12:00:00+00:00".to_owned());
            file.message = Some(format!("add table t{i}"));
            file.up = SectionText::new(format!(
                "CREATE TABLE t{i} (\n    id BIGINT PRIMARY KEY,\n    name TEXT NOT NULL,\n    \
                 created_at TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP\n);\n\
                 CREATE INDEX t{i}_name_idx ON t{i} (name);\n\n"
            ));
            file.down = DownText::Sql(SectionText::new(format!(
                "DROP INDEX t{i}_name_idx;\nDROP TABLE t{i};\n"
            )));
            SourceFile::new(file_name(i, id), file.render())
        })
        .collect()
}

fn nodes(set: &MigrationSet) -> Vec<Node<'_>> {
    set.revisions()
        .iter()
        .map(|r| Node {
            id: &r.id,
            file_name: &r.file_name,
            parents: r.parents.iter().map(String::as_str).collect(),
            depends_on: r.depends_on.iter().map(String::as_str).collect(),
            branch_labels: r.branch_labels.iter().map(String::as_str).collect(),
            replaces: r.replaces.iter().map(String::as_str).collect(),
        })
        .collect()
}

fn config() -> Criterion {
    Criterion::default()
        .sample_size(10)
        .warm_up_time(Duration::from_millis(500))
        .measurement_time(Duration::from_secs(3))
}

fn bench_load(c: &mut Criterion) {
    let files = files(REVISIONS);
    let bytes: usize = files.iter().map(|f| f.contents.len()).sum();
    let set = load(&files).expect("the generated history is valid");
    assert_eq!(set.graph().len(), REVISIONS);
    assert_eq!(set.graph().heads().len(), 1);
    eprintln!(
        "{REVISIONS} files, {bytes} bytes ({} bytes each on average)",
        bytes / REVISIONS
    );
    c.bench_function("load_10k", |b| b.iter(|| load(black_box(&files)).unwrap()));
}

fn bench_graph(c: &mut Criterion) {
    let files = files(REVISIONS);
    let set = load(&files).unwrap();
    let graph = set.graph();
    let nodes = nodes(&set);
    let empty = Applied::empty(graph.len());
    let all = graph.ancestors(graph.heads().iter().copied());
    let spec = |t: &str| -> Spec { t.parse().unwrap() };
    let (head, base, heads, plus1) = (spec("head"), spec("base"), [spec("heads")], spec("+1"));
    assert_eq!(graph.plan_upgrade(&head, &empty).unwrap().len(), REVISIONS);
    assert_eq!(graph.plan_downgrade(&base, &all).unwrap().len(), REVISIONS);

    c.bench_function("graph_build_10k", |b| {
        b.iter_batched(
            || nodes.clone(),
            |n| Graph::build(n).unwrap(),
            BatchSize::LargeInput,
        )
    });
    c.bench_function("plan_upgrade_head_10k", |b| {
        b.iter(|| graph.plan_upgrade(black_box(&head), &empty).unwrap())
    });
    c.bench_function("plan_downgrade_base_10k", |b| {
        b.iter(|| graph.plan_downgrade(black_box(&base), &all).unwrap())
    });
    c.bench_function("plan_stamp_heads_10k", |b| {
        b.iter(|| graph.plan_stamp(black_box(&heads), &empty, false).unwrap())
    });
    // Targets the runtime resolves on every launch: relative steps and labels.
    let mut half = Applied::empty(graph.len());
    for &i in &graph.order()[..REVISIONS / 2] {
        half.insert(i);
    }
    c.bench_function("plan_upgrade_plus1_10k", |b| {
        b.iter(|| graph.plan_upgrade(black_box(&plus1), &half).unwrap())
    });
}

/// Removes the directory even when a benchmark panics.
struct TempDir(PathBuf);

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn bench_read_dir(c: &mut Criterion) {
    let dir =
        TempDir(std::env::temp_dir().join(format!("migrate-graph-bench-{}", std::process::id())));
    std::fs::create_dir_all(&dir.0).unwrap();
    for f in files(REVISIONS) {
        std::fs::write(dir.0.join(&f.name), &f.contents).unwrap();
    }
    assert_eq!(read_dir(&dir.0).unwrap().len(), REVISIONS);
    // Each iteration takes tens of milliseconds: flat sampling keeps the run
    // within its measurement time.
    let mut group = c.benchmark_group("io");
    group.sampling_mode(SamplingMode::Flat);
    group.bench_function("read_dir_and_load_10k", |b| {
        b.iter(|| load(&read_dir(black_box(&dir.0)).unwrap()).unwrap())
    });
    group.finish();
}

criterion_group! {
    name = benches;
    config = config();
    targets = bench_load, bench_graph, bench_read_dir
}
criterion_main!(benches);
