//! The fuzz targets on stable Rust: every committed corpus input, then a
//! bounded run of mutated inputs, so CI exercises the parser, the validator
//! and the target resolver the way `cargo fuzz` does, in a few seconds.

#[path = "../../fuzz/targets.rs"]
mod targets;

use std::path::Path;

fn corpus(name: &str) -> Vec<Vec<u8>> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../fuzz/corpus")
        .join(name);
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|e| e.unwrap().path())
        .collect();
    files.sort();
    assert!(!files.is_empty(), "empty corpus {}", dir.display());
    files
        .into_iter()
        .map(|f| std::fs::read(f).unwrap())
        .collect()
}

/// A small deterministic mutator (xorshift), so failures reproduce exactly.
struct Mutator(u64);

impl Mutator {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    fn mutate(&mut self, seed: &[u8], pool: &[Vec<u8>]) -> Vec<u8> {
        let mut data = seed.to_vec();
        for _ in 0..1 + self.next() % 4 {
            let at = if data.is_empty() {
                0
            } else {
                (self.next() as usize) % data.len()
            };
            match self.next() % 6 {
                0 if !data.is_empty() => data[at] = self.next() as u8,
                1 => data.insert(at, b"\n-:,+@\r\0 \xff"[(self.next() % 10) as usize]),
                2 if !data.is_empty() => {
                    let end = (at + 1 + (self.next() as usize) % 16).min(data.len());
                    data.drain(at..end);
                }
                3 => {
                    let other = &pool[(self.next() as usize) % pool.len()];
                    let from = (self.next() as usize) % (other.len() + 1);
                    let to = (from + (self.next() as usize) % 64).min(other.len());
                    data.splice(at..at, other[from..to].iter().copied());
                }
                4 => {
                    let words: [&[u8]; 8] = [
                        b"-- migrate:up",
                        b"-- migrate:down",
                        b"-- Revises: ",
                        b"-- Revision ID: ",
                        b"-- Depends On: ",
                        b"-- Branch Labels: ",
                        b" transaction:false",
                        b" irreversible",
                    ];
                    let w = words[(self.next() % 8) as usize];
                    data.splice(at..at, w.iter().copied());
                }
                _ => {
                    let dup = data[at..].iter().take(32).copied().collect::<Vec<_>>();
                    data.splice(at..at, dup);
                }
            }
        }
        data
    }
}

fn run(name: &str, target: fn(&[u8]), rounds: usize) {
    let seeds = corpus(name);
    for seed in &seeds {
        target(seed);
    }
    let mut m = Mutator(0x9e37_79b9_7f4a_7c15 ^ name.len() as u64);
    for round in 0..rounds {
        let seed = &seeds[round % seeds.len()];
        let input = m.mutate(seed, &seeds);
        let result = std::panic::catch_unwind(|| target(&input));
        if result.is_err() {
            panic!(
                "{name}: mutated input {round} failed; add it to fuzz/corpus/{name}:\n{:?}",
                String::from_utf8_lossy(&input)
            );
        }
    }
}

#[test]
fn parse_corpus_and_mutations() {
    run("parse", targets::parse, 20_000);
}

#[test]
fn validate_corpus_and_mutations() {
    run("validate", targets::validate, 5_000);
}

#[test]
fn target_corpus_and_mutations() {
    run("target", targets::target, 20_000);
}
