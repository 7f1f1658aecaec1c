CREATE EXTENSION citext;
CREATE TABLE t (id int PRIMARY KEY, n int, note citext);
