DROP INDEX `pages_body` ON `pages`;
DROP INDEX `pages_slug` ON `pages`;
CREATE INDEX `pages_body` ON `pages` (`body`(20) DESC, `id`);
CREATE INDEX `pages_slug` ON `pages` (`slug`(30));
