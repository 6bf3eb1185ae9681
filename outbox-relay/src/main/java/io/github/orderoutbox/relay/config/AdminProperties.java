package io.github.orderoutbox.relay.config;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Credentials of the operator allowed to use the admin actuator endpoints ({@code relay.admin.*},
 * e.g. {@code RELAY_ADMIN_PASSWORD}). Without a password the admin endpoints refuse everyone. The
 * password may be given encoded, e.g. {@code {bcrypt}$2a$...}; it is never printed.
 */
@ConfigurationProperties("relay.admin")
public record AdminProperties(@DefaultValue("admin") String username, @DefaultValue("") String password) {

    public boolean enabled() {
        return password != null && !password.isBlank();
    }

    @Override
    public String toString() {
        return "AdminProperties[username=" + username + ", password=" + (enabled() ? "****" : "<unset>") + "]";
    }
}
