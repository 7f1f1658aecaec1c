DROP INDEX "t_email_idx";
CREATE INDEX "t_email" ON "t" ("email");
