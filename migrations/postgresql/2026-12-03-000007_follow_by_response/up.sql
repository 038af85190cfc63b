-- "Suivre mes contributions" of a questionnaire response finds its contributions through the
-- response (responses.follow_id, then response_contributions) instead of one
-- follow_contributions row each: seven fewer rows to write per submitted response
-- (docs/benchmarks.md). follow_contributions stays for what has no response (an online
-- contribution, a response followed before this migration).
CREATE INDEX responses_follow_idx ON responses (follow_id) WHERE follow_id IS NOT NULL;
