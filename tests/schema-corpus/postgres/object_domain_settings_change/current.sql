CREATE DOMAIN score AS int DEFAULT 0 CONSTRAINT score_min CHECK (VALUE >= 0);
CREATE DOMAIN email AS text NOT NULL;
CREATE DOMAIN code AS text CONSTRAINT "Code Shape" CHECK (length(VALUE) > 0);
CREATE DOMAIN plain AS int;
CREATE TABLE t (id int PRIMARY KEY, s score, e email, c code, p plain);
