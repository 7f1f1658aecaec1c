CREATE TABLE p (a bigint, b int, PRIMARY KEY (a, b));
CREATE TABLE c (id int PRIMARY KEY, a bigint, b int, CONSTRAINT c_p FOREIGN KEY (a, b) REFERENCES p (a, b) MATCH FULL ON DELETE CASCADE);
