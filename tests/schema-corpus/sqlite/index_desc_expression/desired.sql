CREATE TABLE ev (id INTEGER PRIMARY KEY, kind TEXT, at TEXT);
CREATE INDEX ev_kind ON ev (lower(kind) DESC, at DESC);
CREATE INDEX ev_at_id ON ev (at DESC, id ASC);
