CREATE TABLE parents (id INTEGER PRIMARY KEY, name TEXT);
CREATE TABLE kids (id INTEGER PRIMARY KEY, parent_id INTEGER, nick TEXT, age INTEGER);
CREATE INDEX kids_nick ON kids (nick);
