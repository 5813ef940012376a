-- The console's fleet samples (HistoryStore): a view kept so that the plots survive a restart; not part of the
-- journal's record, and never read by replay.
CREATE TABLE fleet_sample (
    time_millis BIGINT PRIMARY KEY,
    data        TEXT NOT NULL
);
