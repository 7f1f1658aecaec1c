CREATE SCHEMA archive;
-- @renamed from=events
CREATE TABLE archive.events (id int PRIMARY KEY);
