package io.github.orderoutbox.endtoend.files;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Where the project's files are: the root and version come from system properties that the module's
 * surefire and failsafe configurations set ({@code project.root}, {@code project.version}).
 */
public final class ProjectFiles {

    private ProjectFiles() {
    }

    public static Path root() {
        String root = System.getProperty("project.root");
        if (root == null) {
            throw new IllegalStateException("system property project.root is not set; run the tests through Maven");
        }
        return Path.of(root).toAbsolutePath().normalize();
    }

    public static String version() {
        String version = System.getProperty("project.version");
        if (version == null) {
            throw new IllegalStateException("system property project.version is not set; run the tests through Maven");
        }
        return version;
    }

    public static Path resolve(String relative) {
        return root().resolve(relative).normalize();
    }

    /** Whether a module of the build lives in this folder (the demo is added by another change). */
    public static boolean isModule(Path folder) {
        return Files.isRegularFile(folder.resolve("pom.xml"));
    }

    /** The runnable jar {@code package} builds in a module: {@code <module>/target/<module>-<version>.jar}. */
    public static Path packagedJar(Path module) {
        return module.resolve("target").resolve(module.getFileName() + "-" + version() + ".jar");
    }
}
