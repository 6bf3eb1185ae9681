package io.github.orderoutbox.endtoend.files;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.yaml.snakeyaml.Yaml;

/**
 * A Dockerfile read as the builder reads it: comments dropped, continued lines joined, {@code ${ARG}}
 * replaced by the ARG's default, instructions grouped by build stage.
 */
public final class Dockerfile {

    /** One instruction, its keyword in upper case, and the stage it belongs to (0 for the first FROM). */
    public record Instruction(int stage, String keyword, String arguments) {
    }

    /** A COPY: {@code from} is the stage it copies from, or null for the build context. */
    public record Copy(int stage, String from, List<String> sources, String destination) {
    }

    private final Path file;
    private final List<Instruction> instructions;

    private Dockerfile(Path file, List<Instruction> instructions) {
        this.file = file;
        this.instructions = instructions;
    }

    public static Dockerfile read(Path file) {
        List<String> lines;
        try {
            lines = Files.readAllLines(file);
        } catch (IOException e) {
            throw new IllegalStateException("cannot read " + file, e);
        }
        List<String> joined = new ArrayList<>();
        StringBuilder current = new StringBuilder();
        for (String line : lines) {
            String trimmed = line.strip();
            if (trimmed.startsWith("#") || (trimmed.isEmpty() && current.isEmpty())) {
                continue;
            }
            if (trimmed.endsWith("\\")) {
                current.append(trimmed, 0, trimmed.length() - 1).append(' ');
            } else {
                current.append(trimmed);
                joined.add(current.toString().strip());
                current.setLength(0);
            }
        }
        Map<String, String> args = new LinkedHashMap<>();
        List<Instruction> instructions = new ArrayList<>();
        int stage = -1;
        for (String line : joined) {
            String[] parts = line.split("\\s+", 2);
            String keyword = parts[0].toUpperCase(Locale.ROOT);
            String arguments = parts.length > 1 ? substitute(parts[1], args) : "";
            if (keyword.equals("FROM")) {
                stage++;
            }
            if (keyword.equals("ARG")) {
                String[] arg = arguments.split("=", 2);
                args.put(arg[0].strip(), arg.length > 1 ? arg[1].strip() : "");
            }
            instructions.add(new Instruction(Math.max(stage, 0), keyword, arguments));
        }
        return new Dockerfile(file, instructions);
    }

    private static String substitute(String text, Map<String, String> args) {
        String result = text;
        for (Map.Entry<String, String> arg : args.entrySet()) {
            result = result.replace("${" + arg.getKey() + "}", arg.getValue());
        }
        return result;
    }

    public Path file() {
        return file;
    }

    public List<Instruction> instructions() {
        return instructions;
    }

    public int finalStage() {
        return instructions.get(instructions.size() - 1).stage();
    }

    /** The stage of each {@code FROM ... AS name}. */
    public Map<String, Integer> stageNames() {
        Map<String, Integer> names = new LinkedHashMap<>();
        for (Instruction instruction : all("FROM")) {
            String[] parts = instruction.arguments().split("\\s+");
            if (parts.length == 3 && parts[1].equalsIgnoreCase("AS")) {
                names.put(parts[2], instruction.stage());
            }
        }
        return names;
    }

    public List<Instruction> all(String keyword) {
        return instructions.stream().filter(i -> i.keyword().equals(keyword)).toList();
    }

    public List<Instruction> inStage(int stage, String keyword) {
        return all(keyword).stream().filter(i -> i.stage() == stage).toList();
    }

    /** The last instruction of this keyword in the final stage (what the image keeps). */
    public Optional<Instruction> lastInFinalStage(String keyword) {
        List<Instruction> found = inStage(finalStage(), keyword);
        return found.isEmpty() ? Optional.empty() : Optional.of(found.get(found.size() - 1));
    }

    /** The image of the final stage. */
    public String baseImage() {
        return inStage(finalStage(), "FROM").get(0).arguments().split("\\s+")[0];
    }

    /** The working directory of a stage, {@code /} if it sets none. */
    public String workdir(int stage) {
        List<Instruction> found = inStage(stage, "WORKDIR");
        return found.isEmpty() ? "/" : found.get(found.size() - 1).arguments();
    }

    public List<Copy> copies() {
        List<Copy> copies = new ArrayList<>();
        for (Instruction instruction : all("COPY")) {
            List<String> words = new ArrayList<>(Arrays.asList(instruction.arguments().split("\\s+")));
            String from = null;
            while (!words.isEmpty() && words.get(0).startsWith("--")) {
                String flag = words.remove(0);
                if (flag.startsWith("--from=")) {
                    from = flag.substring("--from=".length());
                }
            }
            String destination = words.remove(words.size() - 1);
            copies.add(new Copy(instruction.stage(), from, List.copyOf(words), destination));
        }
        return copies;
    }

    /** ENTRYPOINT in exec form (a JSON array), or empty if it is in shell form or missing. */
    public Optional<List<String>> execEntrypoint() {
        return lastInFinalStage("ENTRYPOINT").filter(i -> i.arguments().startsWith("["))
                .map(i -> new Yaml().<List<Object>>load(i.arguments()).stream().map(String::valueOf).toList());
    }

    /** The command of HEALTHCHECK, after its options and {@code CMD}. */
    public Optional<String> healthCheckCommand() {
        return lastInFinalStage("HEALTHCHECK").map(i -> {
            String arguments = i.arguments();
            int cmd = arguments.indexOf("CMD ");
            return cmd < 0 ? arguments : arguments.substring(cmd + 4).strip();
        });
    }

    /** Ports named by EXPOSE in the final stage. */
    public List<Integer> exposedPorts() {
        return inStage(finalStage(), "EXPOSE").stream()
                .flatMap(i -> Arrays.stream(i.arguments().split("\\s+")))
                .map(p -> Integer.parseInt(p.replace("/tcp", ""))).toList();
    }

    /** The ARG defaults, as written. */
    public Map<String, String> argDefaults() {
        Map<String, String> args = new LinkedHashMap<>();
        for (Instruction instruction : all("ARG")) {
            String[] arg = instruction.arguments().split("=", 2);
            args.put(arg[0].strip(), arg.length > 1 ? arg[1].strip() : "");
        }
        return args;
    }
}
