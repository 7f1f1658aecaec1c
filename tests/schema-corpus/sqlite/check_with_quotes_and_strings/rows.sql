INSERT INTO t (id, "Status") VALUES (1, 'old');
