//! The runtime alone, as an application would call it: reads a migrations
//! directory and upgrades a database to head. The benchmark in `bench/run.sh`
//! compares `cargo migrate upgrade` with this, to measure what the CLI adds.
//!
//! ```text
//! cargo run --release -p cargo-migrate --example runtime_apply -- DIR URL
//! ```

use migrate_runtime::{Db, Migrations};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let (Some(dir), Some(url)) = (args.next(), args.next()) else {
        return Err("usage: runtime_apply DIR URL".into());
    };
    let migrations = Migrations::from_dir(&dir)?;
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    rt.block_on(async {
        let db = Db::connect(&url).await?;
        migrations.migrator().upgrade(&db, "head").await?;
        db.close().await;
        Ok::<_, migrate_runtime::Error>(())
    })?;
    Ok(())
}
