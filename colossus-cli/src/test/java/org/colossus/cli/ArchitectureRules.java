package org.colossus.cli;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.Architectures.layeredArchitecture;

import com.tngtech.archunit.lang.ArchRule;

/**
 * The dependency rules of DESIGN.md, as ArchUnit rules over a root package (so that tests can also
 * run them against deliberately broken fixtures and see them fail).
 */
final class ArchitectureRules {
    static final String[] CORE = {"fleet", "perf", "scheduler", "sim", "ledger", "trust"};

    /** HTTP servers and clients, SQL and connection pools, migrations, CLI parsing. */
    static final String[] INFRASTRUCTURE = {
        "io.javalin..", "org.eclipse.jetty..", "jakarta.servlet..", "javax.servlet..", "java.net.http..",
        "com.sun.net.httpserver..", "okhttp3..", "org.apache.hc..", "org.apache.http..",
        "java.sql..", "javax.sql..", "org.jdbi..", "org.flywaydb..", "com.zaxxer..", "org.h2..", "org.postgresql..",
        "picocli.."
    };

    private ArchitectureRules() {
    }

    private static String[] packages(String root, String... modules) {
        String[] result = new String[modules.length];
        for (int i = 0; i < modules.length; i++) {
            result[i] = root + "." + modules[i] + "..";
        }
        return result;
    }

    static ArchRule coreHasNoInfrastructure(String root) {
        return noClasses().that().resideInAnyPackage(packages(root, CORE))
                .should().dependOnClassesThat().resideInAnyPackage(INFRASTRUCTURE)
                .because("core modules (fleet, perf, scheduler, sim, ledger, trust) are pure: no HTTP, SQL or CLI")
                .allowEmptyShould(true);
    }

    /** cli/server → sim/ledger/trust → scheduler → perf → fleet; bench may use anything but the CLI. */
    static ArchRule layersPointOneWay(String root) {
        return layeredArchitecture().consideringOnlyDependenciesInLayers().withOptionalLayers(true)
                .layer("fleet").definedBy(root + ".fleet..")
                .layer("perf").definedBy(root + ".perf..")
                .layer("scheduler").definedBy(root + ".scheduler..")
                .layer("sim").definedBy(root + ".sim..")
                .layer("ledger").definedBy(root + ".ledger..")
                .layer("trust").definedBy(root + ".trust..")
                .layer("server").definedBy(root + ".server..")
                .layer("cli").definedBy(root + ".cli..")
                .layer("bench").definedBy(root + ".bench..")
                .whereLayer("fleet").mayOnlyBeAccessedByLayers("perf", "scheduler", "sim", "ledger", "trust", "server", "cli", "bench")
                .whereLayer("perf").mayOnlyBeAccessedByLayers("scheduler", "sim", "ledger", "trust", "server", "cli", "bench")
                .whereLayer("scheduler").mayOnlyBeAccessedByLayers("sim", "ledger", "trust", "server", "cli", "bench")
                .whereLayer("sim").mayOnlyBeAccessedByLayers("server", "cli", "bench")
                .whereLayer("ledger").mayOnlyBeAccessedByLayers("server", "cli", "bench")
                .whereLayer("trust").mayOnlyBeAccessedByLayers("server", "cli", "bench")
                .whereLayer("server").mayOnlyBeAccessedByLayers("cli", "bench")
                .whereLayer("cli").mayNotBeAccessedByAnyLayer()
                .whereLayer("bench").mayNotBeAccessedByAnyLayer();
    }
}
