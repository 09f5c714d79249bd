-- A project's description (project-created's `description`, added with a default: decision
-- 97). Rows made before it have none; `ossature projections rebuild projects-catalog` fills
-- them from the events, where events stored before it have none either.

alter table projects add column description text not null default '';
