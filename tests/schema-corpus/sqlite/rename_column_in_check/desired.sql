CREATE TABLE t (
  id INTEGER PRIMARY KEY,
  quantity INTEGER CHECK (quantity >= 0) -- @renamed from=qty
);
