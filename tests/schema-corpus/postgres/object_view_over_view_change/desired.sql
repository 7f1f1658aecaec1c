CREATE TABLE t (id int PRIMARY KEY, n int, note text);
CREATE VIEW v AS SELECT id, n, note FROM t;
CREATE VIEW w AS SELECT id FROM v;
