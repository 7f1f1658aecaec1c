CREATE TABLE t (id int PRIMARY KEY, email text, score int, doc jsonb, at timestamptz, pos point);
