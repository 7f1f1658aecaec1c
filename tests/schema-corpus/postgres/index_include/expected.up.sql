DROP INDEX "orders_customer";
CREATE INDEX "orders_customer" ON "orders" ("customer_id") INCLUDE ("total", "status");
CREATE UNIQUE INDEX "orders_unpaid" ON "orders" ("customer_id", "id" DESC) INCLUDE ("total") WHERE (NOT paid);
