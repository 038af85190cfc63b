-- The address a follow's link was mailed to: the person "Mes données" answers for (a follow
-- link is only ever given by mail, so whoever holds it reads that mailbox). Erased with the
-- follow; purged with the consultation's personal data.
ALTER TABLE follows ADD COLUMN email TEXT;
