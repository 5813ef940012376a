-- The audit log's Merkle tree as tiles (C2SP tlog-tiles layout, MerkleTiles): tile (level, idx) holds the hashes of
-- tree level 8 * level at indices [256 * idx, 256 * idx + length / 32). One row per 256 hashes instead of one per
-- node; every other complete subtree is computed from at most 128 hashes of one tile.
DROP TABLE merkle_node;
CREATE TABLE merkle_tile (
    level  INT    NOT NULL,
    idx    BIGINT NOT NULL,
    hashes BYTEA NOT NULL,
    PRIMARY KEY (level, idx)
);

-- The log is rebuilt from the journal at the next start: its leaves and their order follow from the journal and the
-- log's secret alone, so the rebuilt tree has the same root at every size and earlier checkpoints stay consistent.
DELETE FROM audit_node_leaf;
DELETE FROM audit_event;
DELETE FROM audit_holding;
UPDATE audit_progress SET seq = 0, leaves = 0 WHERE id = 1;
