CREATE TABLE t (id INTEGER PRIMARY KEY, email TEXT);
CREATE INDEX t_email ON t (email); -- @renamed from=t_email_idx
