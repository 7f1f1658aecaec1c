CREATE TABLE t (id int PRIMARY KEY, a int, b int, CONSTRAINT t_u UNIQUE (a));
