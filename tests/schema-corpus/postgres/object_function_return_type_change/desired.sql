CREATE TABLE t (id int PRIMARY KEY, n int, note text);
CREATE FUNCTION half(a int) RETURNS numeric LANGUAGE sql AS 'SELECT a / 2.0';
