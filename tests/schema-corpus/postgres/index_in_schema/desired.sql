CREATE SCHEMA app;
CREATE TABLE app.t (id int PRIMARY KEY, n int);
CREATE INDEX t_n ON app.t (n);
