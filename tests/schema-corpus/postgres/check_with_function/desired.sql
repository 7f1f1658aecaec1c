CREATE TABLE t (id int PRIMARY KEY, email text CHECK (length(email) > 0 AND email LIKE '%x%'));
