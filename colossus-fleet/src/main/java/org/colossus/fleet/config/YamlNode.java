package org.colossus.fleet.config;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Pattern;
import org.colossus.fleet.FleetException;

/**
 * A YAML value that knows where it came from (file and key path), so that every rejection can say
 * {@code my-fleet.yaml: pods[0].racks[1].count = -3: expected a whole number >= 1}.
 * Jackson parses the text; this class does the typed, path-aware reading into records. Other modules
 * pass their own exception type, so a bad model file fails with the perf module's exception.
 */
public final class YamlNode {
    private static final ObjectMapper YAML = new ObjectMapper(
            YAMLFactory.builder().enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION).build());
    private static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9._-]{0,62}");

    private final String file;
    private final String path;
    private final JsonNode node;
    private final Function<String, ? extends RuntimeException> errors;

    private YamlNode(String file, String path, JsonNode node, Function<String, ? extends RuntimeException> errors) {
        this.file = file;
        this.path = path;
        this.node = node;
        this.errors = errors;
    }

    /** Parses a whole document, which must be a mapping; problems are {@link FleetException}s. */
    public static YamlNode parse(String file, String text) {
        return parse(file, text, FleetException::new);
    }

    /** Parses a whole document (YAML or JSON), which must be a mapping; problems are built by {@code errors}. */
    public static YamlNode parse(String file, String text, Function<String, ? extends RuntimeException> errors) {
        JsonNode root;
        try {
            root = YAML.readTree(text);
        } catch (JsonProcessingException e) {
            String reason = e.getOriginalMessage();
            var loc = e.getLocation();
            String where = loc == null ? "" : " (line " + loc.getLineNr() + ", column " + loc.getColumnNr() + ")";
            throw errors.apply(file + ": not valid YAML" + where + ": " + reason);
        }
        if (root == null || root.isMissingNode() || root.isNull()) {
            throw errors.apply(file + ": the document is empty; expected a mapping of keys");
        }
        YamlNode top = new YamlNode(file, "", root, errors);
        if (!root.isObject()) {
            throw top.fail("expected a mapping of keys at the top level");
        }
        return top;
    }

    public String file() {
        return file;
    }

    public String path() {
        return path.isEmpty() ? "(top level)" : path;
    }

    /** Builds the rejection for this value: file, key path, the value found, and what was expected. */
    public RuntimeException fail(String expectation) {
        String shown = node.isContainerNode() ? "" : " = " + shownValue();
        return errors.apply(file + ": " + path() + shown + ": " + expectation);
    }

    private String shownValue() {
        return node.isTextual() ? "'" + node.asText() + "'" : node.toString();
    }

    /** Refuses keys other than those given; the message lists the keys that are allowed. */
    public YamlNode allowOnly(String... keys) {
        requireMapping();
        Set<String> allowed = new LinkedHashSet<>(Arrays.asList(keys));
        for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
            String key = it.next();
            if (!allowed.contains(key)) {
                throw errors.apply(file + ": " + child(key) + ": unknown key; expected one of: "
                        + String.join(", ", allowed));
            }
        }
        return this;
    }

    private String child(String key) {
        return path.isEmpty() ? key : path + "." + key;
    }

    private void requireMapping() {
        if (!node.isObject()) {
            throw fail("expected a mapping of keys");
        }
    }

    public boolean has(String key) {
        requireMapping();
        JsonNode value = node.get(key);
        return value != null && !value.isNull();
    }

    public YamlNode get(String key) {
        requireMapping();
        JsonNode value = node.get(key);
        if (value == null || value.isNull()) {
            throw errors.apply(file + ": " + child(key) + ": missing; this key is required");
        }
        return new YamlNode(file, child(key), value, errors);
    }

    public Optional<YamlNode> find(String key) {
        return has(key) ? Optional.of(get(key)) : Optional.empty();
    }

    public List<YamlNode> list() {
        if (!node.isArray()) {
            throw fail("expected a list");
        }
        List<YamlNode> items = new ArrayList<>(node.size());
        for (int i = 0; i < node.size(); i++) {
            items.add(new YamlNode(file, path + "[" + i + "]", node.get(i), errors));
        }
        return items;
    }

    public List<YamlNode> nonEmptyList() {
        List<YamlNode> items = list();
        if (items.isEmpty()) {
            throw fail("expected a list with at least one entry");
        }
        return items;
    }

    /** The entries of a mapping, in file order. */
    public Map<String, YamlNode> entries() {
        requireMapping();
        Map<String, YamlNode> map = new LinkedHashMap<>();
        node.fields().forEachRemaining(e -> map.put(e.getKey(), new YamlNode(file, child(e.getKey()), e.getValue(), errors)));
        return map;
    }

    /** A failure at a key of this mapping that is absent (e.g. a required source). */
    public RuntimeException failAt(String key, String problem) {
        return errors.apply(file + ": " + child(key) + ": " + problem);
    }

    public boolean isNumber() {
        return node.isNumber();
    }

    public String text() {
        if (!node.isValueNode() || node.isNull()) {
            throw fail("expected a text value");
        }
        return node.asText();
    }

    /** A lower-case identifier: letters, digits, '.', '_' and '-', at most 63 characters. */
    public String name() {
        String text = text();
        if (!NAME.matcher(text).matches()) {
            throw fail("expected a name of lower-case letters, digits, '.', '_' or '-' (at most 63 characters)");
        }
        return text;
    }

    public int intAtLeast(int min) {
        if (!node.isIntegralNumber() || !node.canConvertToInt() || node.intValue() < min) {
            throw fail("expected a whole number >= " + min);
        }
        return node.intValue();
    }

    public double numberAtLeast(double min) {
        if (!node.isNumber() || !Double.isFinite(node.doubleValue()) || node.doubleValue() < min) {
            throw fail("expected a number >= " + trim(min));
        }
        return node.doubleValue();
    }

    public double numberBetween(double min, double max) {
        if (!node.isNumber() || node.doubleValue() < min || node.doubleValue() > max) {
            throw fail("expected a number from " + trim(min) + " to " + trim(max));
        }
        return node.doubleValue();
    }

    /** A quantity with a unit, e.g. {@code 150 MW}, converted to the dimension's SI base unit. */
    public double quantity(Unit unit) {
        if (!node.isTextual()) {
            throw fail("expected " + unit.expectation());
        }
        try {
            return unit.parse(node.asText());
        } catch (IllegalArgumentException e) {
            throw fail(e.getMessage());
        }
    }

    /** A quantity that must be strictly positive. */
    public double positiveQuantity(Unit unit) {
        double value = quantity(unit);
        if (value <= 0) {
            throw fail("expected " + unit.expectation() + " greater than zero");
        }
        return value;
    }

    private static String trim(double value) {
        return value == Math.rint(value) ? Long.toString((long) value) : Double.toString(value);
    }
}
