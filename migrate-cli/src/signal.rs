//! Ctrl-C and SIGTERM during scratch work (feature `rehearse`): the work
//! is dropped, then the scratch databases it made, so that no copy is left
//! on a dev server and no copy tool is still filling one.

use super::error::CmdError;
use migrate_devtools::scratch::drop_live;

/// `work`, unless Ctrl-C or SIGTERM comes first: then `work` is dropped
/// (its copy tools killed, its temporary files removed) and only then are
/// the scratch databases dropped, so no tool is still filling one.
pub(crate) async fn until_signal<T>(
    work: impl std::future::Future<Output = Result<T, migrate_devtools::rehearse::RehearseError>>,
) -> Result<T, CmdError> {
    #[cfg(unix)]
    let mut term = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())
        .map_err(CmdError::Output)?;
    #[cfg(unix)]
    let terminated = term.recv();
    #[cfg(not(unix))]
    let terminated = std::future::pending::<Option<()>>();
    let done = tokio::select! {
        result = work => Some(result),
        _ = tokio::signal::ctrl_c() => None,
        _ = terminated => None,
    };
    match done {
        Some(result) => Ok(result?),
        None => Err(CmdError::Interrupted {
            left: drop_live().await,
        }),
    }
}
