package org.colossus.trust;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.stream.Stream;

/** Reads the third-party test vectors of src/test/resources/vectors (README there: sources and licences). */
public final class Vectors {
    private static final ObjectMapper JSON = new ObjectMapper();

    private Vectors() {
    }

    public static Path dir(String relative) {
        URL url = Vectors.class.getResource("/vectors/" + relative);
        if (url == null) {
            throw new IllegalStateException("test resource vectors/" + relative + " not found");
        }
        try {
            return Path.of(url.toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(url + ": " + e.getMessage(), e);
        }
    }

    static List<Path> json(String folder) {
        try (Stream<Path> s = Files.walk(dir(folder))) {
            return s.filter(p -> p.toString().endsWith(".json")).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static JsonNode read(Path p) {
        try {
            return JSON.readTree(p.toFile());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static byte[] b64(JsonNode n) {
        return n == null || n.isNull() ? new byte[0] : Base64.getDecoder().decode(n.asText());
    }

    static List<byte[]> proof(JsonNode n) {
        List<byte[]> out = new ArrayList<>();
        if (n != null && !n.isNull()) {
            n.forEach(x -> out.add(b64(x)));
        }
        return out;
    }

    /** An unsigned 64-bit number from JSON (some cases use indices at or above 2^63). */
    static long u64(JsonNode n) {
        return new BigInteger(n.asText()).longValue();
    }
}
