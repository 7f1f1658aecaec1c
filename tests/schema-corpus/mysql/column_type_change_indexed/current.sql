CREATE TABLE t (id INT PRIMARY KEY, code VARCHAR(10), INDEX t_code (code));
