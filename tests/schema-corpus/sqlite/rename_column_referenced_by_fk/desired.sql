CREATE TABLE parents (id INTEGER PRIMARY KEY, name TEXT);
CREATE TABLE kids (
  id INTEGER PRIMARY KEY,
  family_id INTEGER REFERENCES parents (id) -- @renamed from=parent_id
);
