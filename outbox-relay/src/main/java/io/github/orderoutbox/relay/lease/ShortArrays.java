package io.github.orderoutbox.relay.lease;

import java.util.stream.Collector;

/** Collects bucket numbers into the {@code short[]} that the driver sends as {@code smallint[]}. */
final class ShortArrays {

    private ShortArrays() {
    }

    static Collector<Short, ?, short[]> collector() {
        return Collector.of(
                java.util.ArrayList<Short>::new,
                java.util.ArrayList::add,
                (a, b) -> {
                    a.addAll(b);
                    return a;
                },
                list -> {
                    short[] out = new short[list.size()];
                    for (int i = 0; i < out.length; i++) {
                        out[i] = list.get(i);
                    }
                    return out;
                });
    }
}
