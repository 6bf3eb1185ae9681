package io.github.orderoutbox.consumer;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The consumer's layering: the pipeline and the pipes work on an {@code EventContext} and know
 * nothing of Kafka, which stays in the adapter that builds the context; the pipeline knows nothing
 * of the pipes it runs.
 */
class ArchitectureTest {

    private static final String CONSUMER = "io.github.orderoutbox.consumer";

    private static JavaClasses classes;

    @BeforeAll
    static void importConsumerClasses() {
        classes = new ClassFileImporter()
                .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages(CONSUMER);
    }

    @Test
    void pipelineAndPipesDoNotDependOnKafka() {
        noClasses().that().resideInAnyPackage(CONSUMER + ".pipeline..", CONSUMER + ".pipes..")
                .should().dependOnClassesThat().resideInAPackage("org.apache.kafka..")
                .because("the Kafka adapter builds an EventContext from a record; pipes see only the context")
                .check(classes);
    }

    @Test
    void batchesAndTheReadModelDoNotDependOnKafka() {
        noClasses().that().resideInAnyPackage(CONSUMER + ".batch..", CONSUMER + ".readmodel..", CONSUMER + ".catalog..",
                        CONSUMER + ".dedup..")
                .should().dependOnClassesThat().resideInAPackage("org.apache.kafka..")
                .because("a batch is applied from ReceivedEvents; the Kafka loop and the dead-letter sender are adapters")
                .check(classes);
    }

    @Test
    void pipelineDoesNotDependOnThePipesItRuns() {
        noClasses().that().resideInAPackage(CONSUMER + ".pipeline..")
                .should().dependOnClassesThat().resideInAPackage(CONSUMER + ".pipes..")
                .because("the order of the pipes is chosen where the pipeline is built, not inside it")
                .check(classes);
    }
}
