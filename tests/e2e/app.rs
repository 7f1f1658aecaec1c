//! The application's own `migrate` command (`migrate_runtime::cli`), run
//! as `todo-service migrate ...`: a separate binary with its migrations
//! embedded, on each backend. Then backups before upgrades
//! (`upgrade --backup DIR`), restored and compared with the database as it
//! was before the upgrade.

mod backups;
mod commands;

use crate::support::{run_to_end, todo_service_bin, Ran};
use std::path::Path;
use std::process::{Command, Stdio};

/// The todo-service's revisions, in order.
pub const REVS: [&str; 3] = ["1f3a9c0b7d42", "8b2e4d6f0a13", "c41d7e5a9f20"];

/// The server password of scripts/servers, which no output may show.
pub const PASSWORD: &str = "migrate-secret";

/// `todo-service migrate ARGS` with `DATABASE_URL=url`, in `dir`, stdin
/// not a terminal.
pub fn app(url: &str, dir: &Path, args: &[&str]) -> Ran {
    app_with(url, dir, args, |_| {})
}

/// [`app`] with changes to the command (its environment, say).
pub fn app_with(url: &str, dir: &Path, args: &[&str], tweak: impl FnOnce(&mut Command)) -> Ran {
    let mut cmd = Command::new(todo_service_bin());
    cmd.current_dir(dir)
        .env("DATABASE_URL", url)
        .env_remove("MIGRATE_TABLE")
        .arg("migrate")
        .args(args)
        .stdin(Stdio::null());
    tweak(&mut cmd);
    let ran = run_to_end(&mut cmd);
    for text in [&ran.stdout, &ran.stderr] {
        assert!(
            !text.contains(PASSWORD),
            "`migrate {}` printed the password:\n{text}",
            args.join(" ")
        );
    }
    ran
}

/// Asserts the exit code, showing the output when it differs.
#[track_caller]
pub fn expect(ran: &Ran, code: i32) {
    assert_eq!(ran.code, code, "{ran:#?}");
}
