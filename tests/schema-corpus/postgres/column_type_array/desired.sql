CREATE TABLE t (id int PRIMARY KEY, tags text[] NOT NULL DEFAULT '{}', matrix int[][]);
