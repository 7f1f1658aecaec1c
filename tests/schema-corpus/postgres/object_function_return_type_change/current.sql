CREATE TABLE t (id int PRIMARY KEY, n int, note text);
CREATE FUNCTION half(a int) RETURNS int LANGUAGE sql AS 'SELECT a / 2';
