ALTER TABLE "staging"."events" SET SCHEMA "archive";
