package org.colossus.cli.archfixture.scheduler;

/** A scheduler-layer class of the fixture. */
public class Planner {
    public int steps() {
        return 1;
    }
}
