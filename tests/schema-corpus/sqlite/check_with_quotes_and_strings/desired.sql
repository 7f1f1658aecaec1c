CREATE TABLE t (id INTEGER PRIMARY KEY, "Status" TEXT CHECK ("Status" IN ('it''s', 'new', 'old')) DEFAULT 'new');
