package org.colossus.fleet;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** The fleets shipped with Colossus, and the one way to turn "a preset name or a file" into a fleet. */
public final class Presets {
    /** Preset names, each a {@code presets/NAME.yaml} resource of this module. */
    public static final List<String> NAMES = List.of("colossus1", "colossus2");

    private Presets() {
    }

    public static FleetSpec load(String name, Catalog catalog) {
        if (!NAMES.contains(name)) {
            throw new FleetException("unknown preset '" + name + "'; expected one of: " + String.join(", ", NAMES));
        }
        String resource = "presets/" + name + ".yaml";
        try (InputStream in = Presets.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new FleetException("preset " + resource + " is missing from the jar");
            }
            return new FleetLoader(catalog).parse(name + ".yaml (preset)", new String(in.readAllBytes(), StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new FleetException("cannot read preset " + resource + ": " + e.getMessage(), e);
        }
    }

    /**
     * A preset name, or else a path to a fleet file.
     *
     * @throws FleetException if it is neither, or the file is not a valid fleet
     */
    public static FleetSpec resolve(String presetOrFile, Catalog catalog) {
        if (NAMES.contains(presetOrFile)) {
            return load(presetOrFile, catalog);
        }
        Path file = Path.of(presetOrFile);
        if (!Files.exists(file)) {
            throw new FleetException("'" + presetOrFile + "' is neither a preset (" + String.join(", ", NAMES)
                    + ") nor an existing fleet file");
        }
        if (Files.isDirectory(file)) {
            throw new FleetException(presetOrFile + ": is a directory; expected a fleet YAML file");
        }
        return new FleetLoader(catalog).load(file);
    }
}
