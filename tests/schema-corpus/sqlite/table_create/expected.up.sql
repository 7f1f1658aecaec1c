CREATE TABLE "posts" (
    "id" INTEGER,
    "title" TEXT,
    PRIMARY KEY ("id")
);
