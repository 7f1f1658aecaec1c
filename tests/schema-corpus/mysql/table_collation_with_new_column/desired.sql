CREATE TABLE t (id INT PRIMARY KEY, code VARCHAR(20), extra VARCHAR(10), own VARCHAR(10) COLLATE utf8mb4_unicode_ci) COLLATE=utf8mb4_bin;
