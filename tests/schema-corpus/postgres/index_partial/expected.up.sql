CREATE INDEX "t_active" ON "t" ("score") WHERE ((score > 0) AND (email IS NOT NULL));
