CREATE TABLE "User Table" ("Id" int PRIMARY KEY, "select" text, "Mixed Case" int UNIQUE);
