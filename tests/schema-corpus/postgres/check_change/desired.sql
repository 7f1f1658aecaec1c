CREATE TABLE t (id int PRIMARY KEY, price int CONSTRAINT t_price CHECK (price >= 0 AND price < 1000));
