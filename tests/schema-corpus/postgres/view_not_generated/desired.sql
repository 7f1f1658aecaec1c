CREATE TABLE t (id int PRIMARY KEY, name text);
CREATE VIEW t_names AS SELECT name FROM t;
CREATE FUNCTION t_count() RETURNS bigint LANGUAGE sql AS 'SELECT count(*) FROM t';
