#!/usr/bin/env bash
# Whole-process timings of `cargo migrate` on generated migration directories,
# for the targets of issue 4 (history/heads/check on 10,000 revisions,
# history on 1,000, `upgrade head` on an up-to-date SQLite database with
# 1,000 revisions, applying 1,000 revisions).
#
#   cargo-migrate/bench/run.sh            # needs hyperfine (apt-get install hyperfine)
#
# Builds the release binary, generates linear chains of N revisions in a
# temporary directory and prints hyperfine's summary for each command.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."

cargo build --release -q -p cargo-migrate --bin cargo-migrate --example runtime_apply
bin="$PWD/target/release/cargo-migrate"
runtime_apply="$PWD/target/release/examples/runtime_apply"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

# gen DIR N: a linear chain of N revisions, each creating one table.
gen() {
    local dir="$1" n="$2" parent="" id
    mkdir -p "$dir"
    for ((i = 0; i < n; i++)); do
        id=$(printf 'r%011x' "$i")
        printf -- '-- Revision ID: %s\n-- Revises: %s\n-- Create Date: 2026-11-21 12:00:00+00:00\n-- Message: create table %d\n\n-- migrate:up\nCREATE TABLE t%d (id INTEGER PRIMARY KEY, name TEXT);\n\n-- migrate:down\nDROP TABLE t%d;\n' \
            "$id" "$parent" "$i" "$i" "$i" >"$dir/$(printf '%06d' "$i")-${id}_create_table_$i.sql"
        parent="$id"
    done
}

gen "$work/m1k" 1000
gen "$work/m10k" 10000
cd "$work"

run() {
    hyperfine --warmup 3 --runs "${RUNS:-20}" -N --style none --export-markdown "$work/row.md" "$@" >/dev/null
    tail -n +3 "$work/row.md"
}

echo "| command | mean [ms] | min [ms] | max [ms] | relative |"
echo "|:---|---:|---:|---:|---:|"
run -n "history, 1,000 revisions" "$bin migrate history --source m1k"
run -n "history, 10,000 revisions" "$bin migrate history --source m10k"
run -n "heads, 10,000 revisions" "$bin migrate heads --source m10k"
run -n "check, 10,000 revisions" "$bin migrate check --source m10k"

"$bin" migrate upgrade --source m1k --database-url "sqlite:$work/up.db"
run -n "upgrade head, up-to-date SQLite, 1,000 revisions" "$bin migrate upgrade head --source m1k --database-url sqlite:$work/up.db"
run -n "upgrade head, up-to-date SQLite, runtime alone" "$runtime_apply m1k sqlite:$work/up.db"
run -n "current, SQLite, 1,000 revisions" "$bin migrate current --source m1k --database-url sqlite:$work/up.db"
# Applying 1,000 revisions, a fresh database each run: the CLI, then the
# same work through the runtime alone (the target is within 1.15x).
fresh="rm -f $work/apply.db $work/apply.db-wal $work/apply.db-shm"
RUNS=${APPLY_RUNS:-5} run --prepare "$fresh" \
    -n "apply 1,000 revisions, SQLite, cargo migrate" "$bin migrate upgrade head --source m1k --database-url sqlite:$work/apply.db" \
    -n "apply 1,000 revisions, SQLite, runtime alone" "$runtime_apply m1k sqlite:$work/apply.db"
