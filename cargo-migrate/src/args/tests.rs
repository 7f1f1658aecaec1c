//! The command line's definition and the parses that scripts rely on.

use super::*;
use clap::CommandFactory;

#[test]
fn the_command_line_definition_is_consistent() {
    Cli::command().debug_assert();
}

fn parse(args: &[&str]) -> Result<Cli, clap::Error> {
    Cli::try_parse_from(
        std::iter::once("cargo-migrate")
            .chain(std::iter::once("migrate"))
            .chain(args.iter().copied()),
    )
}

#[test]
fn negative_targets_are_targets_not_options() {
    let Cli::Migrate(a) = parse(&["downgrade", "-1"]).unwrap();
    let Command::Downgrade(d) = a.command else {
        panic!()
    };
    assert_eq!(d.down.target, "-1");
    let Cli::Migrate(a) = parse(&["downgrade", "-v", "-2"]).unwrap();
    let Command::Downgrade(d) = a.command else {
        panic!()
    };
    assert!(d.down.run.verbose);
    assert_eq!(d.down.target, "-2");
}

#[test]
fn resolve_needs_exactly_one_outcome() {
    assert!(parse(&["resolve", "abc"]).is_err());
    assert!(parse(&["resolve", "abc", "--applied", "--rolled-back"]).is_err());
    assert!(parse(&["resolve", "abc", "--applied"]).is_ok());
}

#[test]
fn stamp_takes_targets_or_accept_checksum() {
    assert!(parse(&["stamp"]).is_err());
    assert!(parse(&["stamp", "head", "--accept-checksum", "abc"]).is_err());
    assert!(parse(&["stamp", "--accept-checksum", "abc"]).is_ok());
    let Cli::Migrate(a) = parse(&["stamp", "a", "-1", "--purge", "--sql"]).unwrap();
    let Command::Stamp(s) = a.command else {
        panic!()
    };
    assert_eq!(s.stamp.targets, ["a", "-1"]);
    assert!(s.purge && s.sql.sql);
}

#[test]
fn global_options_go_before_or_after_the_subcommand() {
    assert!(parse(&["--source", "db", "heads"]).is_ok());
    assert!(parse(&["heads", "--source", "db"]).is_ok());
}
