package org.colossus.fleet;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.colossus.fleet.config.Resources;

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
        return new FleetLoader(catalog).parse(name + ".yaml (preset)",
                Resources.text(Presets.class, resource, FleetException::new));
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
