package io.github.orderoutbox.consumer.pipeline;

import java.util.ArrayList;
import java.util.List;

/** A test context that remembers which pipes saw it, in order. */
final class Trace {

    final int id;
    final List<String> visits = new ArrayList<>();

    Trace(int id) {
        this.id = id;
    }

    Trace() {
        this(0);
    }

    void visit(String pipe) {
        visits.add(pipe);
    }
}
