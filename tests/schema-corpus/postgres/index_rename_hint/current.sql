CREATE TABLE t (id int PRIMARY KEY, email text, name text);
CREATE INDEX t_email_idx ON t (email);
CREATE UNIQUE INDEX t_name_idx ON t (lower(name));
