CREATE SCHEMA archive;
-- @renamed from=public.events
CREATE TABLE archive.events (id int PRIMARY KEY);
