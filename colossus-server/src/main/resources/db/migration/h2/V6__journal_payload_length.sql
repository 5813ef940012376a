-- A placement of a fleet-wide gang lists every node and its GPUs: 27,648 nodes of colossus2 make a job.placed payload
-- of about 210,000 characters, which VARCHAR(65536) refused (the journal append failed with a 503 and the job could
-- never start). 1,000,000 characters is H2's largest VARCHAR: placements of up to about 130,000 nodes.
ALTER TABLE journal ALTER COLUMN payload SET DATA TYPE VARCHAR(1000000);
