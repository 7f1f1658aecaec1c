CREATE TABLE t (id int PRIMARY KEY, due date);
