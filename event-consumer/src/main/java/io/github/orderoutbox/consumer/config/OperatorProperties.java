package io.github.orderoutbox.consumer.config;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Credentials of the operator who may see the consumer's health details ({@code consumer.admin.*},
 * e.g. {@code CONSUMER_ADMIN_PASSWORD}). Without a password nobody sees them. The password may be
 * given encoded, e.g. {@code {bcrypt}$2a$...}; it is never printed.
 */
@ConfigurationProperties("consumer.admin")
public record OperatorProperties(@DefaultValue("admin") String username, @DefaultValue("") String password) {

    public boolean enabled() {
        return password != null && !password.isBlank();
    }

    @Override
    public String toString() {
        return "OperatorProperties[username=" + username + ", password=" + (enabled() ? "****" : "<unset>") + "]";
    }
}
