package dev.gatehouse.core;

import java.time.Duration;
import java.util.EnumSet;
import java.util.Objects;
import java.util.Set;

/**
 * When to slow down guessing, and how far a guesser can reach. Failures are counted in each
 * node's memory under several keys at once; an attempt is refused with 429 (without being
 * verified) while any of its keys is blocked:
 *
 * <ul>
 *   <li><b>per account and client address</b>: after {@code maxFailures} consecutive failures for
 *       one account from one client address, that address is refused for that account for
 *       {@code initialDelay}, doubling with every further failure up to {@code maxDelay}. The
 *       account is the login as typed, reduced by {@link Login} (so {@code " ALICE"},
 *       {@code "ａｌｉｃｅ"}, {@code "CORP\alice"} and {@code "alice@corp"} are one account;
 *       {@code loginForms} says which domain forms are recognised), and also the canonical
 *       account a realm resolved the login to ({@link AuthenticationResult.Rejected#account()}).
 *       Credentials that name no account (API keys, tokens) are not counted here: they cannot
 *       be guessed, and a count per address would let one stale key lock out every valid key
 *       sent from the same address. They count per client address (below), and against the
 *       account a realm names when it rejects one. A success forgets only its own account's failures from its own address.
 *   <li><b>per account, from everywhere</b>: once failures for one account came from
 *       {@code maxAddressesPerAccount} distinct client addresses within {@code maxDelay}, the
 *       account is refused from every address until fewer than that many remain in the window. A
 *       single address can never trigger this (the setting is at least 2), so an attacker at one
 *       address cannot keep the account's owner at another out; many addresses together can, and
 *       their guesses are then bounded to about {@code maxAddressesPerAccount} per
 *       {@code maxDelay} however many addresses they use. 0 turns it off.
 *   <li><b>per client address</b>: after {@code maxFailuresPerAddress} consecutive failures from
 *       one address, whatever accounts they named (password spraying), the address is refused
 *       for everything, delayed as above. A success does not reset it: a sprayer who owns one
 *       account cannot wash its count. 0 turns it off.
 * </ul>
 *
 * <p>A count is forgotten after a quiet period of {@code maxDelay} following the last failure
 * or the end of the last block. Client addresses are the container's, or a trusted proxy's
 * report of them ({@link TrustedProxies}); IPv6 addresses count per /64 network, the block one
 * subscriber gets. Logins longer than {@link Login#MAX_LENGTH} are refused before any table sees
 * them, and every key is a fixed-size keyed digest, so memory is bounded by {@code maxTracked}:
 * a hard bound on the entries held, kept even when every entry is blocked (then the entries
 * closest to their release are released early).
 *
 * <p>Throttling state lives in each node's memory: with N nodes behind a load balancer an
 * attacker gets up to N times the attempts.
 *
 * @param maxFailures consecutive failures per account and address before blocking, at least 1
 * @param initialDelay the first block, positive
 * @param maxDelay the longest block, and the quiet period that forgets a count
 * @param maxTracked the most entries held per node, at least 1
 * @param maxFailuresPerAddress consecutive failures per client address before blocking it, or 0
 * @param maxAddressesPerAccount distinct failing addresses that block an account everywhere, 0
 *     or at least 2
 * @param loginForms the domain forms of a login that name the same account as the bare user
 */
public record Throttling(int maxFailures, Duration initialDelay, Duration maxDelay, int maxTracked,
        int maxFailuresPerAddress, int maxAddressesPerAccount, Set<Login.Form> loginForms) {

    /** The default of {@link #maxFailuresPerAddress()}. */
    public static final int DEFAULT_MAX_FAILURES_PER_ADDRESS = 100;
    /** The default of {@link #maxAddressesPerAccount()}. */
    public static final int DEFAULT_MAX_ADDRESSES_PER_ACCOUNT = 10;

    public Throttling {
        if (maxFailures < 1) {
            throw new IllegalArgumentException("maxFailures must be at least 1, was " + maxFailures);
        }
        Objects.requireNonNull(initialDelay, "initialDelay");
        Objects.requireNonNull(maxDelay, "maxDelay");
        if (initialDelay.isNegative() || initialDelay.isZero()) {
            throw new IllegalArgumentException("initialDelay must be positive, was " + initialDelay);
        }
        if (maxDelay.compareTo(initialDelay) < 0) {
            throw new IllegalArgumentException("maxDelay (" + maxDelay + ") must not be below initialDelay (" + initialDelay + ")");
        }
        if (maxTracked < 1) {
            throw new IllegalArgumentException("maxTracked must be at least 1, was " + maxTracked);
        }
        if (maxFailuresPerAddress < 0) {
            throw new IllegalArgumentException("maxFailuresPerAddress must be 0 (off) or positive, was "
                    + maxFailuresPerAddress);
        }
        if (maxAddressesPerAccount < 0 || maxAddressesPerAccount == 1) {
            throw new IllegalArgumentException("maxAddressesPerAccount must be 0 (off) or at least 2, so that one "
                    + "address never blocks an account everywhere, was " + maxAddressesPerAccount);
        }
        if (maxAddressesPerAccount > 64) {
            throw new IllegalArgumentException("maxAddressesPerAccount must be at most 64, was " + maxAddressesPerAccount);
        }
        loginForms = Set.copyOf(Objects.requireNonNull(loginForms, "loginForms"));
    }

    /**
     * {@code maxFailures} per account and address, with the defaults for the limits per address
     * ({@value #DEFAULT_MAX_FAILURES_PER_ADDRESS}) and per account
     * ({@value #DEFAULT_MAX_ADDRESSES_PER_ACCOUNT} addresses) and both login forms.
     */
    public Throttling(int maxFailures, Duration initialDelay, Duration maxDelay, int maxTracked) {
        this(maxFailures, initialDelay, maxDelay, maxTracked, DEFAULT_MAX_FAILURES_PER_ADDRESS,
                DEFAULT_MAX_ADDRESSES_PER_ACCOUNT, Login.ALL_FORMS);
    }

    /**
     * 5 failures per account and address, then 1 s doubling up to 5 minutes; 100 failures per
     * address; 10 addresses per account; both login forms; 100,000 entries tracked.
     */
    public static Throttling defaults() {
        return new Throttling(5, Duration.ofSeconds(1), Duration.ofMinutes(5), 100_000);
    }

    /** No throttling at all (for tests of other behaviour; not for production). */
    public static Throttling disabled() {
        return new Throttling(Integer.MAX_VALUE, Duration.ofMillis(1), Duration.ofMillis(1), 1, 0, 0, Login.ALL_FORMS);
    }

    /** A builder starting from {@link #defaults()}. */
    public static Builder builder() {
        return new Builder(defaults());
    }

    /** A builder starting from these values. */
    public Builder toBuilder() {
        return new Builder(this);
    }

    /** Whether nothing is ever counted: {@link #disabled()}, or every limit off. */
    public boolean isDisabled() {
        return maxFailures == Integer.MAX_VALUE && maxFailuresPerAddress == 0 && maxAddressesPerAccount == 0;
    }

    /**
     * Builds a {@link Throttling}. Not thread-safe. {@link #build()} checks the values together and
     * fails with a message that starts with the setting's name.
     */
    public static final class Builder {
        private int maxFailures;
        private Duration initialDelay;
        private Duration maxDelay;
        private int maxTracked;
        private int maxFailuresPerAddress;
        private int maxAddressesPerAccount;
        private Set<Login.Form> loginForms;

        private Builder(Throttling from) {
            this.maxFailures = from.maxFailures;
            this.initialDelay = from.initialDelay;
            this.maxDelay = from.maxDelay;
            this.maxTracked = from.maxTracked;
            this.maxFailuresPerAddress = from.maxFailuresPerAddress;
            this.maxAddressesPerAccount = from.maxAddressesPerAccount;
            this.loginForms = from.loginForms;
        }

        public Builder maxFailures(int maxFailures) {
            this.maxFailures = maxFailures;
            return this;
        }

        public Builder initialDelay(Duration initialDelay) {
            this.initialDelay = initialDelay;
            return this;
        }

        public Builder maxDelay(Duration maxDelay) {
            this.maxDelay = maxDelay;
            return this;
        }

        public Builder maxTracked(int maxTracked) {
            this.maxTracked = maxTracked;
            return this;
        }

        /** 0 turns the limit per client address off. */
        public Builder maxFailuresPerAddress(int maxFailuresPerAddress) {
            this.maxFailuresPerAddress = maxFailuresPerAddress;
            return this;
        }

        /** 0 turns the account-wide limit off; otherwise at least 2. */
        public Builder maxAddressesPerAccount(int maxAddressesPerAccount) {
            this.maxAddressesPerAccount = maxAddressesPerAccount;
            return this;
        }

        /** The domain forms recognised; none means a login is one account however it is written. */
        public Builder loginForms(Set<Login.Form> loginForms) {
            this.loginForms = loginForms.isEmpty() ? Set.of() : EnumSet.copyOf(loginForms);
            return this;
        }

        /** @throws IllegalArgumentException naming the setting of a wrong value */
        public Throttling build() {
            return new Throttling(maxFailures, initialDelay, maxDelay, maxTracked, maxFailuresPerAddress,
                    maxAddressesPerAccount, loginForms);
        }
    }
}
