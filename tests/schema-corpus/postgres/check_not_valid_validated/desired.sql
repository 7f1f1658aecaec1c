CREATE TABLE t (id int PRIMARY KEY, a int, CONSTRAINT a_positive CHECK (a > 0));
