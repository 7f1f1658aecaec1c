CREATE TABLE t (id int PRIMARY KEY, name text, code varchar(10));
CREATE INDEX t_name ON t (name text_pattern_ops);
CREATE INDEX t_code ON t (code varchar_pattern_ops DESC);
