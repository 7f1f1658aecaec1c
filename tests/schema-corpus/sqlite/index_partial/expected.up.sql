CREATE INDEX "jobs_pending" ON "jobs" ("run_at") WHERE state = 'pending';
