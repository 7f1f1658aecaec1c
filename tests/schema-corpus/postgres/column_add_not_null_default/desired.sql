CREATE TABLE t (id int PRIMARY KEY, name text, active boolean NOT NULL DEFAULT true);
