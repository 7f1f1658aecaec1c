CREATE TABLE t (
  id INTEGER PRIMARY KEY,
  b TEXT NOT NULL DEFAULT '' -- @renamed from=a
);
