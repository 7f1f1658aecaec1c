DROP INDEX "ev_at";
CREATE INDEX "ev_at" ON "ev" ("at" DESC);
