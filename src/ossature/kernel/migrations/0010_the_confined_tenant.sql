-- The tenant a statement was confined to by `ossature_confine` (live/ossature_confine.sql),
-- its guard checked: the first parameter of a module's function that runs as one statement.
-- Only the kernel's door makes one; a function that takes one cannot forget the guard.
create domain ossature_confined as text;
