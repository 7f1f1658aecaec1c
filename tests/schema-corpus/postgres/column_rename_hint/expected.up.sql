ALTER TABLE "t" RENAME COLUMN "name" TO "full_name";
