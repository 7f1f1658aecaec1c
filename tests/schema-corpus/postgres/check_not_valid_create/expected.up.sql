CREATE TABLE "t" (
    "id" integer NOT NULL,
    "a" integer,
    CONSTRAINT "t_pkey" PRIMARY KEY ("id")
);
ALTER TABLE "t" ADD CONSTRAINT "a_positive" CHECK ((a > 0)) NOT VALID;
