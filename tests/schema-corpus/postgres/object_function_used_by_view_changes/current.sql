CREATE TABLE t (id int PRIMARY KEY, n int, note text);
CREATE FUNCTION twice(a int) RETURNS int LANGUAGE sql AS 'SELECT a * 2';
CREATE VIEW v AS SELECT twice(n) AS n2 FROM t;
