PRAGMA foreign_keys = OFF;
PRAGMA legacy_alter_table = 1;
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
PRAGMA legacy_alter_table = 0;
PRAGMA foreign_keys = ON;
