ALTER TABLE "authors" RENAME TO "writers";
