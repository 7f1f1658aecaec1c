CREATE TABLE tasks (id int PRIMARY KEY, due date, priority int, done_at timestamptz);
CREATE INDEX tasks_due ON tasks (due NULLS FIRST);
CREATE INDEX tasks_priority ON tasks (priority DESC NULLS LAST);
CREATE INDEX tasks_done ON tasks (done_at);
CREATE INDEX tasks_due_desc ON tasks (due DESC NULLS FIRST, (priority + 1) NULLS FIRST);
