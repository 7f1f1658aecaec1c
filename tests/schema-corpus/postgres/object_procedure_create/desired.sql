CREATE TABLE t (id int PRIMARY KEY, n int, note text);
CREATE PROCEDURE clear_notes() LANGUAGE sql AS 'UPDATE t SET note = NULL';
