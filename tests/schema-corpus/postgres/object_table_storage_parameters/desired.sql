CREATE TABLE t (id int PRIMARY KEY, n int, note text) WITH (fillfactor = 70, autovacuum_enabled = false);
