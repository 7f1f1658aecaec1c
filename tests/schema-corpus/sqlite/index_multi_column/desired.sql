CREATE TABLE ev (id INTEGER PRIMARY KEY, kind TEXT, at TEXT);
CREATE INDEX ev_kind_at ON ev (kind, at);
