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
CREATE TEMP TABLE migrate_foreign_key_check (violations INTEGER CONSTRAINT "the rebuilt tables hold rows that violate a foreign key (see PRAGMA foreign_key_check)" CHECK (violations = 0));
INSERT INTO temp.migrate_foreign_key_check SELECT count(*) FROM pragma_foreign_key_check;
DROP TABLE temp.migrate_foreign_key_check;
COMMIT;
PRAGMA legacy_alter_table = 0;
PRAGMA foreign_keys = ON;
