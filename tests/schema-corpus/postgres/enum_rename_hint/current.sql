CREATE TYPE feeling AS ENUM ('glad', 'sad');
CREATE TABLE t (id int PRIMARY KEY, m feeling NOT NULL DEFAULT 'glad', ms feeling[]);
