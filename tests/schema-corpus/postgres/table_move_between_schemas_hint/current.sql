CREATE SCHEMA staging;
CREATE SCHEMA archive;
CREATE TABLE staging.events (id int PRIMARY KEY, at date);
