package org.colossus.cli;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.Architectures.layeredArchitecture;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

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

    /**
     * The module graph as the poms declare it (docs/architecture.md draws it): fleet at the bottom; perf and scheduler
     * on fleet; sim on perf and scheduler; trust on nothing of ours; client (HTTP clients of the API and the audit
     * log) on trust; server on fleet, perf, scheduler and trust (not on the simulator, nor on the client); cli on
     * everything; bench on anything but the CLI. ledger is planned: it may use fleet and
     * scheduler, and be used by sim, server, cli and bench.
     */
    static ArchRule layersPointOneWay(String root) {
        return layeredArchitecture().consideringOnlyDependenciesInLayers().withOptionalLayers(true)
                .layer("fleet").definedBy(root + ".fleet..")
                .layer("perf").definedBy(root + ".perf..")
                .layer("scheduler").definedBy(root + ".scheduler..")
                .layer("sim").definedBy(root + ".sim..")
                .layer("ledger").definedBy(root + ".ledger..")
                .layer("trust").definedBy(root + ".trust..")
                .layer("client").definedBy(root + ".client..")
                .layer("server").definedBy(root + ".server..")
                .layer("cli").definedBy(root + ".cli..")
                .layer("bench").definedBy(root + ".bench..")
                .whereLayer("fleet").mayOnlyBeAccessedByLayers("perf", "scheduler", "sim", "ledger", "server", "cli", "bench")
                .whereLayer("perf").mayOnlyBeAccessedByLayers("sim", "server", "cli", "bench")
                .whereLayer("scheduler").mayOnlyBeAccessedByLayers("sim", "ledger", "server", "cli", "bench")
                .whereLayer("sim").mayOnlyBeAccessedByLayers("cli", "bench")
                .whereLayer("ledger").mayOnlyBeAccessedByLayers("sim", "server", "cli", "bench")
                .whereLayer("trust").mayOnlyBeAccessedByLayers("client", "server", "cli", "bench")
                .whereLayer("client").mayOnlyBeAccessedByLayers("cli", "bench")
                .whereLayer("server").mayOnlyBeAccessedByLayers("cli", "bench")
                .whereLayer("cli").mayNotBeAccessedByAnyLayer()
                .whereLayer("bench").mayNotBeAccessedByAnyLayer();
    }

    /** The server's packages (api, audit, engine, journal, state, ...) depend on one another without cycles. */
    static ArchRule serverPackagesFreeOfCycles(String root) {
        return slices().matching(root + ".server.(*)..").should().beFreeOfCycles().allowEmptyShould(true);
    }
}
