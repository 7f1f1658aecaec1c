//! Whole-process runs of 1,000 revisions: `cargo-migrate` beside sqlx-cli,
//! refinery's CLI and the raw SQL (psql / sqlite3, one transaction per
//! revision), each launched as its own process as an operator would.
//!
//! Each round runs every tool once, on a fresh database, in an order rotated
//! from round to round; a ratio is taken within each round and the median of
//! those is printed, so a drift of the shared machine's speed between rounds
//! cancels out. On PostgreSQL (`MIGRATE_TEST_POSTGRES_URL`, databases named
//! `bench_*`): upgrade to the head, then revert everything. On a SQLite file:
//! upgrade, then the launch on the up-to-date file (median of
//! [`NOOP_LAUNCHES`] per tool and round). Driven by `scripts/bench-process`.

mod measure;
mod tools;

use std::path::Path;
use std::time::Duration;

use migrate_runtime::sqlx::PgPool;

use crate::servers::Server;
use measure::Cost;
use tools::{Layout, Paths, Target, Tool};

/// No-op launches per tool and round: one takes tens of milliseconds, so a
/// round's figure is the median of several.
const NOOP_LAUNCHES: usize = 9;

/// The costs of one operation: `[tool][round]`, `None` where the tool cannot
/// do it.
struct Samples {
    operation: &'static str,
    costs: Vec<Vec<Option<Cost>>>,
}

impl Samples {
    fn new(operation: &'static str) -> Samples {
        Samples {
            operation,
            costs: vec![Vec::new(); Tool::ALL.len()],
        }
    }

    fn push(&mut self, tool: Tool, cost: Option<Cost>) {
        self.costs[index(tool)].push(cost);
    }
}

fn index(tool: Tool) -> usize {
    Tool::ALL.iter().position(|&t| t == tool).unwrap()
}

/// The tools in round `round`'s order: rotated, so that none is always first
/// after a fresh database or last before the next round.
fn rotated(tools: &[Tool], round: usize) -> impl Iterator<Item = Tool> + '_ {
    (0..tools.len()).map(move |k| tools[(k + round) % tools.len()])
}

/// Runs the section: `rounds` rounds on `revisions` revisions.
pub(crate) async fn run(tmp: &Path, rounds: usize, revisions: usize) {
    let paths = match Paths::from_env() {
        Ok(paths) => paths,
        Err(e) => {
            eprintln!("migrate-bench process: {e}");
            std::process::exit(2);
        }
    };
    let layout = Layout::write(&tmp.join("process"), revisions, crate::server_up_sql);
    println!(
        "Whole processes, {revisions} revisions, {rounds} rounds (each round: every tool once, rotated order, fresh database); medians, ratios paired per round"
    );
    if let Ok(url) = std::env::var("MIGRATE_TEST_POSTGRES_URL") {
        let samples = postgres(&layout, &paths, &url, rounds, revisions).await;
        table("PostgreSQL", &samples);
    } else {
        println!("PostgreSQL: skipped (MIGRATE_TEST_POSTGRES_URL is not set)");
    }
    let samples = sqlite(&layout, &paths, &tmp.join("process"), rounds, revisions);
    table("SQLite file", &samples);
}

async fn postgres(
    layout: &Layout,
    paths: &Paths,
    url: &str,
    rounds: usize,
    revisions: usize,
) -> [Samples; 2] {
    let tools = paths.tools();
    let admin = PgPool::connect(url).await.unwrap();
    let mut upgrade = Samples::new("upgrade");
    let mut revert = Samples::new("revert all");
    for round in 0..rounds {
        for tool in rotated(&tools, round) {
            let name = format!("bench_{}_{}", tool.slug(), std::process::id());
            let server = Server::named(&admin, url, name, " WITH (FORCE)");
            let db = server.fresh().await;
            let target = Target::Postgres(&db);
            upgrade.push(
                tool,
                Some(measure::run(layout.upgrade(paths, tool, &target))),
            );
            expect_tables(paths, &target, revisions, tool, "upgrade");
            let down = layout.revert(paths, tool, &target).map(|command| {
                let cost = measure::run(command);
                expect_tables(paths, &target, 0, tool, "revert");
                cost
            });
            revert.push(tool, down);
            server.drop_database().await;
        }
    }
    admin.close().await;
    [upgrade, revert]
}

fn sqlite(
    layout: &Layout,
    paths: &Paths,
    dir: &Path,
    rounds: usize,
    revisions: usize,
) -> [Samples; 2] {
    let tools = paths.tools();
    let mut upgrade = Samples::new("upgrade");
    let mut noop = Samples::new("no-op launch");
    let file = |tool: Tool| dir.join(format!("bench_{}.db", tool.slug()));
    for round in 0..rounds {
        for tool in rotated(&tools, round) {
            let file = file(tool);
            fresh_file(&file);
            let target = Target::Sqlite(&file);
            upgrade.push(
                tool,
                Some(measure::run(layout.upgrade(paths, tool, &target))),
            );
            expect_tables(paths, &target, revisions, tool, "upgrade");
        }
        let mut launches: Vec<Vec<Cost>> = vec![Vec::new(); Tool::ALL.len()];
        for launch in 0..NOOP_LAUNCHES {
            for tool in rotated(&tools, round + launch) {
                let file = file(tool);
                let target = Target::Sqlite(&file);
                launches[index(tool)].push(measure::run(layout.noop(paths, tool, &target)));
            }
        }
        for &tool in &tools {
            let costs = &launches[index(tool)];
            noop.push(
                tool,
                Some(Cost {
                    wall: median(costs.iter().map(|c| c.wall).collect()),
                    cpu: median(costs.iter().map(|c| c.cpu).collect()),
                }),
            );
        }
        for &tool in &tools {
            fresh_file(&file(tool));
        }
    }
    [upgrade, noop]
}

/// An empty SQLite file (every tool is handed an existing file, so none
/// needs its own create-if-missing option) without journal files beside it.
fn fresh_file(file: &Path) {
    for suffix in ["-journal", "-wal", "-shm"] {
        let mut name = file.as_os_str().to_owned();
        name.push(suffix);
        let _ = std::fs::remove_file(name);
    }
    std::fs::write(file, b"").unwrap();
}

/// Checks, outside the timed part, that a run left the `t_*` tables it should.
fn expect_tables(paths: &Paths, target: &Target, expected: usize, tool: Tool, what: &str) {
    let found = tools::count_tables(paths, target);
    assert_eq!(
        found,
        expected,
        "{} {what}: {found} t_* tables, expected {expected}",
        tool.name()
    );
}

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v[v.len() / 2]
}

fn median_f64(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    v[v.len() / 2]
}

fn secs(d: Duration) -> String {
    format!("{:.3}", d.as_secs_f64())
}

/// One dialect's table: per operation and tool, the medians of wall and CPU
/// time, and ours over the tool, paired per round.
fn table(dialect: &str, samples: &[Samples]) {
    println!("{dialect}:");
    println!(
        "  {:<13} {:<14} {:>9} {:>9} {:>13} {:>12}",
        "operation", "tool", "wall [s]", "CPU [s]", "ours/x wall", "ours/x CPU"
    );
    for s in samples {
        let ours = &s.costs[index(Tool::Ours)];
        for tool in Tool::ALL {
            let costs = &s.costs[index(tool)];
            if costs.is_empty() {
                println!("  {:<13} {:<14} (not given)", s.operation, tool.name());
                continue;
            }
            let Some(done) = costs.iter().copied().collect::<Option<Vec<Cost>>>() else {
                println!(
                    "  {:<13} {:<14} {:>9} {:>9} {:>13} {:>12}",
                    s.operation,
                    tool.name(),
                    "-",
                    "-",
                    "(no down)",
                    ""
                );
                continue;
            };
            let ratio = |f: fn(&Cost) -> Duration| {
                median_f64(
                    ours.iter()
                        .zip(&done)
                        .map(|(o, x)| {
                            let o = o.expect("ours does every operation");
                            f(&o).as_secs_f64() / f(x).as_secs_f64()
                        })
                        .collect(),
                )
            };
            let (wall, cpu) = if tool == Tool::Ours {
                (String::new(), String::new())
            } else {
                (
                    format!("{:.2}x", ratio(|c| c.wall)),
                    format!("{:.2}x", ratio(|c| c.cpu)),
                )
            };
            println!(
                "  {:<13} {:<14} {:>9} {:>9} {:>13} {:>12}",
                s.operation,
                tool.name(),
                secs(median(done.iter().map(|c| c.wall).collect())),
                secs(median(done.iter().map(|c| c.cpu).collect())),
                wall,
                cpu
            );
        }
    }
}
