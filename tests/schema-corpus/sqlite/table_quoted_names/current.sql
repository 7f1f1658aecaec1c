CREATE TABLE "Order Items" ("Item Id" INTEGER PRIMARY KEY, "select" TEXT);
