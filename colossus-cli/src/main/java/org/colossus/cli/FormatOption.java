package org.colossus.cli;

import picocli.CommandLine.Option;

/** The {@code --format text|json} option every command that prints a result shares (a picocli mixin). */
final class FormatOption {
    @Option(names = "--format", defaultValue = "text", description = "Output format: ${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE}).")
    OutputFormat format;

    boolean json() {
        return format == OutputFormat.json;
    }
}
