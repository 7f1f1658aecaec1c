CREATE TABLE t (id INTEGER PRIMARY KEY, email TEXT);
CREATE INDEX t_email_idx ON t (email);
