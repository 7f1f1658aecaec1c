CREATE TABLE events (id int PRIMARY KEY, kind text, created_at timestamptz NOT NULL);
CREATE INDEX events_created ON events (created_at DESC);
CREATE INDEX events_kind_recent ON events (lower(kind) DESC, created_at DESC, id);
