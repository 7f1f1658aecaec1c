//! `revision` and `merge`: writing new migration files (`--autogenerate`
//! hands over to `autogen`).

use super::new_revision::{parents, write, NewFile};
use super::Env;
use crate::args::{MergeArgs, RevisionArgs};
use crate::error::CliError;
use crate::project::Project;
use std::io::Write;

/// `revision -m MSG`: a new file on top of the head (or `--head`).
pub(crate) fn revision(
    args: &RevisionArgs,
    env: &Env<'_>,
    out: &mut dyn Write,
) -> Result<(), CliError> {
    if args.auto.autogenerate {
        return super::autogen::run(args, env, out);
    }
    let project = Project::load(&env.settings.source)?;
    let (parents, depends_on) = parents(&project, args)?;
    let path = write(
        &project,
        env,
        &NewFile {
            message: &args.message,
            rev_id: args.rev_id.as_deref(),
            parents: &parents,
            depends_on: &depends_on,
            labels: &args.branch_label,
            replaces: &[],
            sections: None,
        },
    )?;
    writeln!(out, "created {}", path.display())?;
    Ok(())
}

/// `merge -m MSG REV...`: a revision whose parents are the given revisions.
pub(crate) fn merge(args: &MergeArgs, env: &Env<'_>, out: &mut dyn Write) -> Result<(), CliError> {
    let project = Project::load(&env.settings.source)?;
    let graph = project.graph();
    let mut revs: Vec<usize> = Vec::new();
    for text in &args.revisions {
        let found = if text == "heads" {
            graph.heads().to_vec()
        } else {
            vec![project.resolve_one(text)?]
        };
        for i in found {
            if !revs.contains(&i) {
                revs.push(i);
            }
        }
    }
    if revs.len() < 2 {
        let what = match revs.as_slice() {
            [] => "there are no revisions yet".to_owned(),
            [one] if args.revisions.iter().any(|r| r == "heads") => {
                format!("there is one head, {}", graph.describe(*one))
            }
            [one] => format!("only one revision given, {}", graph.describe(*one)),
            _ => unreachable!("fewer than two"),
        };
        return Err(CliError::NothingToMerge { what });
    }
    for (k, &a) in revs.iter().enumerate() {
        for &b in &revs[k + 1..] {
            let (x, y) = if graph.ancestors([b]).contains(a) {
                (a, b)
            } else {
                (b, a)
            };
            if graph.ancestors([y]).contains(x) {
                return Err(CliError::MergeAncestor {
                    ancestor: graph.describe(x),
                    descendant: graph.describe(y),
                });
            }
        }
    }
    let parents: Vec<String> = revs.iter().map(|&i| graph.id(i).to_owned()).collect();
    let path = write(
        &project,
        env,
        &NewFile {
            message: &args.message,
            rev_id: args.rev_id.as_deref(),
            parents: &parents,
            depends_on: &[],
            labels: &args.branch_label,
            replaces: &[],
            sections: None,
        },
    )?;
    writeln!(out, "created {}", path.display())?;
    Ok(())
}
