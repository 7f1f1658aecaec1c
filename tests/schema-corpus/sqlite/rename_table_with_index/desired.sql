-- @renamed from=users
CREATE TABLE people (
  id INTEGER PRIMARY KEY,
  name TEXT NOT NULL
);
CREATE INDEX users_name ON people (name);
