//! One tenant of a fleet: a name that identifies it in reports, shards and
//! state, the database it lives in, and the server it shares with others.

use crate::db::Db;
use crate::url::DatabaseUrl;
use crate::Dialect;

/// Where a tenant's data is: a URL the fleet connects to (and closes after),
/// or a pool the caller already holds.
#[derive(Clone, Debug)]
#[non_exhaustive]
pub enum TenantDb {
    /// A database URL: connected to when the tenant's turn comes.
    Url(DatabaseUrl),
    /// A pool of the caller's: used, never closed.
    Pool(Db),
}

/// One tenant: a database, or a PostgreSQL schema reached through a URL whose
/// `search_path` names it.
#[derive(Clone, Debug)]
pub struct Tenant {
    id: String,
    server: String,
    db: TenantDb,
}

impl Tenant {
    /// A tenant reached by `url`. Its id is the URL without its password
    /// (as printed everywhere); its server is the URL's host and port, so
    /// that `jobs` bounds the connections each server gets.
    pub fn url(url: DatabaseUrl) -> Tenant {
        Tenant {
            id: url.to_string(),
            server: server_of(&url),
            db: TenantDb::Url(url),
        }
    }

    /// The schema `schema` of the PostgreSQL database `base`: its connections
    /// start with `search_path` set to that schema alone, so the version
    /// table (unqualified by default) and every unqualified name of the
    /// migrations land in it, and the advisory lock is the schema's own.
    /// The connections are closed after the tenant's run, so no pooled
    /// session keeps the changed path. `None` when `schema` is not made of
    /// ASCII letters, digits and `_` (at most 63), or `base` is not
    /// PostgreSQL.
    pub fn schema(base: &DatabaseUrl, schema: &str) -> Option<Tenant> {
        if base.dialect() != Dialect::Postgres || !is_identifier(schema) {
            return None;
        }
        let mut url = ::url::Url::parse(&base.driver_text()).ok()?;
        // Quoted so that upper-case letters survive; libpq-style startup
        // options split on spaces, and an identifier has none.
        url.query_pairs_mut()
            .append_pair("options", &format!("-c search_path=\"{schema}\""));
        let url = DatabaseUrl::parse(url.as_str()).ok()?;
        Some(Tenant {
            id: schema.to_owned(),
            server: server_of(base),
            db: TenantDb::Url(url),
        })
    }

    /// A pool the caller holds, named `id`, counted against `server`.
    pub fn pool(id: impl Into<String>, server: impl Into<String>, db: Db) -> Tenant {
        Tenant {
            id: id.into(),
            server: server.into(),
            db: TenantDb::Pool(db),
        }
    }

    /// The name reports, shards and resumable state know the tenant by.
    pub fn id(&self) -> &str {
        &self.id
    }

    /// The server whose connections it counts against.
    pub fn server(&self) -> &str {
        &self.server
    }

    /// Its database.
    pub fn db(&self) -> &TenantDb {
        &self.db
    }

    /// Whether the tenant belongs to shard `k` of `n` (1-based): a hash of
    /// its id that does not change between runs, machines or versions
    /// (FNV-1a), so that N jobs given `--shard 1/N` .. `N/N` split a fleet
    /// exactly, each tenant in one shard.
    pub fn in_shard(&self, k: u32, n: u32) -> bool {
        n == 0 || shard_of(&self.id, n) + 1 == k
    }
}

/// The 0-based shard of `id` among `n`.
pub fn shard_of(id: &str, n: u32) -> u32 {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for b in id.bytes() {
        hash ^= u64::from(b);
        hash = hash.wrapping_mul(0x0000_0100_0000_01b3);
    }
    (hash % u64::from(n.max(1))) as u32
}

/// The server a URL's connections count against: its address, or for SQLite
/// one shared key (the files share a disk, not a server's connection limit).
fn server_of(url: &DatabaseUrl) -> String {
    match url.address() {
        Some(address) => format!("{}:{address}", url.dialect()),
        None => url.dialect().to_string(),
    }
}

/// Letters, digits and `_`, 1 to 63 characters: a schema name that needs no
/// escaping anywhere.
pub(crate) fn is_identifier(name: &str) -> bool {
    !name.is_empty()
        && name.len() <= 63
        && name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shards_split_a_fleet_exactly_and_stay_put() {
        let ids: Vec<String> = (0..1000).map(|i| format!("tenant_{i}")).collect();
        let mut seen = vec![0u32; 1000];
        for k in 1..=4 {
            for (i, id) in ids.iter().enumerate() {
                if shard_of(id, 4) + 1 == k {
                    seen[i] += 1;
                }
            }
        }
        assert!(seen.iter().all(|&s| s == 1));
        // Pinned: a shard's members must not move between versions.
        assert_eq!(shard_of("tenant_1", 4), shard_of("tenant_1", 4));
        assert_eq!(shard_of("", 7), (0xcbf2_9ce4_8422_2325u64 % 7) as u32);
    }

    #[test]
    fn schema_tenants_set_the_search_path_and_hide_the_password() {
        let base = DatabaseUrl::parse("postgres://app:s3cret@db:5433/main").unwrap();
        let t = Tenant::schema(&base, "Tenant_7").unwrap();
        assert_eq!(t.id(), "Tenant_7");
        assert_eq!(t.server(), "postgres:db:5433");
        let TenantDb::Url(url) = t.db() else { panic!() };
        assert!(url.driver_text().contains("search_path"));
        assert!(!url.to_string().contains("s3cret"));
        assert!(Tenant::schema(&base, "a;b").is_none());
        assert!(Tenant::schema(&base, "a b").is_none());
        let sqlite = DatabaseUrl::parse("sqlite:x.db").unwrap();
        assert!(Tenant::schema(&sqlite, "a").is_none());
        let t = Tenant::url(base);
        assert!(!t.id().contains("s3cret"));
    }
}
