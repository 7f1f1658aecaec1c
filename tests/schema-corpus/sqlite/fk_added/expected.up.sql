PRAGMA foreign_keys = OFF;
PRAGMA legacy_alter_table = 1;
BEGIN;
CREATE TABLE "new_kids" (
    "id" INTEGER,
    "parent_id" INTEGER,
    PRIMARY KEY ("id"),
    FOREIGN KEY ("parent_id") REFERENCES "parents" ("id")
);
INSERT INTO "new_kids" ("id", "parent_id") SELECT "id", "parent_id" FROM "kids";
DROP TABLE "kids";
ALTER TABLE "new_kids" RENAME TO "kids";
PRAGMA foreign_key_check;
COMMIT;
PRAGMA legacy_alter_table = 0;
PRAGMA foreign_keys = ON;
