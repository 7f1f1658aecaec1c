CREATE TABLE authors (id int PRIMARY KEY, "full name" text);
