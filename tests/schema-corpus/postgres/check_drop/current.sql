CREATE TABLE t (id int PRIMARY KEY, price int CHECK (price > 0));
