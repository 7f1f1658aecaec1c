-- @renamed from=authors
CREATE TABLE writers (id int PRIMARY KEY);
CREATE TABLE books (id int PRIMARY KEY, author_id int REFERENCES writers);
