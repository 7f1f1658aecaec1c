DROP INDEX "ev_kind";
CREATE INDEX "ev_at_id" ON "ev" ("at" DESC, "id");
CREATE INDEX "ev_kind" ON "ev" ((lower(kind)) DESC, "at" DESC);
