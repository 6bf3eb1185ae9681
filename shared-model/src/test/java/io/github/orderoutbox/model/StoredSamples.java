package io.github.orderoutbox.model;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The JSON files stored under a test-resource folder laid out as {@code <type>/v<version>/<name>.json},
 * found by walking the folder, so that adding a file adds a test case.
 */
public final class StoredSamples {

    private static final Pattern LAYOUT = Pattern.compile("([A-Za-z]+)/v([0-9]+)/([^/]+\\.json)");

    /** One stored file. */
    public record Sample(String type, int version, String name, Path file) {

        public byte[] bytes() {
            try {
                return Files.readAllBytes(file);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        /** The path below the root folder, e.g. {@code OrderPlaced/v1/quantity-zero.json}. */
        public String relativePath() {
            return type + "/v" + version + "/" + name;
        }

        @Override
        public String toString() {
            return relativePath();
        }
    }

    private StoredSamples() {
    }

    /** Every JSON file below the class-path folder, e.g. {@code "samples"}; fails on a file outside the layout. */
    public static List<Sample> in(String folder) {
        Path root = root(folder);
        try (Stream<Path> files = Files.walk(root)) {
            return files.filter(Files::isRegularFile)
                    .filter(file -> file.toString().endsWith(".json"))
                    .sorted()
                    .map(file -> sample(root, file))
                    .toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The folder on disk; test resources are a directory under surefire, not a jar. */
    public static Path root(String folder) {
        URL url = StoredSamples.class.getClassLoader().getResource(folder);
        if (url == null) {
            throw new IllegalStateException("no class-path folder " + folder);
        }
        try {
            return Path.of(url.toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Sample sample(Path root, Path file) {
        String relative = root.relativize(file).toString().replace('\\', '/');
        Matcher matcher = LAYOUT.matcher(relative);
        if (!matcher.matches()) {
            throw new IllegalStateException(relative + " is not laid out as <type>/v<version>/<name>.json");
        }
        return new Sample(matcher.group(1), Integer.parseInt(matcher.group(2)), matcher.group(3), file);
    }
}
