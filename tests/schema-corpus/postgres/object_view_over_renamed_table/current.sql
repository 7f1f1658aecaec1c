CREATE TABLE t (id int PRIMARY KEY, n int, note text);
CREATE VIEW v AS SELECT id FROM t;
