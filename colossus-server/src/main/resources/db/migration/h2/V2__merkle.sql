-- Complete subtrees of the RFC 9162 Merkle tree over the journal: node (level, idx) covers leaves
-- [idx * 2^level, (idx + 1) * 2^level); leaf i is journal entry i + 1.
CREATE TABLE merkle_node (
    level INT    NOT NULL,
    idx   BIGINT NOT NULL,
    hash  BINARY(32) NOT NULL,
    PRIMARY KEY (level, idx)
);
