DROP INDEX "tasks_due";
CREATE INDEX "tasks_due" ON "tasks" ("due" NULLS FIRST);
CREATE INDEX "tasks_due_desc" ON "tasks" ("due" DESC, ((priority + 1)) NULLS FIRST);
