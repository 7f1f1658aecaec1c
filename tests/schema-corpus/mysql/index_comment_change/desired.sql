CREATE TABLE t (id INT PRIMARY KEY, a INT, b INT, KEY ia (a) COMMENT 'new', UNIQUE KEY ub (b) COMMENT 'unique b');
