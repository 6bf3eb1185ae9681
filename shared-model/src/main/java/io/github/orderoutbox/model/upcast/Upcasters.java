package io.github.orderoutbox.model.upcast;

import io.github.orderoutbox.model.EventHeaders;
import io.github.orderoutbox.model.events.EventType;
import io.github.orderoutbox.model.rejection.InvalidEventException;
import io.github.orderoutbox.model.rejection.UnknownEventTypeException;
import io.github.orderoutbox.model.rejection.UnknownEventVersionException;
import io.github.orderoutbox.model.rejection.Violation;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import tools.jackson.databind.JsonNode;

/**
 * The registry of upcasters: knows the newest version of every event type and brings a payload of
 * any older version up to it, one step at a time (v1 to v2, v2 to v3, ...). Immutable and thread-safe.
 *
 * <p>It refuses to be built with a gap in a chain, so "every version from 1 to the newest can be
 * upcast" holds as soon as the registry exists.
 */
public final class Upcasters {

    private final Map<String, Upcaster[]> chains;
    private final Map<String, Integer> newestVersions;

    /**
     * @param newestVersions the newest version of every known type
     * @param upcasters      one upcaster from each version below the newest of its type
     * @throws IllegalArgumentException when a step is missing, doubled or beyond the newest version
     */
    public Upcasters(Map<String, Integer> newestVersions, List<? extends Upcaster> upcasters) {
        this.newestVersions = Collections.unmodifiableMap(new LinkedHashMap<>(newestVersions));
        Map<String, Upcaster[]> built = new HashMap<>();
        this.newestVersions.forEach((type, newest) -> {
            if (newest < 1) {
                throw new IllegalArgumentException("newest version of " + type + " must be at least 1, was " + newest);
            }
            // index 0 upcasts v1 to v2, index n-1 upcasts vn to vn+1
            built.put(type, new Upcaster[newest - 1]);
        });
        for (Upcaster upcaster : upcasters) {
            Upcaster[] chain = built.get(upcaster.eventType());
            if (chain == null) {
                throw new IllegalArgumentException("upcaster " + upcaster.getClass().getName() + " is for unknown type " + upcaster.eventType());
            }
            int step = upcaster.fromVersion() - 1;
            if (step < 0 || step >= chain.length) {
                throw new IllegalArgumentException("upcaster " + upcaster.getClass().getName() + " reads " + upcaster.eventType()
                        + " v" + upcaster.fromVersion() + ", but the newest version is v" + (chain.length + 1));
            }
            if (chain[step] != null) {
                throw new IllegalArgumentException("two upcasters read " + upcaster.eventType() + " v" + upcaster.fromVersion());
            }
            chain[step] = upcaster;
        }
        built.forEach((type, chain) -> {
            for (int step = 0; step < chain.length; step++) {
                if (chain[step] == null) {
                    throw new IllegalArgumentException("no upcaster from " + type + " v" + (step + 1) + " to v" + (step + 2));
                }
            }
        });
        this.chains = Map.copyOf(built);
    }

    /** The registry of every {@link EventType} and the upcasters of this module. */
    public static Upcasters standard() {
        Map<String, Integer> newest = Arrays.stream(EventType.values())
                .collect(Collectors.toMap(EventType::typeName, EventType::newestVersion, (a, b) -> a, LinkedHashMap::new));
        return new Upcasters(newest, List.of(new OrderPlacedV1ToV2()));
    }

    /**
     * Brings a payload up to the newest version of its type. A payload already at the newest
     * version is returned as it is; an older one is returned as a new tree, the argument unchanged.
     *
     * @throws UnknownEventTypeException    when the type is not known
     * @throws UnknownEventVersionException when the version is newer than the newest known
     * @throws InvalidEventException        when the version is below 1, or the payload lacks what a step needs
     */
    public JsonNode toNewest(String eventType, int version, JsonNode payload) {
        Upcaster[] chain = chain(eventType);
        int newest = chain.length + 1;
        if (version > newest) {
            throw new UnknownEventVersionException(eventType, version, newest);
        }
        if (version < 1) {
            throw new InvalidEventException(eventType + " envelope", List.of(new Violation(EventHeaders.EVENT_VERSION,
                    EventHeaders.EVENT_VERSION + ": must be at least 1, was " + version)));
        }
        JsonNode current = payload;
        for (int step = version - 1; step < chain.length; step++) {
            current = chain[step].upcast(current);
        }
        return current;
    }

    /**
     * The newest version of a type.
     *
     * @throws UnknownEventTypeException when the type is not known
     */
    public int newestVersion(String eventType) {
        return chain(eventType).length + 1;
    }

    /** The newest version of every known type, by type name. */
    public Map<String, Integer> newestVersions() {
        return newestVersions;
    }

    private Upcaster[] chain(String eventType) {
        Upcaster[] chain = eventType == null ? null : chains.get(eventType);
        if (chain == null) {
            throw new UnknownEventTypeException(eventType, chains.keySet());
        }
        return chain;
    }
}
