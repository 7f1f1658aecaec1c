ALTER TABLE "t" ADD CONSTRAINT "t_price_check" CHECK ((price > 0));
