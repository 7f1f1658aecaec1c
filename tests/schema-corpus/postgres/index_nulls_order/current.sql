CREATE TABLE tasks (id int PRIMARY KEY, due date, priority int, done_at timestamptz);
CREATE INDEX tasks_due ON tasks (due);
CREATE INDEX tasks_priority ON tasks (priority DESC NULLS LAST);
CREATE INDEX tasks_done ON tasks (done_at ASC NULLS LAST);
