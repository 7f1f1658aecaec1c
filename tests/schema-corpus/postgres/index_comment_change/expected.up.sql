DROP INDEX "t_a";
CREATE INDEX "t_a" ON "t" ("a");
COMMENT ON INDEX "t_a" IS 'new';
