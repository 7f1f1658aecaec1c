CREATE TABLE t (id int PRIMARY KEY, name text);
CREATE INDEX t_name ON t (name COLLATE "C");
CREATE INDEX t_lower ON t (lower(name) COLLATE "C" text_pattern_ops);
