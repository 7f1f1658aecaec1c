CREATE TABLE t (
    id INT PRIMARY KEY,
    email VARCHAR(100),
    name VARCHAR(100),
    KEY t_email (email) -- @renamed from=t_email_idx
);
-- @renamed from=t_name_idx
CREATE INDEX t_name ON t (name);
