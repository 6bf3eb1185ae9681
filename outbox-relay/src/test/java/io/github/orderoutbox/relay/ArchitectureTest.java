package io.github.orderoutbox.relay;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The relay's layering: the parts (outbox, lease, publish) know nothing of the loop that drives
 * them or of the operator endpoint; Kafka stays out of the outbox; the relay uses plain
 * kafka-clients, never Spring Kafka, and never the consumer.
 */
class ArchitectureTest {

    private static final String RELAY = "io.github.orderoutbox.relay";

    private static JavaClasses classes;

    @BeforeAll
    static void importRelayClasses() {
        classes = new ClassFileImporter()
                .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages(RELAY);
    }

    @Test
    void outboxLeaseAndPublishDoNotDependOnThePublishingLoop() {
        noClasses().that().resideInAnyPackage(RELAY + ".outbox..", RELAY + ".lease..", RELAY + ".publish..")
                .should().dependOnClassesThat().resideInAPackage(RELAY + ".relay..")
                .because("the loop composes the parts; a part that calls back into the loop hides the flow")
                .check(classes);
    }

    @Test
    void outboxLeaseAndPublishDoNotDependOnTheAdminEndpoint() {
        noClasses().that().resideInAnyPackage(RELAY + ".outbox..", RELAY + ".lease..", RELAY + ".publish..")
                .should().dependOnClassesThat().resideInAPackage(RELAY + ".admin..")
                .check(classes);
    }

    @Test
    void relayDoesNotUseSpringKafka() {
        noClasses().that().resideInAPackage(RELAY + "..")
                .should().dependOnClassesThat().resideInAPackage("org.springframework.kafka..")
                .because("the relay talks to Kafka with plain kafka-clients and its own producer settings")
                .check(classes);
    }

    @Test
    void outboxPackageDoesNotDependOnKafka() {
        noClasses().that().resideInAPackage(RELAY + ".outbox..")
                .should().dependOnClassesThat().resideInAPackage("org.apache.kafka..")
                .because("the outbox is the database side of the relay")
                .check(classes);
    }

    @Test
    void relayDoesNotDependOnTheConsumer() {
        noClasses().that().resideInAPackage(RELAY + "..")
                .should().dependOnClassesThat().resideInAPackage("io.github.orderoutbox.consumer..")
                .check(classes);
    }
}
