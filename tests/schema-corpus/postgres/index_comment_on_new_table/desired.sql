CREATE TABLE t (id int PRIMARY KEY, a int);
CREATE INDEX t_a ON t (a) WITH (fillfactor = 80);
COMMENT ON INDEX t_a IS 'on a new table';
