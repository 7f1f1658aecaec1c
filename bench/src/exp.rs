// temporary experiment: cost of reading 1000 version rows from SQLite
pub async fn exp() {
    use migrate_runtime::sqlx::{self, Executor, Row};
    let tmp = tempfile::tempdir().unwrap();
    let file = tmp.path().join("e.db");
    let pool = crate::sqlite(&file).await;
    pool.execute("CREATE TABLE v (revision TEXT NOT NULL PRIMARY KEY, checksum TEXT NOT NULL, state TEXT NOT NULL DEFAULT 'applied', applied_at TEXT NOT NULL DEFAULT CURRENT_TIMESTAMP, duration_ms INTEGER NOT NULL DEFAULT 0)").await.unwrap();
    let mut tx = pool.begin().await.unwrap();
    for i in 0..1000 {
        sqlx::query("INSERT INTO v (revision, checksum, state, duration_ms) VALUES (?, ?, ?, ?)")
            .bind(format!("r{i:011}")).bind("ab".repeat(32)).bind("applied").bind(3i64)
            .execute(&mut *tx).await.unwrap();
    }
    tx.commit().await.unwrap();
    let time = |name: &str, mut v: Vec<std::time::Duration>| { v.sort(); println!("{name}: median {:?} min {:?}", v[v.len()/2], v[0]); };
    for _ in 0..2 {
    let mut t = vec![];
    for _ in 0..31 { let s = std::time::Instant::now(); let mut c = pool.acquire().await.unwrap(); drop(c.fetch_one("SELECT 1").await.unwrap()); drop(c); t.push(s.elapsed()); }
    time("acquire+select1", t);
    let mut t = vec![];
    for _ in 0..31 { let s = std::time::Instant::now(); let rows = pool.fetch_all("SELECT revision, checksum, state, CAST(applied_at AS TEXT), duration_ms FROM v").await.unwrap(); let n: usize = rows.iter().map(|r| r.get::<String,_>(0).len()).sum(); assert!(n>0); t.push(s.elapsed()); }
    time("5 cols rows", t);
    let mut t = vec![];
    for _ in 0..31 { let s = std::time::Instant::now(); let rows = pool.fetch_all(sqlx::query("SELECT revision, checksum, state FROM v")).await.unwrap(); let n: usize = rows.iter().map(|r| r.get::<String,_>(0).len()).sum(); assert!(n>0); t.push(s.elapsed()); }
    time("3 cols rows (prepared)", t);
    let mut t = vec![];
    for _ in 0..31 { let s = std::time::Instant::now(); let row = pool.fetch_one(sqlx::query("SELECT count(*), count(x), group_concat(x, char(30)) FROM (SELECT revision || char(31) || checksum || char(31) || state AS x FROM v)")).await.unwrap(); let txt: String = row.get(2); let n = txt.split('\x1e').count(); assert_eq!(n, 1000); t.push(s.elapsed()); }
    time("group_concat", t);
    }
}
