ALTER TYPE "mood" RENAME TO "mood_old";
CREATE TYPE "mood" AS ENUM ('sad', 'ok');
ALTER TABLE "t" ALTER COLUMN "feeling" DROP DEFAULT;
ALTER TABLE "t" ALTER COLUMN "feeling" TYPE "mood" USING "feeling"::text::"mood";
ALTER TABLE "t" ALTER COLUMN "history" TYPE "mood"[] USING "history"::text[]::"mood"[];
ALTER TABLE "t" ALTER COLUMN "feeling" SET DEFAULT 'sad'::mood;
DROP TYPE "mood_old";
