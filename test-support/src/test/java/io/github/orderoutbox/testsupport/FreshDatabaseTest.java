package io.github.orderoutbox.testsupport;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class FreshDatabaseTest {

    @Test
    void makesThePrefixASafeLowerCaseIdentifier() {
        assertThat(FreshDatabase.nameFor("Relay-IT")).matches("relay_it_\\d+_[0-9a-f]{6}");
    }

    @Test
    void startsNamesWithALetter() {
        assertThat(FreshDatabase.nameFor("42")).startsWith("db_42_");
        assertThat(FreshDatabase.nameFor("")).startsWith("db__");
    }

    @Test
    void keepsLongNamesWithinPostgresIdentifierLimit() {
        String name = FreshDatabase.nameFor("x".repeat(100));

        assertThat(name).hasSizeLessThanOrEqualTo(63).matches("x+_\\d+_[0-9a-f]{6}");
    }

    @Test
    void neverRepeatsAName() {
        assertThat(FreshDatabase.nameFor("same")).isNotEqualTo(FreshDatabase.nameFor("same"));
    }
}
