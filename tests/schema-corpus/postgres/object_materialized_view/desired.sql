CREATE TABLE t (id int PRIMARY KEY, n int, note text);
CREATE MATERIALIZED VIEW m AS SELECT n, count(*) AS c FROM t GROUP BY n;
