CREATE TABLE t (id int PRIMARY KEY, n int, note text);
CREATE FUNCTION add(a int, b int) RETURNS int LANGUAGE sql STABLE SECURITY DEFINER AS 'SELECT a + b + 0';
