CREATE TABLE users (
  id INTEGER PRIMARY KEY,
  name TEXT NOT NULL
);
CREATE TABLE jobs (id INTEGER PRIMARY KEY, state TEXT, run_at TEXT);
CREATE INDEX jobs_pending ON jobs (run_at) WHERE state='pending';
