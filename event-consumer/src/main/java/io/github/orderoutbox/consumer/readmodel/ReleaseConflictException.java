package io.github.orderoutbox.consumer.readmodel;

/**
 * The rows a redrive was about to remove changed after it read them: a record of the order was
 * parked meanwhile, or another redrive released the order first. Nothing of that redrive is
 * committed; running it again reads the rows anew.
 */
public final class ReleaseConflictException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public ReleaseConflictException(String message) {
        super(message);
    }
}
