PRAGMA foreign_keys = OFF;
BEGIN;
CREATE TABLE "new_t" (
    "id" INTEGER PRIMARY KEY AUTOINCREMENT,
    "v" TEXT
);
INSERT INTO "new_t" ("id", "v") SELECT "id", "v" FROM "t";
DROP TABLE "t";
ALTER TABLE "new_t" RENAME TO "t";
PRAGMA foreign_key_check;
COMMIT;
PRAGMA foreign_keys = ON;
