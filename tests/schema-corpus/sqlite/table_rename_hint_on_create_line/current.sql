CREATE TABLE authors (id INTEGER PRIMARY KEY, "full name" TEXT);
