CREATE TYPE "mood" AS ENUM ('sad', 'ok', 'happy');
ALTER TABLE "t" ADD COLUMN "feeling" mood NOT NULL DEFAULT 'ok'::mood;
