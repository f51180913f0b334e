CREATE TABLE `statistics_releases` (
	`id` text PRIMARY KEY NOT NULL,
	`title` text NOT NULL,
	`published_by` text NOT NULL,
	`published_at` text NOT NULL,
	`k` integer NOT NULL,
	`figures` text NOT NULL
);
