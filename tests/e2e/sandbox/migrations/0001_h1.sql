-- Revision ID: h1
-- Revises:

-- migrate:up
CREATE TABLE notes (id INT PRIMARY KEY, body VARCHAR(100));

-- migrate:down
DROP TABLE notes;
