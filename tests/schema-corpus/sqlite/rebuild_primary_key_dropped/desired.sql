CREATE TABLE t (code TEXT, label TEXT);
