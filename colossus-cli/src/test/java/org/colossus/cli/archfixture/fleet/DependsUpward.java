package org.colossus.cli.archfixture.fleet;

import org.colossus.cli.archfixture.scheduler.Planner;

/** Deliberately breaks the layering: fleet must not know the scheduler. */
public class DependsUpward {
    public int plan() {
        return new Planner().steps();
    }
}
