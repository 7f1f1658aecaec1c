CREATE TABLE t (id int PRIMARY KEY, price numeric, qty int);
