CREATE TABLE t (id int PRIMARY KEY, n bigint, note text);
CREATE VIEW v AS SELECT id, n FROM t;
CREATE VIEW w AS SELECT n FROM v;
