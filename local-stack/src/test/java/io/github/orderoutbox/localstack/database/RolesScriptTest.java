package io.github.orderoutbox.localstack.database;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;

class RolesScriptTest {

    @Test
    void replacesPsqlQuotedVariablesWithSqlLiteralsDoublingQuotes() {
        String sql = RolesScript.substitute("CREATE ROLE a LOGIN PASSWORD :'relay_password' IN ROLE b;",
                Map.of("relay_password", "it's-secret"));

        assertThat(sql).isEqualTo("CREATE ROLE a LOGIN PASSWORD 'it''s-secret' IN ROLE b;");
    }

    @Test
    void refusesAVariableWithoutAValueAsPsqlWithOnErrorStopWould() {
        assertThatThrownBy(() -> RolesScript.substitute("PASSWORD :'missing'", Map.of()))
                .hasMessageContaining("missing");
    }

    @Test
    void theShippedScriptHasEveryVariableReplacedWithTheComposePasswords() {
        String sql = RolesScript.withDevelopmentPasswords();

        assertThat(sql).doesNotContain(":'")
                .contains("relay_app LOGIN PASSWORD 'relay-dev-only'")
                .contains("orders_app LOGIN PASSWORD 'writer-dev-only'")
                .contains("event_consumer_app LOGIN PASSWORD 'consumer-dev-only'");
    }
}
