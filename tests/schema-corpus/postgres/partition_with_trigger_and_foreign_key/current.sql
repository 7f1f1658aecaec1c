CREATE TABLE logs (id bigint NOT NULL, at date NOT NULL, PRIMARY KEY (id, at)) PARTITION BY RANGE (at);
CREATE TABLE logs_2024 PARTITION OF logs FOR VALUES FROM ('2024-01-01') TO ('2025-01-01');
CREATE FUNCTION touch() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RETURN NEW; END $$;
CREATE TRIGGER logs_touch BEFORE INSERT ON logs FOR EACH ROW EXECUTE FUNCTION touch();
CREATE TABLE refs (id int PRIMARY KEY, log_id bigint, log_at date, CONSTRAINT refs_log_fk FOREIGN KEY (log_id, log_at) REFERENCES logs (id, at));
CREATE TABLE rooms (id int PRIMARY KEY, during tsrange);
