CREATE TABLE t (id int, a int, CONSTRAINT t_pkey PRIMARY KEY (id));
