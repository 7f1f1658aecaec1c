CREATE TABLE t (id int PRIMARY KEY, n int, note text);
CREATE FUNCTION add(a int, b int) RETURNS int LANGUAGE sql IMMUTABLE AS 'SELECT a + b';
