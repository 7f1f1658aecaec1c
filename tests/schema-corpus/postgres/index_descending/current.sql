CREATE TABLE events (id int PRIMARY KEY, kind text, created_at timestamptz NOT NULL);
CREATE INDEX events_created ON events (created_at);
