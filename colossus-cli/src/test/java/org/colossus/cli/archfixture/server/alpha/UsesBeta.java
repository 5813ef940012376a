package org.colossus.cli.archfixture.server.alpha;

import org.colossus.cli.archfixture.server.beta.UsesAlpha;

/** Fixture: half of a package cycle (alpha → beta → alpha) that the cycle rule must report. */
public final class UsesBeta {
    public UsesAlpha other;
}
