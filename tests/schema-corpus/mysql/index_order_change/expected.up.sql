DROP INDEX `posts_author_published` ON `posts`;
CREATE INDEX `posts_author_published` ON `posts` (`author_id`, `published_at` DESC);
