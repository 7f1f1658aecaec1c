CREATE SEQUENCE tickets START 100;
CREATE TABLE t (id int PRIMARY KEY, n int DEFAULT nextval('tickets'), note text);
