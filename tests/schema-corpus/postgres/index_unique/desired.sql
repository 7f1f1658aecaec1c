CREATE TABLE t (id int PRIMARY KEY, email text, score int, doc jsonb, at timestamptz, pos point);
CREATE UNIQUE INDEX t_email ON t (email);
