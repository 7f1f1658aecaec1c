CREATE SCHEMA "billing";
CREATE TABLE "billing"."invoices" (
    "id" integer NOT NULL,
    "total" numeric(10,2) NOT NULL,
    CONSTRAINT "invoices_pkey" PRIMARY KEY ("id")
);
