package org.colossus.server.api;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.annotation.JsonDeserialize;
import com.fasterxml.jackson.databind.deser.std.StdDeserializer;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.regex.Pattern;
import org.colossus.server.Problem;

/** Request bodies, and the field checks every one of them goes through before it reaches a command. */
public final class Bodies {
    private Bodies() {
    }

    public static final int MAX_GPUS = 1 << 20;
    public static final int MAX_NAME = 128;
    private static final Pattern TENANT_NAME = Pattern.compile("[a-z0-9][a-z0-9-]{0,62}");

    public record CreateTenant(String name) {
    }

    /** A sealed checkpoint to record: {@code context} is tenant/run/step and must start with the caller's name. */
    public record RecordSeal(String context, String manifestSha256, Integer shards, Long bytes) {
    }

    /** A node and a leaf index: "the first event on this node after that leaf". */
    public record NodeAfter(Integer node, Long leaf) {
    }

    /**
     * Node leaves a verifier needs at once: {@code indices} by leaf index, and for each {@code after} the node's next
     * event, all proven in the tree of {@code size}.
     */
    public record NodeLeavesQuery(Long size, java.util.List<Long> indices, java.util.List<NodeAfter> after) {
    }

    /** @param pricePerGpuHour a JSON number or a decimal string ("2.50"); strings keep exact decimals */
    public record CreateContract(String tenant, @JsonProperty("class") String jobClass, String gpuModel, Integer gpus,
                                 String start, String end,
                                 @JsonDeserialize(using = Decimal.class) BigDecimal pricePerGpuHour) {
    }

    /** A decimal from a JSON number or string. */
    static final class Decimal extends StdDeserializer<BigDecimal> {
        Decimal() {
            super(BigDecimal.class);
        }

        @Override
        public BigDecimal deserialize(JsonParser p, DeserializationContext ctx) throws java.io.IOException {
            return switch (p.currentToken()) {
                case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> p.getDecimalValue();
                case VALUE_STRING -> {
                    try {
                        yield new BigDecimal(p.getText().trim());
                    } catch (NumberFormatException e) {
                        throw InvalidFormatException.from(p, "not a decimal number", p.getText(), BigDecimal.class);
                    }
                }
                default -> (BigDecimal) ctx.handleUnexpectedToken(BigDecimal.class, p);
            };
        }
    }

    public record JobConstraints(Boolean withinPod, Integer maxRacks, Boolean wholeRacks) {
    }

    public record Parallelism(Integer tp, Integer pp, Integer vp, Integer cp, Integer ep, Integer mbs, Integer gbs,
                              String precision, String recompute, String sharding) {
    }

    public record SubmitJob(String name, String gpuModel, Integer gpus, @JsonProperty("class") String jobClass,
                            Integer priority, JobConstraints constraints, Long durationSeconds, String model,
                            String tokens, Parallelism parallelism, Boolean confidential) {
    }

    /** The answer to creating a tenant: its API key, shown this once. */
    public record TenantCreated(String name, String apiKey, String created) {
    }

    static <T> T required(String field, T value, String expected) {
        if (value == null) {
            throw Problem.invalid(field, null, expected + " (required)");
        }
        return value;
    }

    static String tenantName(String field, String value) {
        required(field, value, "a tenant name");
        if (!TENANT_NAME.matcher(value).matches()) {
            throw Problem.invalid(field, clip(value), "1-63 characters of a-z, 0-9 and '-', starting with a letter or digit");
        }
        return value;
    }

    static String text(String field, String value, int maxLength) {
        required(field, value, "a string of 1-" + maxLength + " characters");
        if (value.isEmpty() || value.length() > maxLength) {
            throw Problem.invalid(field, clip(value), "a string of 1-" + maxLength + " characters (got " + value.length() + ")");
        }
        for (int i = 0; i < value.length(); i++) {
            if (Character.isISOControl(value.charAt(i))) {
                throw Problem.invalid(field, clip(value), "printable characters only (no control characters)");
            }
        }
        return value;
    }

    static int range(String field, Integer value, int min, int max, Integer dflt) {
        if (value == null) {
            if (dflt == null) {
                throw Problem.invalid(field, null, "an integer from " + min + " to " + max + " (required)");
            }
            return dflt;
        }
        if (value < min || value > max) {
            throw Problem.invalid(field, value, "an integer from " + min + " to " + max);
        }
        return value;
    }

    static long instant(String field, String value) {
        required(field, value, "an ISO-8601 instant such as 2026-12-01T00:00:00Z");
        try {
            return Instant.parse(value).toEpochMilli();
        } catch (DateTimeParseException e) {
            throw Problem.invalid(field, clip(value), "an ISO-8601 instant such as 2026-12-01T00:00:00Z");
        }
    }

    static String clip(String s) {
        return s == null || s.length() <= 200 ? s : s.substring(0, 200) + "... (" + s.length() + " characters)";
    }
}
