ALTER TABLE "parents" RENAME TO "families";
