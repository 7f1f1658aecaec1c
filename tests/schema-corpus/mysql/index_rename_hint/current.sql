CREATE TABLE t (id INT PRIMARY KEY, email VARCHAR(100), name VARCHAR(100), KEY t_email_idx (email));
CREATE INDEX t_name_idx ON t (name);
