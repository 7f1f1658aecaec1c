CREATE TABLE users (id INTEGER PRIMARY KEY, name TEXT NOT NULL, created TEXT DEFAULT (datetime('now')));
