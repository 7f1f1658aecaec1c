CREATE TABLE t (id int PRIMARY KEY, email text, name text);
-- @renamed from=t_email_idx
CREATE INDEX "t email" ON t (email);
CREATE UNIQUE INDEX t_name_lower ON t (lower(name)); -- @renamed from=t_name_idx
