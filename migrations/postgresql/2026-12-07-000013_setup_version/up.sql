-- A consultation's set-up can be edited from the pages (issue 17): its version goes up with every
-- edit of its themes, territories or legal families, so that each server process knows when the
-- frame it keeps in memory (essaim_core::domain::consultation::frame_of) is out of date.
ALTER TABLE consultations ADD COLUMN setup_version INTEGER NOT NULL DEFAULT 0;
