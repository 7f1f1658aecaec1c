-- Revision ID: 8b2e4d6f0a13
-- Revises: 1f3a9c0b7d42
-- Create Date: 2026-11-21 12:10:00+00:00
-- Message: add due date

-- migrate:up
ALTER TABLE todos ADD COLUMN due_date DATE;

-- migrate:down
ALTER TABLE todos DROP COLUMN due_date;
