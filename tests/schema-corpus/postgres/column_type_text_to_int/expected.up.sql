ALTER TABLE "t" ALTER COLUMN "n" TYPE integer USING "n"::integer;
