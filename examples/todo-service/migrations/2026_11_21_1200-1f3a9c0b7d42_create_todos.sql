-- Revision ID: 1f3a9c0b7d42
-- Revises:
-- Create Date: 2026-11-21 12:00:00+00:00
-- Message: create todos

-- migrate:up
CREATE TABLE todos (
    id INTEGER PRIMARY KEY,
    title VARCHAR(200) NOT NULL,
    done BOOLEAN NOT NULL DEFAULT FALSE
);

-- migrate:down
DROP TABLE todos;
