CREATE TABLE ev (id INTEGER PRIMARY KEY, kind TEXT, at TEXT);
CREATE INDEX ev_kind ON ev (lower(kind), at DESC);
