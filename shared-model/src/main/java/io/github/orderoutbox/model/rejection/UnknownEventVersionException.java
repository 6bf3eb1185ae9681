package io.github.orderoutbox.model.rejection;

/**
 * An event of a known type whose version ({@code ce_eventversion}) is newer than the newest this
 * code knows: the producer was upgraded before the consumer. It is parked, not dropped, and
 * redriven once a consumer that knows the version runs.
 */
public class UnknownEventVersionException extends NonRetryableEventException {

    private final String eventType;
    private final int version;
    private final int newestKnownVersion;

    public UnknownEventVersionException(String eventType, int version, int newestKnownVersion) {
        super(eventType + " v" + version + " is newer than the newest known version v" + newestKnownVersion);
        this.eventType = eventType;
        this.version = version;
        this.newestKnownVersion = newestKnownVersion;
    }

    public String eventType() {
        return eventType;
    }

    /** The version as received. */
    public int version() {
        return version;
    }

    public int newestKnownVersion() {
        return newestKnownVersion;
    }
}
