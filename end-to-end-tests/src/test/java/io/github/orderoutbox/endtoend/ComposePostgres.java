package io.github.orderoutbox.endtoend;

import io.github.orderoutbox.testsupport.PostgresServer;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.sql.DataSource;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * What docker-compose.yml's {@code postgres} service does at its first start, done on a test
 * server: the image's {@code POSTGRES_USER} (a superuser with {@code POSTGRES_PASSWORD}) and
 * {@code POSTGRES_DB} owned by it, password authentication as the image sets it up, then
 * deploy/postgres-init.sh, which runs deploy/postgres-roles.sql through psql with variables taken
 * from the service's environment. psql may be missing here, so its {@code :'name'} substitution is
 * done by {@link #substitute} and the statements run over JDBC.
 */
final class ComposePostgres {

    /** {@code -v relay_password="$RELAY_DB_PASSWORD"} in postgres-init.sh. */
    private static final Pattern PSQL_VARIABLE = Pattern.compile("-v\\s+(\\w+)=\"\\$(\\w+)\"");
    /** psql's {@code :'name'}: the variable's value as an SQL literal. */
    private static final Pattern LITERAL_VARIABLE = Pattern.compile(":'(\\w+)'");

    /** Identifiers cannot be bound as parameters; they come from docker-compose.yml and are quoted. */
    private static final String CREATE_OWNER = """
            CREATE ROLE %s SUPERUSER LOGIN PASSWORD %s
            """;
    private static final String CREATE_DATABASE = """
            CREATE DATABASE %s OWNER %s
            """;
    /**
     * The test server trusts everyone; the image asks every user but its own for a password
     * (scram-sha-256), so a password that compose gives a service but not the role is caught. The
     * tests' admin stays trusted. {@code COPY ... TO} writes the file as the server does.
     */
    private static final String WRITE_HBA = """
            COPY (VALUES ('host all %1$s 0.0.0.0/0 trust'), ('host all %1$s ::/0 trust'),
                         ('host all all 0.0.0.0/0 scram-sha-256'), ('host all all ::/0 scram-sha-256'))
              TO %2$s
            """;

    private final PostgresServer server;
    private final Map<String, String> environment;
    private final Path projectRoot;

    /**
     * @param environment the compose {@code postgres} service's environment, interpolated
     */
    ComposePostgres(PostgresServer server, Map<String, String> environment, Path projectRoot) {
        this.server = server;
        this.environment = environment;
        this.projectRoot = projectRoot;
    }

    String database() {
        return environment.get("POSTGRES_DB");
    }

    String owner() {
        return environment.get("POSTGRES_USER");
    }

    void initialise() throws SQLException, IOException {
        try (Connection admin = server.dataSource(server.adminDatabase()).getConnection();
                Statement statement = admin.createStatement()) {
            statement.execute(CREATE_OWNER.formatted(identifier(owner()), literal(environment.get("POSTGRES_PASSWORD"))));
            statement.execute(CREATE_DATABASE.formatted(identifier(database()), identifier(owner())));
            String hbaFile;
            try (var rows = statement.executeQuery("SHOW hba_file")) {
                rows.next();
                hbaFile = rows.getString(1);
            }
            statement.execute(WRITE_HBA.formatted(identifier(server.adminUser()), literal(hbaFile)));
            statement.execute("SELECT pg_reload_conf()");
        }
        Path initScript = projectRoot.resolve("deploy/postgres-init.sh");
        Map<String, String> variables = psqlVariables(Files.readString(initScript, StandardCharsets.UTF_8), environment);
        String rolesSql = Files.readString(projectRoot.resolve("deploy/postgres-roles.sql"), StandardCharsets.UTF_8);
        try (Connection owner = dataSource(owner(), environment.get("POSTGRES_PASSWORD")).getConnection();
                Statement statement = owner.createStatement()) {
            for (String sql : statements(rolesSql)) {
                statement.execute(substitute(sql, variables));
            }
        }
    }

    /** A data source on the compose database as {@code user}, who must give the right password. */
    DataSource dataSource(String user, String password) {
        PGSimpleDataSource dataSource = new PGSimpleDataSource();
        dataSource.setURL(server.jdbcUrl(database()));
        dataSource.setUser(user);
        dataSource.setPassword(password);
        return dataSource;
    }

    /** The psql variables the init script passes, with their values from the service's environment. */
    static Map<String, String> psqlVariables(String initScript, Map<String, String> environment) {
        Map<String, String> variables = new HashMap<>();
        Matcher matcher = PSQL_VARIABLE.matcher(initScript);
        while (matcher.find()) {
            String value = environment.get(matcher.group(2));
            if (value == null) {
                throw new IllegalStateException("postgres-init.sh reads $" + matcher.group(2)
                        + ", which docker-compose.yml does not give the postgres service");
            }
            variables.put(matcher.group(1), value);
        }
        return variables;
    }

    /** The script's statements, its {@code --} comment lines left out. */
    static List<String> statements(String script) {
        StringBuilder code = new StringBuilder();
        script.lines().filter(line -> !line.strip().startsWith("--")).forEach(line -> code.append(line).append('\n'));
        List<String> statements = new ArrayList<>();
        for (String statement : code.toString().split(";\\s*\n")) {
            if (!statement.isBlank()) {
                statements.add(statement.strip());
            }
        }
        return statements;
    }

    /** psql's {@code :'name'}; an undefined variable fails, as psql with ON_ERROR_STOP does. */
    static String substitute(String sql, Map<String, String> variables) {
        Matcher matcher = LITERAL_VARIABLE.matcher(sql);
        StringBuilder result = new StringBuilder();
        while (matcher.find()) {
            String value = variables.get(matcher.group(1));
            if (value == null) {
                throw new IllegalStateException("psql variable " + matcher.group(1) + " is not set by postgres-init.sh");
            }
            matcher.appendReplacement(result, Matcher.quoteReplacement(literal(value)));
        }
        matcher.appendTail(result);
        return result.toString();
    }

    static String literal(String value) {
        return "'" + value.replace("'", "''") + "'";
    }

    static String identifier(String name) {
        return "\"" + name.replace("\"", "\"\"") + "\"";
    }
}
