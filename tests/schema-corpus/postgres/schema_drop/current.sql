CREATE SCHEMA old;
CREATE TABLE old.t (id int);
CREATE TABLE keep (id int);
