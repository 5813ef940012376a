package org.colossus.server.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.javalin.Javalin;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.colossus.fleet.Catalog;
import org.colossus.fleet.FailureModel;
import org.colossus.fleet.Fleets;
import org.colossus.server.ColossusServer;
import org.colossus.server.ServerConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** /openapi.json describes exactly the routes the router serves, and live responses fit its schemas. */
class OpenApiTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    private static JsonNode get(String url, String token) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url));
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        return JSON.readTree(HttpClient.newHttpClient().send(b.build(), HttpResponse.BodyHandlers.ofString()).body());
    }

    @Test
    void openapi_pathsAndMethods_equalTheRegisteredRoutes() throws Exception {
        ColossusServer server = ColossusServer.start(config(), System.out);
        try {
            JsonNode doc = get(server.url() + "/openapi.json", null);
            assertThat(doc.get("openapi").asText()).isEqualTo("3.1.0");
            Set<String> documented = new TreeSet<>();
            doc.get("paths").fields().forEachRemaining(p -> p.getValue().fieldNames()
                    .forEachRemaining(m -> documented.add(m.toUpperCase() + " " + p.getKey())));
            // What the router really serves: a Javalin configured by the same resource, inspected.
            ApiResource resource = new ApiResource(server.engine(), null, Catalog.standard(),
                    Fleets.resolve("uniform:4x8", Catalog.standard()), () -> null, null, server.billing(),
                    org.colossus.server.state.AdmissionPolicy.DEFAULTS, java.time.InstantSource.system());
            Javalin app = Javalin.create(resource::register);
            Set<String> served = app.unsafe.internalRouter.allHttpHandlers().stream()
                    .filter(h -> !h.endpoint.method.name().matches("BEFORE|AFTER|BEFORE_MATCHED|AFTER_MATCHED|HEAD|OPTIONS"))
                    // OpenAPI has one parameter syntax; Javalin's <name> (spanning slashes) is documented as {name}
                    .map(h -> h.endpoint.method.name() + " " + h.endpoint.path.replace('<', '{').replace('>', '}'))
                    .collect(Collectors.toCollection(TreeSet::new));
            assertThat(served).isNotEmpty().isEqualTo(documented);
            // Every $ref resolves.
            List<String> refs = new ArrayList<>();
            collectRefs(doc, refs);
            for (String ref : refs) {
                assertThat(doc.at(ref.substring(1)).isMissingNode()).as(ref).isFalse();
            }
        } finally {
            server.close();
        }
    }

    @Test
    void liveResponses_useOnlyPropertiesTheSchemaDeclares() throws Exception {
        ColossusServer server = ColossusServer.start(config(), System.out);
        try {
            String op = server.operatorToken();
            HttpClient http = HttpClient.newHttpClient();
            String tenant = JSON.readTree(http.send(HttpRequest.newBuilder(URI.create(server.url() + "/api/v1/tenants"))
                    .header("Authorization", "Bearer " + op).header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString("{\"name\":\"lab-a\"}")).build(),
                    HttpResponse.BodyHandlers.ofString()).body()).get("apiKey").asText();
            http.send(HttpRequest.newBuilder(URI.create(server.url() + "/api/v1/contracts"))
                    .header("Authorization", "Bearer " + op).header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString("{\"tenant\":\"lab-a\",\"class\":\"on-demand\",\"gpuModel\":"
                            + "\"H100\",\"gpus\":32,\"start\":\"2020-01-01T00:00:00Z\",\"end\":\"2099-01-01T00:00:00Z\","
                            + "\"pricePerGpuHour\":2}")).build(), HttpResponse.BodyHandlers.ofString());
            JsonNode job = JSON.readTree(http.send(HttpRequest.newBuilder(URI.create(server.url() + "/api/v1/jobs"))
                    .header("Authorization", "Bearer " + tenant).header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString("{\"name\":\"j\",\"gpuModel\":\"H100\",\"gpus\":8,"
                            + "\"class\":\"on-demand\",\"durationSeconds\":60}")).build(),
                    HttpResponse.BodyHandlers.ofString()).body());
            JsonNode doc = get(server.url() + "/openapi.json", null);
            JsonNode schemas = doc.get("components").get("schemas");
            assertFits(job, schemas.get("Job"), schemas, "Job");
            for (JsonNode t : get(server.url() + "/api/v1/tenants", op)) {
                assertFits(t, schemas.get("Tenant"), schemas, "Tenant");
            }
            for (JsonNode n : get(server.url() + "/api/v1/nodes", op).get("items")) {
                assertFits(n, schemas.get("Node"), schemas, "Node");
            }
            for (JsonNode c : get(server.url() + "/api/v1/contracts", op)) {
                assertFits(c, schemas.get("Contract"), schemas, "Contract");
            }
            for (JsonNode u : get(server.url() + "/api/v1/usage", tenant)) {
                assertFits(u, schemas.get("Usage"), schemas, "Usage");
            }
            assertFits(get(server.url() + "/api/v1/fleet", op), schemas.get("Fleet"), schemas, "Fleet");
            JsonNode problem = get(server.url() + "/api/v1/jobs/99", tenant);
            assertFits(problem, schemas.get("Problem"), schemas, "Problem");
        } finally {
            server.close();
        }
    }

    private static void assertFits(JsonNode value, JsonNode schema, JsonNode schemas, String where) {
        if (schema.has("$ref")) {
            String name = schema.get("$ref").asText().replace("#/components/schemas/", "");
            assertFits(value, schemas.get(name), schemas, where);
            return;
        }
        if (value.isObject()) {
            JsonNode props = schema.get("properties");
            assertThat(props).as(where + " has properties").isNotNull();
            for (Iterator<String> it = value.fieldNames(); it.hasNext(); ) {
                String f = it.next();
                assertThat(props.has(f)).as(where + "." + f + " is declared").isTrue();
                if (value.get(f).isObject() || value.get(f).isArray()) {
                    assertFits(value.get(f), props.get(f), schemas, where + "." + f);
                }
            }
        } else if (value.isArray() && schema.has("items")) {
            for (JsonNode v : value) {
                if (v.isObject()) {
                    assertFits(v, schema.get("items"), schemas, where + "[]");
                }
            }
        }
    }

    private static void collectRefs(JsonNode n, List<String> out) {
        if (n.isObject()) {
            n.fields().forEachRemaining(f -> {
                if (f.getKey().equals("$ref")) {
                    out.add(f.getValue().asText());
                } else {
                    collectRefs(f.getValue(), out);
                }
            });
        } else if (n.isArray()) {
            n.forEach(x -> collectRefs(x, out));
        }
    }

    private ServerConfig config() {
        return ServerConfig.defaults().withDataDir(dir).withListen("127.0.0.1", 0).withFleet("uniform:4x8")
                .withFailures(FailureModel.OFF);
    }
}
