package org.colossus.server.api;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.math.BigDecimal;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The OpenAPI 3.1 document, generated from the declared {@link Route}s: paths, methods, security, parameters, and JSON
 * Schemas derived from the request and response records (request bodies refuse additional properties, as the server
 * does). A test checks it against the routes the router actually serves and against live responses.
 */
final class OpenApi {
    private static final JsonNodeFactory F = JsonNodeFactory.instance;
    /** {name}, and Javalin's <name> (a parameter that may span slashes). */
    private static final Pattern PARAM = Pattern.compile("[{<]([a-zA-Z]+)[}>]");

    private OpenApi() {
    }

    static String document(List<Route> routes) {
        ObjectNode root = F.objectNode();
        root.put("openapi", "3.1.0");
        ObjectNode info = root.putObject("info");
        info.put("title", "Colossus control plane API");
        info.put("version", "1");
        info.put("description", "Tenants, contracts, jobs, nodes, usage and live events of a GPU fleet rented to"
                + " rival labs. Errors are RFC 9457 problem documents (application/problem+json). See docs/api.md.");
        Map<String, ObjectNode> schemas = new TreeMap<>();
        ObjectNode paths = root.putObject("paths");
        for (Route r : routes) {
            String template = r.path().replace('<', '{').replace('>', '}');
            ObjectNode path = paths.has(template) ? (ObjectNode) paths.get(template) : paths.putObject(template);
            ObjectNode op = path.putObject(r.method().toLowerCase(Locale.ROOT));
            op.put("summary", r.summary());
            op.put("operationId", operationId(r));
            op.putArray("tags").add(tag(r.path()));
            if (r.role() == Route.Role.PUBLIC) {
                op.putArray("security");
            } else {
                op.put("x-colossus-role", r.role().name().toLowerCase(Locale.ROOT));
            }
            ArrayNode params = F.arrayNode();
            Matcher m = PARAM.matcher(r.path());
            while (m.find()) {
                ObjectNode p = params.addObject();
                p.put("name", m.group(1));
                p.put("in", "path");
                p.put("required", true);
                p.putObject("schema").put("type", m.group(1).equals("name") || r.path().contains("<" + m.group(1) + ">")
                        ? "string" : "integer");
            }
            if (r.shape() == Route.Shape.PAGE) {
                query(params, "after", "integer", "Return items with ids after this one (the previous page's 'next').");
                query(params, "limit", "integer", "At most this many items.");
                query(params, "state", "string", "Only items in this state.");
            }
            if (!params.isEmpty()) {
                op.set("parameters", params);
            }
            if (r.request() != null) {
                ObjectNode body = op.putObject("requestBody");
                body.put("required", true);
                body.putObject("content").putObject("application/json").set("schema", ref(r.request(), schemas, true));
            }
            ObjectNode responses = op.putObject("responses");
            ObjectNode ok = responses.putObject(Integer.toString(r.status()));
            ok.put("description", r.status() == 201 ? "Created" : "OK");
            switch (r.shape()) {
                case ONE -> content(ok, "application/json", ref(r.response(), schemas, false));
                case LIST -> {
                    ObjectNode arr = F.objectNode();
                    arr.put("type", "array");
                    arr.set("items", ref(r.response(), schemas, false));
                    content(ok, "application/json", arr);
                }
                case PAGE -> {
                    ObjectNode page = F.objectNode();
                    page.put("type", "object");
                    ObjectNode props = page.putObject("properties");
                    ObjectNode items = props.putObject("items");
                    items.put("type", "array");
                    items.set("items", ref(r.response(), schemas, false));
                    props.putObject("next").set("type", F.arrayNode().add("integer").add("null"));
                    page.putArray("required").add("items");
                    content(ok, "application/json", page);
                }
                case BYTES -> {
                    ObjectNode s = F.objectNode();
                    s.put("type", "string");
                    s.put("contentMediaType", "application/octet-stream");
                    content(ok, "application/octet-stream", s);
                }
                case TEXT -> {
                    ObjectNode s = F.objectNode();
                    s.put("type", r.path().endsWith(".json") ? "object" : "string");
                    content(ok, r.path().endsWith(".json") ? "application/json" : "text/plain", s);
                }
                case EVENTS -> {
                    ObjectNode s = F.objectNode();
                    s.put("type", "string");
                    s.put("description", "text/event-stream; each event's data is an Event as JSON");
                    content(ok, "text/event-stream", s);
                    ref(r.response(), schemas, false);
                }
            }
            if (r.role() != Route.Role.PUBLIC) {
                problem(responses, "401", "No or invalid bearer token");
            }
            if (r.role() == Route.Role.OPERATOR || r.role() == Route.Role.TENANT) {
                problem(responses, "403", "The caller's role may not use this endpoint");
            }
            if (r.request() != null) {
                problem(responses, "400", "Malformed JSON, unknown field or wrong type");
                problem(responses, "413", "Body over 1 MiB");
                problem(responses, "415", "Content-Type is not application/json");
                problem(responses, "422", "A field's value is not acceptable");
            }
            if (r.path().contains("{") || r.path().contains("<") || r.request() != null) {
                problem(responses, "404", "No such object (or another tenant's)");
                problem(responses, "409", "The current state does not allow it");
            }
            if (r.shape() == Route.Shape.PAGE) {
                problem(responses, "422", "A query parameter's value is not acceptable");
            }
        }
        ObjectNode components = root.putObject("components");
        ObjectNode problemSchema = F.objectNode();
        problemSchema.put("type", "object");
        problemSchema.put("description", "RFC 9457 problem details");
        ObjectNode pp = problemSchema.putObject("properties");
        for (String s : List.of("type", "title", "detail", "instance", "field", "expected")) {
            pp.putObject(s).put("type", "string");
        }
        pp.putObject("status").put("type", "integer");
        pp.putObject("value").put("description", "the offending value, as given");
        problemSchema.putArray("required").add("type").add("title").add("status").add("detail");
        schemas.put("Problem", problemSchema);
        ObjectNode s = components.putObject("schemas");
        schemas.forEach(s::set);
        ObjectNode sec = components.putObject("securitySchemes").putObject("bearer");
        sec.put("type", "http");
        sec.put("scheme", "bearer");
        sec.put("description", "colossus_<keyId>_<secret>: the operator's from operator.token, a tenant's from"
                + " POST /api/v1/tenants");
        root.putArray("security").addObject().putArray("bearer");
        return root.toPrettyString();
    }

    private static String tag(String path) {
        String[] parts = path.split("/");
        return parts.length > 3 ? parts[3] : "service";
    }

    private static String operationId(Route r) {
        StringBuilder b = new StringBuilder(r.method().toLowerCase(Locale.ROOT));
        for (String part : r.path().split("[/.]")) {
            if (part.isEmpty() || part.equals("api") || part.equals("v1")) {
                continue;
            }
            String p = part.startsWith("{") || part.startsWith("<") ? "By" + part.substring(1, part.length() - 1) : part;
            b.append(Character.toUpperCase(p.charAt(0))).append(p.substring(1));
        }
        return b.toString().replace("-", "");
    }

    private static void query(ArrayNode params, String name, String type, String description) {
        ObjectNode p = params.addObject();
        p.put("name", name);
        p.put("in", "query");
        p.put("required", false);
        p.put("description", description);
        p.putObject("schema").put("type", type);
    }

    private static void content(ObjectNode response, String mediaType, ObjectNode schema) {
        response.putObject("content").putObject(mediaType).set("schema", schema);
    }

    private static void problem(ObjectNode responses, String status, String description) {
        if (responses.has(status)) {
            return;
        }
        ObjectNode r = responses.putObject(status);
        r.put("description", description);
        ObjectNode ref = F.objectNode();
        ref.put("$ref", "#/components/schemas/Problem");
        content(r, "application/problem+json", ref);
    }

    static String schemaName(Class<?> c) {
        String enclosing = c.getEnclosingClass() == null ? "" : c.getEnclosingClass().getSimpleName();
        return switch (enclosing) {
            case "Views" -> c.getSimpleName();
            case "Invoice" -> "Invoice" + c.getSimpleName();
            case "Bodies" -> c.getSimpleName().endsWith("Created") ? c.getSimpleName() : c.getSimpleName() + "Request";
            default -> c.getSimpleName();
        };
    }

    private static ObjectNode ref(Class<?> c, Map<String, ObjectNode> schemas, boolean request) {
        String name = schemaName(c);
        if (!schemas.containsKey(name)) {
            schemas.put(name, F.objectNode()); // placeholder against recursion
            schemas.put(name, recordSchema(c, schemas, request));
        }
        ObjectNode ref = F.objectNode();
        ref.put("$ref", "#/components/schemas/" + name);
        return ref;
    }

    /** The JSON name of a record component (honouring @JsonProperty). */
    static String jsonName(RecordComponent rc) {
        JsonProperty p = rc.getAccessor().getAnnotation(JsonProperty.class);
        return p != null && !p.value().isEmpty() ? p.value() : rc.getName();
    }

    private static ObjectNode recordSchema(Class<?> c, Map<String, ObjectNode> schemas, boolean request) {
        ObjectNode s = F.objectNode();
        s.put("type", "object");
        ObjectNode props = s.putObject("properties");
        for (RecordComponent rc : c.getRecordComponents()) {
            props.set(jsonName(rc), typeSchema(rc.getGenericType(), schemas, request));
        }
        if (request) {
            s.put("additionalProperties", false);
        }
        return s;
    }

    private static ObjectNode typeSchema(Type t, Map<String, ObjectNode> schemas, boolean request) {
        ObjectNode s = F.objectNode();
        if (t instanceof ParameterizedType pt && pt.getRawType() == List.class) {
            s.put("type", "array");
            s.set("items", typeSchema(pt.getActualTypeArguments()[0], schemas, request));
            return s;
        }
        if (t instanceof ParameterizedType pt && pt.getRawType() == Map.class) {
            s.put("type", "object");
            s.set("additionalProperties", typeSchema(pt.getActualTypeArguments()[1], schemas, request));
            return s;
        }
        Class<?> c = (Class<?>) (t instanceof ParameterizedType pt ? pt.getRawType() : t);
        if (c == String.class) {
            s.put("type", "string");
        } else if (c == int.class || c == Integer.class) {
            s.put("type", "integer");
            s.put("format", "int32");
        } else if (c == long.class || c == Long.class) {
            s.put("type", "integer");
            s.put("format", "int64");
        } else if (c == boolean.class || c == Boolean.class) {
            s.put("type", "boolean");
        } else if (c == double.class || c == Double.class) {
            s.put("type", "number");
        } else if (c == BigDecimal.class) {
            s.set("type", F.arrayNode().add("number").add("string"));
            s.put("description", "a decimal, as a number or (exactly) as a string such as \"2.50\"");
        } else if (c == Object.class || c.getName().startsWith("com.fasterxml")) {
            s.put("description", "any JSON value");
        } else if (c.isRecord()) {
            return ref(c, schemas, request);
        } else {
            throw new IllegalStateException("no JSON schema for " + c);
        }
        return s;
    }
}
