DROP INDEX responses_follow_idx;
