DROP INDEX "t_email_idx";
CREATE INDEX "t_email_idx" ON "t" USING hash ("email");
