-- @renamed from=users
CREATE TABLE people (
  id INTEGER PRIMARY KEY,
  name TEXT NOT NULL
);
