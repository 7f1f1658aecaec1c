CREATE TABLE t (id int PRIMARY KEY, name varchar(20));
CREATE INDEX t_name ON t (name COLLATE "C");
