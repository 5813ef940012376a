package org.colossus.server;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.colossus.server.journal.JdbcStore;
import org.junit.jupiter.api.Assumptions;

/**
 * The databases the store suite runs against: H2 always; PostgreSQL when {@code COLOSSUS_TEST_PG_URL} names one
 * (.ci/run installs and starts it and sets the variable; with {@code COLOSSUS_REQUIRE_PG=1} its absence fails).
 */
final class Databases {
    private Databases() {
    }

    static final String PG_URL = System.getenv("COLOSSUS_TEST_PG_URL");

    static List<String> kinds() {
        List<String> out = new ArrayList<>(List.of("h2"));
        if (PG_URL != null && !PG_URL.isBlank()) {
            out.add("postgresql");
        } else if ("1".equals(System.getenv("COLOSSUS_REQUIRE_PG"))) {
            throw new IllegalStateException("COLOSSUS_REQUIRE_PG=1 but COLOSSUS_TEST_PG_URL is not set");
        }
        return out;
    }

    /** Applies the database kind to a server configuration; PostgreSQL's journal is emptied first. */
    static ServerConfig configure(ServerConfig c, String kind, Path dir) {
        if (kind.equals("h2")) {
            return c.withDataDir(dir);
        }
        Assumptions.assumeTrue(PG_URL != null, "COLOSSUS_TEST_PG_URL not set");
        try (JdbcStore s = JdbcStore.open(PG_URL, null, null)) {
            s.truncateForTests();
        }
        return c.withDataDir(dir).withDb(PG_URL, null, null);
    }

    static JdbcStore open(String kind, Path dir) {
        if (kind.equals("h2")) {
            return JdbcStore.h2(dir);
        }
        JdbcStore s = JdbcStore.open(PG_URL, null, null);
        s.truncateForTests();
        return s;
    }
}
