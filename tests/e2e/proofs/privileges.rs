//! `--privileges`: grants, owners and default privileges are compared only
//! when asked. A down that forgets to revoke its up's grant fails the
//! stairway with it, naming the grant, and passes without it, the report
//! saying that grants were not compared.

use super::{on, server, set};
use crate::support::{rev, Backend};
use migrate_devtools::stairway::{Outcome, Stairway, StairwayReport};

async fn walk(b: Backend, privileges: bool) -> StairwayReport {
    // PUBLIC needs no role of its own (MariaDB 10.11 has it too); a
    // MariaDB grant outlives DROP TABLE, and the scratch database's drop
    // revokes what is left.
    let migrations = set(&[
        rev("a1", &[])
            .up("CREATE TABLE ledger (id INT PRIMARY KEY);")
            .down("DROP TABLE ledger;"),
        rev("b2", &["a1"])
            .up("GRANT SELECT ON ledger TO PUBLIC;")
            .down("SELECT 1;"),
    ]);
    Stairway::new(migrations, server(b))
        .privileges(privileges)
        .run()
        .await
        .expect("the stairway runs")
}

async fn a_grant_left_behind_fails_only_with_privileges(b: Backend) {
    let with = walk(b, true).await;
    let failed: Vec<_> = with.failures().collect();
    assert_eq!(failed.len(), 1, "{with:#?}");
    assert_eq!(failed[0].id, "b2", "{with:#?}");
    let Outcome::Failed(f) = &failed[0].outcome else {
        unreachable!()
    };
    let text = f.to_string();
    assert!(
        text.contains("GRANT SELECT") && text.contains("ledger"),
        "{text}"
    );
    assert!(with.unchecked.is_empty(), "{with:#?}");

    let without = walk(b, false).await;
    assert!(without.passed(), "{without:#?}");
    assert!(
        without
            .unchecked
            .iter()
            .any(|u| u.starts_with("grants, owners and default privileges")),
        "{without:#?}"
    );
}
on!(a_grant_left_behind_fails_only_with_privileges: postgres = Postgres, mysql = MySql);
