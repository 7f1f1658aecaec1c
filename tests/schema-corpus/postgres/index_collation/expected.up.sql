DROP INDEX "t_name";
CREATE INDEX "t_lower" ON "t" ((lower(name)) COLLATE "C" text_pattern_ops);
CREATE INDEX "t_name" ON "t" ("name" COLLATE "C");
