CREATE INDEX `d_body` ON `d` (`body`(20));
