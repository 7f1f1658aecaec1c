CREATE TABLE "users" (
    "id" bigint GENERATED ALWAYS AS IDENTITY NOT NULL,
    "email" text NOT NULL,
    "created" date DEFAULT CURRENT_DATE,
    CONSTRAINT "users_pkey" PRIMARY KEY ("id")
);
