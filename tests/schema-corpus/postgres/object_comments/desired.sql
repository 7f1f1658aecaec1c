CREATE TABLE t (id int PRIMARY KEY, n int, note text);
CREATE VIEW v AS SELECT id FROM t;
COMMENT ON VIEW v IS 'ids only';
CREATE FUNCTION add(a int, b int) RETURNS int LANGUAGE sql AS 'SELECT a + b';
