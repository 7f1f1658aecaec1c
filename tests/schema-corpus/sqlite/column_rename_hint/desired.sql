CREATE TABLE users (
  id INTEGER PRIMARY KEY,
  full_name TEXT NOT NULL -- @renamed from=name
);
