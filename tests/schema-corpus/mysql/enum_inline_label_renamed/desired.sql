CREATE TABLE orders (
  id INT PRIMARY KEY,
  state ENUM(
    'open',
    'closed', -- @renamed from=done
    'overdue' -- @renamed from=late
  ) NOT NULL DEFAULT 'open'
);
