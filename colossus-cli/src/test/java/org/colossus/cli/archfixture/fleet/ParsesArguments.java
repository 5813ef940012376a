package org.colossus.cli.archfixture.fleet;

/** Deliberately breaks the core rule: a core class that uses the CLI library. */
public class ParsesArguments {
    public Object parser() {
        return new picocli.CommandLine(new Object());
    }
}
