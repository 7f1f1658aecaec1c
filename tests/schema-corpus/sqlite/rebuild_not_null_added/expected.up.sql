PRAGMA foreign_keys = OFF;
BEGIN;
CREATE TABLE "new_users" (
    "id" INTEGER,
    "name" TEXT NOT NULL,
    PRIMARY KEY ("id")
);
INSERT INTO "new_users" ("id", "name") SELECT "id", "name" FROM "users";
DROP TABLE "users";
ALTER TABLE "new_users" RENAME TO "users";
PRAGMA foreign_key_check;
COMMIT;
PRAGMA foreign_keys = ON;
