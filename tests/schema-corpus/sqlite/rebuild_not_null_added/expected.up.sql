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
CREATE TEMP TABLE migrate_foreign_key_check (violations INTEGER CONSTRAINT "the rebuilt tables hold rows that violate a foreign key (see PRAGMA foreign_key_check)" CHECK (violations = 0));
INSERT INTO temp.migrate_foreign_key_check SELECT count(*) FROM pragma_foreign_key_check;
DROP TABLE temp.migrate_foreign_key_check;
COMMIT;
PRAGMA legacy_alter_table = 0;
PRAGMA foreign_keys = ON;
