CREATE TABLE t (id int PRIMARY KEY, name text, code varchar(10));
CREATE INDEX t_name ON t (name);
