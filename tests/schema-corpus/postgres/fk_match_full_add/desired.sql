CREATE TABLE p (a int, b int, PRIMARY KEY (a, b));
CREATE TABLE c (id int PRIMARY KEY, a int, b int, CONSTRAINT c_p FOREIGN KEY (a, b) REFERENCES p (a, b) MATCH FULL);
