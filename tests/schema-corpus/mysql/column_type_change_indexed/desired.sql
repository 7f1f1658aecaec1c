CREATE TABLE t (id INT PRIMARY KEY, code VARCHAR(40), INDEX t_code (code));
