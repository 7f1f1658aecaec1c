CREATE TABLE t (id int PRIMARY KEY, doc jsonb, ref uuid, raw bytea, net inet);
