package io.github.orderoutbox.localstack.database;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * deploy/postgres-roles.sql, the login users' SQL that docker-compose's init script runs with
 * psql, copied into this jar at build time and run here through JDBC. psql's {@code :'name'}
 * variables become SQL string literals, quotes doubled, exactly as psql would interpolate them.
 */
public final class RolesScript {

    static final String RESOURCE = "postgres-roles.sql";

    /** psql's quoted-literal interpolation; the other forms ({@code :name}, {@code :"name"}) are not used by the script. */
    private static final Pattern QUOTED_VARIABLE = Pattern.compile(":'([A-Za-z_][A-Za-z0-9_]*)'");

    private RolesScript() {
    }

    /** The script with the passwords of {@link DatabaseUsers} in place of its variables. */
    public static String withDevelopmentPasswords() {
        return substitute(read(), Map.of(
                "writer_password", DatabaseUsers.WRITER.password(),
                "relay_password", DatabaseUsers.RELAY.password(),
                "consumer_password", DatabaseUsers.CONSUMER.password()));
    }

    /** Replaces each {@code :'name'} with {@code 'value'}; a variable without a value is an error, as in psql with ON_ERROR_STOP. */
    static String substitute(String script, Map<String, String> variables) {
        Matcher matcher = QUOTED_VARIABLE.matcher(script);
        StringBuilder result = new StringBuilder();
        while (matcher.find()) {
            String value = variables.get(matcher.group(1));
            if (value == null) {
                throw new IllegalArgumentException("no value for psql variable " + matcher.group(1) + " in " + RESOURCE);
            }
            matcher.appendReplacement(result, Matcher.quoteReplacement(literal(value)));
        }
        matcher.appendTail(result);
        return result.toString();
    }

    /** A standard SQL string literal (standard_conforming_strings is on): quotes doubled, nothing else escaped. */
    static String literal(String value) {
        return "'" + value.replace("'", "''") + "'";
    }

    private static String read() {
        try (InputStream in = RolesScript.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException(RESOURCE + " is missing from the local-stack jar; rebuild it");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
