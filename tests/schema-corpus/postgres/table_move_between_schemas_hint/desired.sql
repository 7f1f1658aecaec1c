CREATE SCHEMA staging;
CREATE SCHEMA archive;
-- @renamed from=staging.events
CREATE TABLE archive.events (id int PRIMARY KEY, at date);
