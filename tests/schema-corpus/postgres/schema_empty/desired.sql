CREATE SCHEMA reserved;
