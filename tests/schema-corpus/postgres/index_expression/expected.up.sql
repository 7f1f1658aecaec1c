CREATE UNIQUE INDEX "t_lower_email" ON "t" ((lower(email)));
