CREATE TABLE jobs (id INTEGER PRIMARY KEY, state TEXT, run_at TEXT);
CREATE INDEX jobs_due ON jobs (run_at) WHERE state = 'pending';
