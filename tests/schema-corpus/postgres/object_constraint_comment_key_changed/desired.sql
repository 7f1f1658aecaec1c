CREATE TABLE t (id int NOT NULL, n int NOT NULL, CONSTRAINT t_pkey PRIMARY KEY (id, n));
COMMENT ON CONSTRAINT t_pkey ON t IS 'the key';
