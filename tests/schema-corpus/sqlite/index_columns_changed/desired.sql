CREATE TABLE ev (id INTEGER PRIMARY KEY, kind TEXT, at TEXT);
CREATE INDEX ev_i ON ev (kind, at);
