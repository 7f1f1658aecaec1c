-- @renamed from=people
CREATE TABLE persons (id int PRIMARY KEY, name text);
