CREATE TABLE t (id INT PRIMARY KEY, a INT, b INT, INDEX t_ab (a, b), INDEX t_b (b));
