ALTER TABLE "child" DROP CONSTRAINT "child_parent_id_fkey";
ALTER TABLE "child" ADD CONSTRAINT "child_parent_id_fkey" FOREIGN KEY ("parent_id") REFERENCES "parent" ("id") ON DELETE CASCADE;
