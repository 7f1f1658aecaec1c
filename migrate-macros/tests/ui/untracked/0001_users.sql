-- Revision ID: a1
-- Revises: 
-- Message: 0001_users

-- migrate:up
CREATE TABLE users (id INT);

-- migrate:down
DROP TABLE users;
