-- @renamed from=t
CREATE TABLE u (id int PRIMARY KEY, n int, note text);
CREATE VIEW v AS SELECT id FROM u;
