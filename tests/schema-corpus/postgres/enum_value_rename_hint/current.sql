CREATE TYPE mood AS ENUM ('glad', 'sad');
CREATE TABLE t (id int PRIMARY KEY, m mood NOT NULL);
