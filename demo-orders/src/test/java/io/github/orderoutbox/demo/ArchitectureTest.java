package io.github.orderoutbox.demo;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/** The demo's packages as the example to copy wants them: the orders service knows nothing of the demo around it. */
class ArchitectureTest {

    private static final JavaClasses DEMO = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("io.github.orderoutbox.demo");

    @Test
    void noPackageDependsOnOneThatDependsOnItBack() {
        slices().matching("io.github.orderoutbox.demo.(*)..").should().beFreeOfCycles().check(DEMO);
    }

    @Test
    void theOrdersServiceDependsOnlyOnItsTablesTheOutboxWriterAndTheEventModel() {
        noClasses().that().resideInAPackage("..demo.order..")
                .should().dependOnClassesThat().resideInAnyPackage("..demo.traffic..", "..demo.progress..", "..demo.web..",
                        "..demo.config..")
                .check(DEMO);
    }
}
