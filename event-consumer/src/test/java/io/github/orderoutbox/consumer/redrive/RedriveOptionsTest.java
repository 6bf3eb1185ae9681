package io.github.orderoutbox.consumer.redrive;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;
import org.springframework.boot.DefaultApplicationArguments;

class RedriveOptionsTest {

    private static RedriveOptions parse(String... args) {
        return RedriveOptions.parse(new DefaultApplicationArguments(args));
    }

    @Test
    void selectsEveryBlockedOrderWithoutOptions() {
        RedriveOptions options = parse("--spring.datasource.url=jdbc:postgresql://db/orders", "--consumer.topic=t");

        assertThat(options).isEqualTo(new RedriveOptions(List.of(), Optional.empty(), Optional.empty(),
                Optional.empty(), Optional.empty(), OptionalInt.empty(), false, false));
    }

    @Test
    void readsEveryOption() {
        RedriveOptions options = parse("--order-id=o-1", "--order-id=o-2", "--event-type=OrderPaid",
                "--error=paid in USD", "--from=2026-11-02T10:00:00+01:00", "--to=2026-11-03T00:00:00Z",
                "--limit=5", "--dry-run");

        assertThat(options).isEqualTo(new RedriveOptions(List.of("o-1", "o-2"), Optional.of("OrderPaid"),
                Optional.of("paid in USD"), Optional.of(Instant.parse("2026-11-02T09:00:00Z")),
                Optional.of(Instant.parse("2026-11-03T00:00:00Z")), OptionalInt.of(5), true, false));
    }

    @Test
    void acceptsAnExplicitDryRunValue() {
        assertThat(parse("--dry-run=true").dryRun()).isTrue();
        assertThat(parse("--dry-run=false").dryRun()).isFalse();
    }

    @Test
    void refusesAMisspeltOptionRatherThanRedrivingForReal() {
        assertThatIllegalArgumentException().isThrownBy(() -> parse("--dryrun"))
                .withMessage("unknown option --dryrun");
    }

    @Test
    void refusesBadValues() {
        assertThatIllegalArgumentException().isThrownBy(() -> parse("--order-id"))
                .withMessageContaining("--order-id needs a value");
        assertThatIllegalArgumentException().isThrownBy(() -> parse("--event-type=A", "--event-type=B"))
                .withMessageContaining("--event-type needs exactly one value");
        assertThatIllegalArgumentException().isThrownBy(() -> parse("--from=yesterday"))
                .withMessageContaining("--from must be an RFC 3339 time");
        assertThatIllegalArgumentException().isThrownBy(() -> parse("--to=2026-11-02T09:00:00"))
                .withMessageContaining("--to must be an RFC 3339 time");
        assertThatIllegalArgumentException().isThrownBy(() -> parse("--from=2026-11-02T09:00:00Z", "--to=2026-11-02T09:00:00Z"))
                .withMessage("--from must be before --to");
        assertThatIllegalArgumentException().isThrownBy(() -> parse("--limit=0"))
                .withMessageContaining("--limit must be a whole number of at least 1");
        assertThatIllegalArgumentException().isThrownBy(() -> parse("--limit=ten"))
                .withMessageContaining("--limit must be a whole number of at least 1");
        assertThatIllegalArgumentException().isThrownBy(() -> parse("--dry-run=yes"))
                .withMessageContaining("--dry-run takes no value");
        assertThatIllegalArgumentException().isThrownBy(() -> parse("o-17"))
                .withMessageContaining("unexpected argument(s) [o-17]");
    }

    @Test
    void matchesAnyTypeUnlessOneIsAskedFor() {
        assertThat(parse().typeMatches(List.of("OrderPaid"))).isTrue();
        assertThat(parse("--event-type=OrderPaid").typeMatches(List.of("OrderPlaced", "OrderPaid"))).isTrue();
        assertThat(parse("--event-type=OrderPaid").typeMatches(List.of("OrderPlaced", "OrderShipped"))).isFalse();
    }
}
