ALTER TABLE "orders" DROP CONSTRAINT "orders_customer_id_fkey";
DROP TABLE "orders";
DROP TABLE "customers";
