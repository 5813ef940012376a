-- High availability (issue 21): one row says which server leads, under which fencing epoch, until when.
-- Every journal append and audit write of a leader checks the epoch in its own transaction, so a deposed leader
-- (paused, partitioned) cannot write after another took over.
CREATE TABLE leadership (
    id             INT          NOT NULL PRIMARY KEY,
    epoch          BIGINT       NOT NULL,
    holder         VARCHAR(200),
    url            VARCHAR(1000),
    lease_until_ms BIGINT       NOT NULL
);
INSERT INTO leadership (id, epoch, holder, url, lease_until_ms) VALUES (1, 0, NULL, NULL, 0);
