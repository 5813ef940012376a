CREATE TABLE journal (
    seq         BIGINT       NOT NULL PRIMARY KEY,
    time_millis BIGINT       NOT NULL,
    type        VARCHAR(64)  NOT NULL,
    actor       VARCHAR(128) NOT NULL,
    tenant      VARCHAR(64),
    payload     TEXT         NOT NULL
);
CREATE TABLE snapshot (
    seq        BIGINT      NOT NULL PRIMARY KEY,
    state_hash VARCHAR(64) NOT NULL,
    body       BYTEA       NOT NULL
);
