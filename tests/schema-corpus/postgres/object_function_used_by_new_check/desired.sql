CREATE FUNCTION is_small(v int) RETURNS boolean LANGUAGE sql IMMUTABLE AS 'SELECT v < 1000000';
CREATE TABLE t (id int PRIMARY KEY, n int CONSTRAINT n_small CHECK (is_small(n)));
