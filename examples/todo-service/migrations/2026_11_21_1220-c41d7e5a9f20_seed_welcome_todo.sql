-- Revision ID: c41d7e5a9f20
-- Revises: 8b2e4d6f0a13
-- Create Date: 2026-11-21 12:20:00+00:00
-- Message: seed welcome todo

-- migrate:up
-- Data migrations are revisions too. Applied twice, this would fail on the
-- primary key, so it also shows that every revision runs exactly once.
INSERT INTO todos (id, title, done) VALUES (1, 'Read the README', FALSE);

-- migrate:down
DELETE FROM todos WHERE id = 1;
