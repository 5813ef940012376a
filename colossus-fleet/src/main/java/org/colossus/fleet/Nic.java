package org.colossus.fleet;

import java.util.Map;

/** A scale-out network adapter of the catalog. */
public record Nic(String id, String name, double bytesPerSecond, Map<String, String> sources) {
    public Nic {
        sources = Map.copyOf(sources);
    }
}
