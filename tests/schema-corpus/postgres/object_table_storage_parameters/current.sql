CREATE TABLE t (id int PRIMARY KEY, n int, note text) WITH (fillfactor = 90);
