CREATE TABLE t (id int PRIMARY KEY, lo int, hi int, CONSTRAINT t_range CHECK (lo <= hi AND lo >= 0));
