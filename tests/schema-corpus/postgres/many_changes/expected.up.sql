CREATE TYPE "visibility" AS ENUM ('public', 'private');
ALTER TABLE "posts" DROP CONSTRAINT "posts_user_id_fkey";
ALTER TABLE "users" DROP COLUMN "legacy";
CREATE TABLE "tags" (
    "post_id" integer NOT NULL,
    "tag" text NOT NULL,
    CONSTRAINT "tags_pkey" PRIMARY KEY ("post_id", "tag")
);
COMMENT ON TABLE "tags" IS 'Free-form labels';
ALTER TABLE "posts" ADD COLUMN "visibility" visibility NOT NULL DEFAULT 'public'::visibility;
ALTER TABLE "users" ADD COLUMN "created" timestamp with time zone NOT NULL DEFAULT now();
ALTER TABLE "posts" ALTER COLUMN "user_id" SET NOT NULL;
ALTER TABLE "posts" ADD CONSTRAINT "posts_body_check" CHECK ((body <> ''::text));
CREATE INDEX "posts_user" ON "posts" ("user_id") WHERE (visibility = 'public'::visibility);
ALTER TABLE "users" ADD CONSTRAINT "users_email_key" UNIQUE ("email");
ALTER TABLE "posts" ADD CONSTRAINT "posts_user_id_fkey" FOREIGN KEY ("user_id") REFERENCES "users" ("id") ON DELETE CASCADE;
ALTER TABLE "tags" ADD CONSTRAINT "tags_post_id_fkey" FOREIGN KEY ("post_id") REFERENCES "posts" ("id");
