package io.github.orderoutbox.localstack.process;

import java.util.Locale;

/**
 * The operating systems and processors that Maven Central has Postgres 17 and Redis binaries for:
 * Linux on x86-64 and arm64, macOS on Intel and Apple silicon. Elsewhere the servers cannot start,
 * and this says so before anything is unpacked.
 */
public final class Platform {

    private Platform() {
    }

    /** For example {@code linux/amd64}, {@code mac os x/aarch64}. */
    public static String current() {
        return os() + "/" + System.getProperty("os.arch");
    }

    public static boolean isSupported() {
        String arch = System.getProperty("os.arch");
        boolean knownArch = arch.equals("amd64") || arch.equals("x86_64") || arch.equals("aarch64") || arch.equals("arm64");
        return knownArch && (os().startsWith("linux") || os().startsWith("mac"));
    }

    /** Fails with a message that names this platform, the supported ones and the alternatives. */
    public static void requireSupported() {
        if (!isSupported()) {
            throw new UnsupportedPlatformException("""
                    The local stack runs Postgres 17 and Redis from binaries that Maven Central ships only for \
                    Linux x86-64, Linux arm64, macOS Intel and macOS Apple silicon; this is %s. Use docker compose \
                    instead (see README.md), or start your own Postgres 17, Kafka and Redis and run the jars \
                    against them.""".formatted(current()));
        }
    }

    private static String os() {
        return System.getProperty("os.name").toLowerCase(Locale.ROOT);
    }

    /** This platform has no binaries. */
    public static final class UnsupportedPlatformException extends IllegalStateException {

        private static final long serialVersionUID = 1L;

        UnsupportedPlatformException(String message) {
            super(message);
        }
    }
}
