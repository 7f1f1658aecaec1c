DROP INDEX "users_nickname";
ALTER TABLE "users" DROP COLUMN "nickname";
