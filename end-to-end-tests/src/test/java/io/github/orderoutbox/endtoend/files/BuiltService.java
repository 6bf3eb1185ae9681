package io.github.orderoutbox.endtoend.files;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * A compose service built from a module of this project: the compose entry, its Dockerfile and, when the
 * module is part of the build, the configuration it ships with the compose environment applied.
 */
public record BuiltService(ComposeFile.Service compose, Path module, Dockerfile dockerfile,
        Optional<ServiceConfiguration> configuration) {

    public static List<BuiltService> all(ComposeFile compose) {
        return compose.builtServices().stream().map(service -> {
            Path module = service.buildContext();
            Optional<ServiceConfiguration> configuration = ProjectFiles.isModule(module)
                    ? Optional.of(ServiceConfiguration.of(module).withEnvironment(service.environment()))
                    : Optional.empty();
            return new BuiltService(service, module, Dockerfile.read(service.dockerfile()), configuration);
        }).toList();
    }

    public String name() {
        return compose.name();
    }

    public String moduleName() {
        return module.getFileName().toString();
    }

    @Override
    public String toString() {
        return name();
    }
}
