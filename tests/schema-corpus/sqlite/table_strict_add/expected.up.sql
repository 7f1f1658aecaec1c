PRAGMA foreign_keys = OFF;
PRAGMA legacy_alter_table = 1;
BEGIN;
CREATE TABLE "new_t" (
    "id" INTEGER,
    "a" TEXT NOT NULL,
    "n" INT,
    PRIMARY KEY ("id")
) STRICT;
INSERT INTO "new_t" ("id", "a", "n") SELECT "id", "a", "n" FROM "t";
DROP TABLE "t";
ALTER TABLE "new_t" RENAME TO "t";
CREATE TEMP TABLE migrate_foreign_key_check (violations INTEGER CONSTRAINT "the rebuilt tables hold rows that violate a foreign key (see PRAGMA foreign_key_check)" CHECK (violations = 0));
INSERT INTO temp.migrate_foreign_key_check SELECT count(*) FROM pragma_foreign_key_check;
DROP TABLE temp.migrate_foreign_key_check;
COMMIT;
PRAGMA legacy_alter_table = 0;
PRAGMA foreign_keys = ON;
