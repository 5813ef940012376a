package org.colossus.server.api;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;
import java.util.Map;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.annotation.JsonDeserialize;
import com.fasterxml.jackson.databind.deser.std.StdDeserializer;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.regex.Pattern;
import org.colossus.server.error.Problem;

/** Request bodies, and the field checks every one of them goes through before it reaches a command. */
public final class Bodies {
    private Bodies() {
    }

    public static final int MAX_GPUS = 1 << 20;
    public static final int MAX_NAME = 128;
    /** A sealed checkpoint's size: at most 1 PiB (a 2-trillion-parameter model with its optimizer is ~30 TB). */
    public static final long MAX_CHECKPOINT_BYTES = 1L << 50;
    private static final Pattern TENANT_NAME = Pattern.compile("[a-z0-9][a-z0-9-]{0,62}");

    public record CreateTenant(String name) {
    }

    /**
     * A tenant's admission limits to set; a field left out keeps its current value. (The server's defaults come back
     * by setting them explicitly; docs/api.md.)
     */
    public record SetLimits(Integer maxQueuedJobs, Integer submitsPerSecond, Integer submitBurst, Integer requestsPerSecond,
                            Integer requestBurst) {
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
                                 @JsonDeserialize(using = Decimal.class) BigDecimal pricePerGpuHour, Sla sla) {
    }

    /**
     * A contract's service level (issue 18): availability credit tiers (reserved contracts only), the grace before a
     * denied reservation counts (default 300 s), and whether work lost to node failures is credited.
     */
    public record Sla(java.util.List<SlaTier> credits, Integer graceSeconds, Boolean creditLostWork) {
    }

    /** Below {@code below} percent availability in a month, {@code credit} percent of its commitment. */
    public record SlaTier(@JsonDeserialize(using = Decimal.class) BigDecimal below,
                          @JsonDeserialize(using = Decimal.class) BigDecimal credit) {
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
                    if (p.getText().length() > MAX_DECIMAL_TEXT) {
                        throw InvalidFormatException.from(p, "longer than " + MAX_DECIMAL_TEXT + " characters",
                                clip(p.getText()), BigDecimal.class);
                    }
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
                            String tokens, Parallelism parallelism, Boolean confidential, Long timeLimitSeconds,
                            List<String> command, String script, Map<String, String> env, String workdir) {
    }

    /** The answer to creating a tenant: its API key, shown this once. */
    /** Issue the invoices of a closed period: one tenant's, or (tenant left out) every tenant's not yet issued. */
    public record IssueInvoices(String period, String tenant) {
    }

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
        String deceptive = deceptive(value);
        if (deceptive != null) {
            throw Problem.invalid(field, escaped(clip(value)), "visible characters only: " + deceptive + " is refused");
        }
        return value;
    }

    /**
     * What makes a name show as something it is not, in the spirit of PRECIS (RFC 8264) and Unicode TR 39's identifier
     * profile: an unpaired surrogate, a bidirectional control (U+202A-202E, U+2066-2069, U+200E/F, U+061C: the
     * right-to-left override that makes "gpj.exe" read as "exe.jpg"), a line or paragraph separator, or an invisible
     * format character (zero-width space and joiners, soft hyphen, BOM, tag characters). Null if none is present.
     */
    static String deceptive(String value) {
        for (int i = 0; i < value.length(); ) {
            char ch = value.charAt(i);
            if (Character.isSurrogate(ch)) {
                if (!Character.isHighSurrogate(ch) || i + 1 >= value.length()
                        || !Character.isLowSurrogate(value.charAt(i + 1))) {
                    return "an unpaired surrogate at position " + i;
                }
            }
            int cp = value.codePointAt(i);
            int type = Character.getType(cp);
            if (type == Character.FORMAT || type == Character.LINE_SEPARATOR || type == Character.PARAGRAPH_SEPARATOR
                    || type == Character.PRIVATE_USE || type == Character.UNASSIGNED) {
                return String.format(java.util.Locale.ROOT, "U+%04X (%s) at position %d", cp,
                        Character.getName(cp) == null ? "unassigned" : Character.getName(cp), i);
            }
            i += Character.charCount(cp);
        }
        return null;
    }

    /** A refused value as the problem shows it: anything invisible written as \\uXXXX, so the reader sees it. */
    static String escaped(String value) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < value.length(); i++) {
            char ch = value.charAt(i);
            int type = Character.getType(ch);
            if (Character.isSurrogate(ch) || type == Character.FORMAT || type == Character.LINE_SEPARATOR
                    || type == Character.PARAGRAPH_SEPARATOR || type == Character.PRIVATE_USE) {
                b.append(String.format(java.util.Locale.ROOT, "\\u%04X", (int) ch));
            } else {
                b.append(ch);
            }
        }
        return b.toString();
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

    /** The instants a request may name: from the epoch to the end of year 9999 (so milliseconds never overflow). */
    static final Instant MIN_INSTANT = Instant.EPOCH;
    static final Instant MAX_INSTANT = Instant.parse("9999-12-31T23:59:59.999Z");
    private static final String INSTANT_EXPECTED = "an ISO-8601 instant such as 2026-12-01T00:00:00Z, from "
            + MIN_INSTANT + " to " + MAX_INSTANT;

    /** A limit from {@code min} to 1,000,000, or {@code current} when left out. */
    static int limit(String field, Integer value, int current, int min) {
        return value == null ? current : range(field, value, min, org.colossus.server.state.AdmissionLimits.MAX_VALUE, null);
    }

    static long instant(String field, String value) {
        required(field, value, INSTANT_EXPECTED);
        Instant t;
        try {
            t = Instant.parse(value);
        } catch (DateTimeParseException e) {
            throw Problem.invalid(field, clip(value), INSTANT_EXPECTED);
        }
        if (t.isBefore(MIN_INSTANT) || t.isAfter(MAX_INSTANT)) {
            throw Problem.invalid(field, clip(value), INSTANT_EXPECTED);
        }
        return t.toEpochMilli();
    }

    /** Decimal strings longer than this are refused before they are parsed. */
    static final int MAX_DECIMAL_TEXT = 64;

    /**
     * A decimal from {@code min} to {@code max} with at most {@code maxScale} decimals. Scale and precision are
     * checked first, from the value's representation alone: 1e+999999999 or 1e-1000000000 cost a few bytes to send
     * and gigabytes to print or compute with, so neither is printed, compared or rounded before it is refused.
     */
    static BigDecimal decimal(String field, BigDecimal value, BigDecimal min, BigDecimal max, int maxScale,
                              String expected) {
        required(field, value, expected);
        int integerDigits = value.precision() - value.scale();
        if (value.scale() > maxScale + 30 || value.scale() < -30 || integerDigits > max.precision() - max.scale() + 1) {
            throw Problem.invalid(field, clip(value.toString()), expected);
        }
        BigDecimal stripped = value.stripTrailingZeros();
        if (stripped.scale() > maxScale || value.compareTo(min) < 0 || value.compareTo(max) > 0) {
            throw Problem.invalid(field, clip(value.toString()), expected);
        }
        return stripped.scale() < 0 ? stripped.setScale(0) : stripped;
    }

    static String clip(String s) {
        return s == null || s.length() <= 200 ? s : s.substring(0, 200) + "... (" + s.length() + " characters)";
    }
}
