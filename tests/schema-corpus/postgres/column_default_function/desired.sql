CREATE TABLE t (id int PRIMARY KEY, at timestamptz NOT NULL DEFAULT now());
