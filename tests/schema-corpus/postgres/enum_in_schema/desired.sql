CREATE SCHEMA app;
CREATE TYPE app.status AS ENUM ('new', 'done');
CREATE TABLE app.tasks (id int PRIMARY KEY, status app.status NOT NULL DEFAULT 'new');
