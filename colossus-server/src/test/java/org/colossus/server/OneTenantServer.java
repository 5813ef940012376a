package org.colossus.server;

import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * A test class's one server, shared by its tests: the small test fleet, tenant lab-a with a 64-GPU on-demand
 * contract, and the operator's and lab-a's tokens.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class OneTenantServer {
    ColossusServer server;
    Api api;
    String operator;
    String tenant;
    Path dataDir;

    @BeforeAll
    void start(@TempDir Path dir) {
        dataDir = dir;
        server = TestServers.start(TestServers.config(dir, new ManualClock(TestServers.START)));
        api = new Api(server.url());
        operator = server.operatorToken();
        tenant = TestServers.tenant(api, operator, "lab-a");
        TestServers.contract(api, operator, "lab-a", "on-demand", 64);
    }

    @AfterAll
    void stop() {
        server.close();
    }
}
