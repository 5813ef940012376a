package org.colossus.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.EvaluationResult;
import org.junit.jupiter.api.Test;

/** The CLI module sees every other module, so the whole project's architecture is checked here. */
class ArchitectureTest {
    private static final JavaClasses PRODUCTION = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("org.colossus");

    private static final String FIXTURE_ROOT = "org.colossus.cli.archfixture";
    private static final JavaClasses FIXTURES = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.ONLY_INCLUDE_TESTS)
            .importPackages(FIXTURE_ROOT);

    @Test
    void production_isImported() {
        assertThat(PRODUCTION.containPackage("org.colossus.fleet")).isTrue();
        assertThat(PRODUCTION.containPackage("org.colossus.cli")).isTrue();
    }

    @Test
    void coreModules_doNotImportHttpSqlOrCli() {
        ArchitectureRules.coreHasNoInfrastructure("org.colossus").check(PRODUCTION);
    }

    @Test
    void modules_dependOneWay() {
        ArchitectureRules.layersPointOneWay("org.colossus").check(PRODUCTION);
    }

    @Test
    void serverPackages_haveNoCycles() {
        ArchitectureRules.serverPackagesFreeOfCycles("org.colossus").check(PRODUCTION);
    }

    @Test
    void cycleRule_fixtureWithACycle_isReported() {
        EvaluationResult result = ArchitectureRules.serverPackagesFreeOfCycles(FIXTURE_ROOT).evaluate(FIXTURES);
        assertThat(result.hasViolation()).isTrue();
        assertThat(result.getFailureReport().toString()).contains("server.alpha").contains("server.beta");
    }

    @Test
    void coreRule_fixtureImportingPicocli_isReported() {
        EvaluationResult result = ArchitectureRules.coreHasNoInfrastructure(FIXTURE_ROOT).evaluate(FIXTURES);
        assertThat(result.hasViolation()).isTrue();
        assertThat(result.getFailureReport().toString()).contains("fleet.ParsesArguments").contains("picocli.CommandLine");
    }

    @Test
    void layerRule_fixtureFleetUsingScheduler_isReported() {
        EvaluationResult result = ArchitectureRules.layersPointOneWay(FIXTURE_ROOT).evaluate(FIXTURES);
        assertThat(result.hasViolation()).isTrue();
        assertThat(result.getFailureReport().toString())
                .contains("fleet.DependsUpward").contains("scheduler.Planner");
    }
}
