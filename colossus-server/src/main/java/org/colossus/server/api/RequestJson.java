package org.colossus.server.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.cfg.CoercionAction;
import com.fasterxml.jackson.databind.cfg.CoercionInputShape;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.type.LogicalType;
import java.io.IOException;
import java.util.stream.Collectors;
import org.colossus.server.error.Problem;

/**
 * Strict JSON for request bodies: unknown fields, wrong types (a string where a number belongs, 1.5 for a count),
 * duplicate keys and trailing content are refused with a problem naming the field. And the mapper for responses.
 */
public final class RequestJson {
    public static final int MAX_BODY_BYTES = 1 << 20;

    static final ObjectMapper STRICT = strict();

    public static final ObjectMapper RESPONSE = JsonMapper.builder()
            .serializationInclusion(JsonInclude.Include.NON_NULL)
            .disable(SerializationFeature.FAIL_ON_EMPTY_BEANS)
            .build();

    private static ObjectMapper strict() {
        JsonMapper m = JsonMapper.builder()
                .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
                .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
                .enable(DeserializationFeature.FAIL_ON_READING_DUP_TREE_KEY)
                .disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT)
                .disable(MapperFeature.ALLOW_COERCION_OF_SCALARS)
                .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
                .build();
        m.coercionConfigFor(LogicalType.Integer).setCoercion(CoercionInputShape.String, CoercionAction.Fail)
                .setCoercion(CoercionInputShape.Float, CoercionAction.Fail);
        m.coercionConfigFor(LogicalType.Textual).setCoercion(CoercionInputShape.Integer, CoercionAction.Fail)
                .setCoercion(CoercionInputShape.Float, CoercionAction.Fail)
                .setCoercion(CoercionInputShape.Boolean, CoercionAction.Fail);
        m.coercionConfigFor(LogicalType.Boolean).setCoercion(CoercionInputShape.String, CoercionAction.Fail)
                .setCoercion(CoercionInputShape.Integer, CoercionAction.Fail);
        return m;
    }

    private RequestJson() {
    }

    /** Reads a request body as {@code type}, or throws a 400 problem naming what is wrong. */
    public static <T> T read(byte[] body, Class<T> type) {
        if (body.length > MAX_BODY_BYTES) {
            throw new Problem(413, "Request body too large", "the body has " + body.length + " bytes; at most "
                    + MAX_BODY_BYTES + " (1 MiB) are accepted", "body", body.length, "at most 1 MiB");
        }
        if (body.length == 0) {
            throw Problem.badRequest("the request has no body; expected a JSON object", "body", "", "a JSON object");
        }
        try (JsonParser p = STRICT.createParser(body)) {
            if (p.nextToken() != com.fasterxml.jackson.core.JsonToken.START_OBJECT) {
                throw Problem.badRequest("the body is not a JSON object", "body", p.getText(), "a JSON object");
            }
            return STRICT.readValue(p, type);
        } catch (UnrecognizedPropertyException e) {
            String known = e.getKnownPropertyIds() == null ? "" : e.getKnownPropertyIds().stream()
                    .map(Object::toString).sorted().collect(Collectors.joining(", "));
            String field = path(e, e.getPropertyName());
            throw Problem.badRequest("unknown field '" + field + "'; expected only: " + known, field, null,
                    "one of: " + known);
        } catch (InvalidFormatException e) {
            String field = path(e, null);
            throw Problem.badRequest(field + " = " + e.getValue() + ": expected " + describe(e.getTargetType()), field,
                    String.valueOf(e.getValue()), describe(e.getTargetType()));
        } catch (MismatchedInputException e) {
            String field = path(e, null);
            String expected = describe(e.getTargetType());
            throw Problem.badRequest(field.isEmpty() ? "the body does not match: " + firstLine(e.getOriginalMessage())
                    : field + ": wrong type; expected " + expected, field.isEmpty() ? "body" : field, null, expected);
        } catch (JsonParseException e) {
            throw Problem.badRequest("the body is not valid JSON: " + firstLine(e.getOriginalMessage()) + " (line "
                    + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr() + ")", "body", null,
                    "valid JSON");
        } catch (JsonMappingException e) {
            String field = path(e, null);
            Throwable cause = e.getCause();
            if (cause instanceof Problem p) {
                throw p;
            }
            throw Problem.badRequest((field.isEmpty() ? "" : field + ": ") + firstLine(e.getOriginalMessage()),
                    field.isEmpty() ? "body" : field, null, "a valid value");
        } catch (JsonProcessingException e) {
            throw Problem.badRequest("the body is not valid JSON: " + firstLine(e.getOriginalMessage()), "body", null,
                    "valid JSON");
        } catch (IOException e) {
            throw Problem.badRequest("the body could not be read: " + e.getMessage(), "body", null, "valid JSON");
        }
    }

    private static String firstLine(String s) {
        if (s == null) {
            return "";
        }
        int nl = s.indexOf('\n');
        return withoutClassNames(nl < 0 ? s : s.substring(0, nl));
    }

    private static final java.util.regex.Pattern CLASS_NAME =
            java.util.regex.Pattern.compile("`?\\b(?:[a-z][a-z0-9_]*\\.)+([A-Z][A-Za-z0-9_]*)(?:\\$([A-Za-z0-9_$]+))?`?");

    /**
     * Jackson's messages name the Java types it parses into ("Cannot construct instance of
     * `org.colossus.server.api.Bodies$SubmitJob`"): a caller learns nothing from them but our internals. Each is
     * replaced by what it means on the wire.
     */
    static String withoutClassNames(String message) {
        return CLASS_NAME.matcher(message).replaceAll(m -> {
            String simple = m.group(2) != null ? m.group(2) : m.group(1);
            return java.util.regex.Matcher.quoteReplacement(switch (simple) {
                case "Integer", "Long", "Short", "BigInteger" -> "an integer";
                case "String" -> "a string";
                case "Boolean" -> "true or false";
                case "BigDecimal", "Double", "Float", "Number" -> "a number";
                case "List", "ArrayList", "Collection" -> "a list";
                default -> "a JSON object";
            });
        });
    }

    private static String path(JsonMappingException e, String last) {
        StringBuilder b = new StringBuilder();
        for (JsonMappingException.Reference r : e.getPath()) {
            if (r.getFieldName() != null) {
                if (!b.isEmpty()) {
                    b.append('.');
                }
                b.append(r.getFieldName());
            } else if (r.getIndex() >= 0) {
                b.append('[').append(r.getIndex()).append(']');
            }
        }
        if (b.isEmpty() && last != null) {
            b.append(last);
        }
        return b.toString();
    }

    private static String describe(Class<?> t) {
        if (t == null) {
            return "a valid value";
        }
        if (t == Integer.class || t == int.class || t == Long.class || t == long.class) {
            return "an integer";
        }
        if (t == Boolean.class || t == boolean.class) {
            return "true or false";
        }
        if (t == String.class) {
            return "a string";
        }
        if (t == java.math.BigDecimal.class || t == Double.class || t == double.class) {
            return "a number";
        }
        return "an object";
    }

    public static byte[] write(Object value) {
        try {
            return RESPONSE.writeValueAsBytes(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
