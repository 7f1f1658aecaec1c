CREATE INDEX `d_created` ON `d` (`created` DESC);
