DROP TABLE orientation_members;
DROP TABLE orientations;
DROP TABLE synthesis_runs;
