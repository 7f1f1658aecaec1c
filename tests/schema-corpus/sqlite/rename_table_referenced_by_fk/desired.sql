-- @renamed from=parents
CREATE TABLE families (id INTEGER PRIMARY KEY, name TEXT);
CREATE TABLE kids (id INTEGER PRIMARY KEY, parent_id INTEGER REFERENCES families (id));
