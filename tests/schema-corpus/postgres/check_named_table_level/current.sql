CREATE TABLE t (id int PRIMARY KEY, lo int, hi int);
