CREATE TABLE t2 ( -- @renamed from=t
  id INT PRIMARY KEY, code VARCHAR(20)) COLLATE=utf8mb4_bin;
