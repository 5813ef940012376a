-- H2 keeps a table's rows in its primary-key B-tree. Keyed by (node, leaf), every batch of node leaves landed all
-- over the tree and each commit rewrote most of its pages; keyed by leaf, rows are appended at the right edge and
-- only the small (node, leaf) index takes the scattered inserts (docs/performance.md, audit log at scale).
-- PostgreSQL keeps rows in a heap whatever the key, so its schema stays as it is.
CREATE TABLE audit_node_leaf_v5 (
    node        INT    NOT NULL,
    leaf        BIGINT NOT NULL PRIMARY KEY,
    seq         BIGINT NOT NULL,
    time_millis BIGINT NOT NULL,
    holders     INT    NOT NULL,
    data        VARBINARY NOT NULL
);
INSERT INTO audit_node_leaf_v5 (node, leaf, seq, time_millis, holders, data)
    SELECT node, leaf, seq, time_millis, holders, data FROM audit_node_leaf ORDER BY leaf;
DROP TABLE audit_node_leaf;
ALTER TABLE audit_node_leaf_v5 RENAME TO audit_node_leaf;
CREATE UNIQUE INDEX audit_node_leaf_by_node ON audit_node_leaf (node, leaf);
