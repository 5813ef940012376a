package org.colossus.cli.archfixture.server.beta;

import org.colossus.cli.archfixture.server.alpha.UsesBeta;

/** Fixture: the other half of the alpha → beta → alpha cycle. */
public final class UsesAlpha {
    public UsesBeta other;
}
