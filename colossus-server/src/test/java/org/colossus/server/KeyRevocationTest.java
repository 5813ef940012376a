package org.colossus.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A leaked tenant key can be revoked, by the operator or by the tenant itself; a revoked key is refused at once. */
class KeyRevocationTest {
    @TempDir
    Path dir;

    private static String keyId(String token) {
        return token.split("_")[1];
    }

    private static List<String> ids(JsonNode n) {
        List<String> out = new ArrayList<>();
        n.get("keyIds").forEach(x -> out.add(x.asText()));
        return out;
    }

    @Test
    void revoke_byTenantOrOperator_refusedAtOnceJournaledAndKeptAfterARestart() {
        ServerConfig config = TestServers.config(dir, new ManualClock(TestServers.START));
        String first;
        String second;
        try (ColossusServer server = TestServers.start(config)) {
            Api api = new Api(server.url());
            String op = server.operatorToken();
            first = TestServers.tenant(api, op, "lab-a");
            String rival = TestServers.tenant(api, op, "lab-b");
            Api.Response issued = api.post("/api/v1/tenants/lab-a/keys", op, null);
            second = issued.json().get("apiKey").asText();
            String third = api.post("/api/v1/tenants/lab-a/keys", op, null).json().get("apiKey").asText();
            assertThat(api.get("/api/v1/whoami", first).status()).isEqualTo(200); // cached as verified

            // Listing: the operator and the tenant itself see key ids, never secrets; a rival gets "no such tenant".
            Api.Response own = api.get("/api/v1/tenants/lab-a/keys", first);
            assertThat(own.status()).as(own.body()).isEqualTo(200);
            assertThat(ids(own.json())).containsExactlyInAnyOrder(keyId(first), keyId(second), keyId(third));
            assertThat(own.body()).doesNotContain(first.substring(first.lastIndexOf('_') + 1));
            assertThat(ids(api.get("/api/v1/tenants/lab-a/keys", op).json())).hasSize(3);
            Api.Response probe = api.get("/api/v1/tenants/lab-a/keys", rival);
            assertThat(probe.status()).isEqualTo(404);
            assertThat(probe.body()).isEqualTo(api.get("/api/v1/tenants/lab-zz/keys", rival).body()
                    .replace("lab-zz", "lab-a"));

            // A rival cannot revoke lab-a's keys, nor learn whether a key id exists.
            assertThat(api.post("/api/v1/tenants/lab-a/keys/" + keyId(second) + "/revoke", rival, null).status())
                    .isEqualTo(404);
            assertThat(api.post("/api/v1/tenants/lab-b/keys/" + keyId(second) + "/revoke", rival, null).status())
                    .isEqualTo(404);

            // The tenant revokes its leaked first key with its second: the first is refused at once.
            Api.Response revoked = api.post("/api/v1/tenants/lab-a/keys/" + keyId(first) + "/revoke", second, null);
            assertThat(revoked.status()).as(revoked.body()).isEqualTo(200);
            assertThat(ids(revoked.json())).containsExactlyInAnyOrder(keyId(second), keyId(third));
            assertThat(api.get("/api/v1/whoami", first).status()).isEqualTo(401);
            assertThat(api.get("/api/v1/jobs", first).status()).isEqualTo(401);
            assertThat(api.post("/api/v1/tenants/lab-a/keys/" + keyId(first) + "/revoke", second, null).status())
                    .isEqualTo(404);
            // The operator revokes the third.
            assertThat(api.post("/api/v1/tenants/lab-a/keys/" + keyId(third) + "/revoke", op, null).status()).isEqualTo(200);
            assertThat(api.get("/api/v1/whoami", third).status()).isEqualTo(401);
            assertThat(api.get("/api/v1/whoami", second).status()).isEqualTo(200);
            long revocations = server.store().lastSeq();
            assertThat(revocations).isPositive();
        }
        try (ColossusServer again = TestServers.start(config)) {
            Api api = new Api(again.url());
            assertThat(api.get("/api/v1/whoami", first).status()).isEqualTo(401);
            assertThat(api.get("/api/v1/whoami", second).status()).isEqualTo(200);
            List<String> types = new ArrayList<>();
            again.store().readAfter(0, e -> types.add(e.type() + " " + e.actor()));
            assertThat(types).contains("tenant.key-revoked tenant:lab-a", "tenant.key-revoked operator");
        }
    }
}
