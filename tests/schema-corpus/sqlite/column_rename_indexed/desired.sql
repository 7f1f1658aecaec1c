CREATE TABLE users (
  id INTEGER PRIMARY KEY,
  full_name TEXT NOT NULL -- @renamed from=name
);
CREATE INDEX users_name ON users (full_name);
