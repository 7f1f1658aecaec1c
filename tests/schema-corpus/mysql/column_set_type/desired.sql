CREATE TABLE t (id INT PRIMARY KEY, tags SET('a','b','c') DEFAULT 'a,b');
