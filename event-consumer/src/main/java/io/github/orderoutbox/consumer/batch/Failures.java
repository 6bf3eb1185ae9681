package io.github.orderoutbox.consumer.batch;

import io.github.orderoutbox.consumer.readmodel.ConcurrentApplyException;
import io.github.orderoutbox.model.rejection.NonRetryableEventException;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.sql.SQLException;
import java.sql.SQLRecoverableException;
import java.sql.SQLTransientException;
import org.springframework.dao.DataAccessResourceFailureException;
import org.springframework.dao.RecoverableDataAccessException;
import org.springframework.dao.TransientDataAccessException;
import org.springframework.jdbc.CannotGetJdbcConnectionException;
import org.springframework.transaction.CannotCreateTransactionException;

/**
 * Sorts failures into three kinds: the event's own fault ({@link NonRetryableEventException}),
 * dead-lettered at once; an outage that passes (a server down or restarting, a lock or
 * serialisation conflict), retried for as long as it lasts; and anything else, a surprise that is
 * retried a few times and then dead-lettered, so one odd event cannot stop its partition forever.
 */
public final class Failures {

    private Failures() {
    }

    public enum Kind { EVENT, OUTAGE, UNEXPECTED }

    public static Kind classify(Throwable failure) {
        for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
            if (cause instanceof NonRetryableEventException) {
                return Kind.EVENT;
            }
            if (isOutage(cause)) {
                return Kind.OUTAGE;
            }
            if (cause.getCause() == cause) {
                break;
            }
        }
        return Kind.UNEXPECTED;
    }

    private static boolean isOutage(Throwable cause) {
        if (cause instanceof ConcurrentApplyException
                || cause instanceof DeadLetterUnavailableException
                || cause instanceof TransientDataAccessException
                || cause instanceof RecoverableDataAccessException
                || cause instanceof DataAccessResourceFailureException
                || cause instanceof CannotGetJdbcConnectionException
                || cause instanceof CannotCreateTransactionException
                || cause instanceof SQLTransientException
                || cause instanceof SQLRecoverableException
                || cause instanceof SocketException
                || cause instanceof SocketTimeoutException) {
            return true;
        }
        if (cause instanceof SQLException sql && sql.getSQLState() != null) {
            String state = sql.getSQLState();
            // 08 connection, 40 serialisation failure or deadlock, 53 insufficient resources,
            // 57 operator intervention (shutdown, statement timeout), 55P03 lock not available.
            return state.startsWith("08") || state.startsWith("40") || state.startsWith("53")
                    || state.startsWith("57") || state.equals("55P03");
        }
        return false;
    }
}
