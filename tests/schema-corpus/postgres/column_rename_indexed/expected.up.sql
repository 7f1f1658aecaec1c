ALTER TABLE "t" RENAME COLUMN "name" TO "label";
