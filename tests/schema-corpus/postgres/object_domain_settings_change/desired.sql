CREATE DOMAIN score AS int DEFAULT 1 CONSTRAINT score_min CHECK (VALUE >= -1) CONSTRAINT score_max CHECK (VALUE <= 1000000);
CREATE DOMAIN email AS text;
CREATE DOMAIN code AS text DEFAULT 'abc';
CREATE DOMAIN plain AS int NOT NULL CHECK (VALUE <> -7);
CREATE TABLE t (id int PRIMARY KEY, s score, e email, c code, p plain);
