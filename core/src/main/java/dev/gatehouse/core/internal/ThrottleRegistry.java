package dev.gatehouse.core.internal;

import dev.gatehouse.core.Throttling;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * Failure counts in this node's memory, under fixed-size keys, with a hard bound on the entries
 * held. Thread-safe. What is counted, and when it blocks, is {@link Throttling}'s description;
 * this class holds three kinds of entry:
 *
 * <ul>
 *   <li>a {@link Counter} per client address (all failures from it) and per principal and
 *       address (the failures of one account from one address);
 *   <li>a {@link Spread} per account: the last {@code maxAddressesPerAccount} distinct addresses
 *       that failed for it, with times.
 * </ul>
 *
 * <p>Keys are 128-bit SipHash values under a key drawn at start-up, so an entry costs the same
 * whatever a caller typed, and no caller can make two keys collide. New keys are inserted under
 * one lock, which is what makes {@code maxTracked} a hard bound: before an insert into a full
 * table, idle entries go first, then entries that block nothing, then the blocked entries closest
 * to their release, down to seven eighths of the bound (so that eviction runs once per many
 * inserts, not on each).
 */
public final class ThrottleRegistry {

    /** A fixed-size key. */
    public record Key(long hi, long lo) {}

    /**
     * Something failures are counted against per client address: an account (a login as typed,
     * reduced by {@code Login}, or a realm's canonical account).
     *
     * @param accountWide whether failures from many addresses also block it everywhere
     */
    public record Principal(Key key, boolean accountWide) {}

    private final Throttling config;
    private final Clock clock;
    private final long k0;
    private final long k1;
    private final long k2;
    private final long k3;
    private final long initialDelay;
    private final long maxDelay;
    private final boolean perPrincipal;
    private final ConcurrentHashMap<Key, Entry> entries = new ConcurrentHashMap<>();
    private final Object insertLock = new Object();
    private volatile long nextSweep;

    public ThrottleRegistry(Throttling config, Clock clock) {
        this.config = config;
        this.clock = clock;
        SecureRandom random = new SecureRandom();
        this.k0 = random.nextLong();
        this.k1 = random.nextLong();
        this.k2 = random.nextLong();
        this.k3 = random.nextLong();
        this.initialDelay = config.initialDelay().toMillis();
        this.maxDelay = Math.max(1, config.maxDelay().toMillis());
        this.perPrincipal = config.maxFailures() != Integer.MAX_VALUE;
    }

    /** Whether nothing is counted: then nothing is blocked and there is nothing to forget. */
    public boolean isEmpty() {
        return entries.isEmpty();
    }

    /** Whether nothing is ever counted. */
    public boolean isDisabled() {
        return config.isDisabled();
    }

    // --- keys ---------------------------------------------------------------------------------

    /** The key of a client address; IPv6 addresses count per /64, so one subscriber is one key. */
    public Key addressKey(String clientAddress) {
        byte[] ip = IpAddresses.parse(clientAddress);
        if (ip != null && ip.length == 16) {
            ip = Arrays.copyOf(ip, 8);
        }
        return key((byte) 'A', ip != null ? ip : clientAddress.getBytes(StandardCharsets.UTF_8));
    }

    /** A login as typed, once reduced by {@code Login}. */
    public Principal login(String user) {
        return new Principal(key((byte) 'L', user.getBytes(StandardCharsets.UTF_8)), true);
    }

    /** A realm's canonical account. */
    public Principal account(String realm, String account) {
        byte[] r = realm.getBytes(StandardCharsets.UTF_8);
        byte[] a = account.getBytes(StandardCharsets.UTF_8);
        ByteBuffer b = ByteBuffer.allocate(4 + r.length + a.length).putInt(r.length).put(r).put(a);
        return new Principal(key((byte) 'R', b.array()), true);
    }

    /**
     * The key of an actor of {@code dev.gatehouse.core.FailureThrottle} (a caller id, say): kept
     * apart from client addresses, and never reduced as an address is.
     */
    public Key actorKey(String actor) {
        return key((byte) 'C', actor.getBytes(StandardCharsets.UTF_8));
    }

    /**
     * A subject of {@code dev.gatehouse.core.FailureThrottle} (a secret, say): counted per actor and,
     * like an account, from everywhere.
     */
    public Principal subject(String subject) {
        return new Principal(key((byte) 'S', subject.getBytes(StandardCharsets.UTF_8)), true);
    }

    private Key key(byte kind, byte[] data) {
        byte[] d = new byte[data.length + 1];
        d[0] = kind;
        System.arraycopy(data, 0, d, 1, data.length);
        return new Key(SipHash.hash(k0, k1, d), SipHash.hash(k2, k3, d));
    }

    private Key pair(byte kind, Key a, Key b) {
        byte[] d = ByteBuffer.allocate(33).put(kind).putLong(a.hi).putLong(a.lo).putLong(b.hi).putLong(b.lo).array();
        return new Key(SipHash.hash(k0, k1, d), SipHash.hash(k2, k3, d));
    }

    private Key spreadKey(Principal p) {
        return pair((byte) 'W', p.key, p.key);
    }

    // --- queries ------------------------------------------------------------------------------

    /** How long {@code address} is still blocked for everything, if it is. */
    public Optional<Duration> blockedAddress(Key address) {
        if (entries.isEmpty() || config.maxFailuresPerAddress() == 0) {
            return Optional.empty();
        }
        return remaining(entries.get(address), clock.millis());
    }

    /** How long {@code principal} is still blocked for {@code address}, if it is. */
    public Optional<Duration> blocked(Principal principal, Key address) {
        if (entries.isEmpty()) {
            return Optional.empty();
        }
        long now = clock.millis();
        long wait = 0;
        if (perPrincipal) {
            wait = millis(entries.get(pair((byte) 'P', principal.key, address)), now);
        }
        if (principal.accountWide && config.maxAddressesPerAccount() > 0) {
            wait = Math.max(wait, millis(entries.get(spreadKey(principal)), now));
        }
        return wait > 0 ? Optional.of(Duration.ofMillis(wait)) : Optional.empty();
    }

    private Optional<Duration> remaining(Entry e, long now) {
        long wait = millis(e, now);
        return wait > 0 ? Optional.of(Duration.ofMillis(wait)) : Optional.empty();
    }

    private long millis(Entry e, long now) {
        if (e == null) {
            return 0;
        }
        synchronized (e) {
            long release = e.releaseAt(now, this);
            return release > now ? release - now : 0;
        }
    }

    // --- updates ------------------------------------------------------------------------------

    /** Records one failed attempt from {@code address} against each of {@code principals}. */
    public void failure(Key address, List<Principal> principals) {
        if (config.isDisabled()) {
            return;
        }
        long now = clock.millis();
        maybeSweep(now);
        if (config.maxFailuresPerAddress() > 0) {
            update(address, Counter::new, e -> ((Counter) e).fail(now, config.maxFailuresPerAddress(), this));
        }
        for (Principal p : principals) {
            if (perPrincipal) {
                update(pair((byte) 'P', p.key, address), Counter::new, e -> ((Counter) e).fail(now, config.maxFailures(), this));
            }
            if (p.accountWide && config.maxAddressesPerAccount() > 0) {
                update(spreadKey(p), () -> new Spread(config.maxAddressesPerAccount()),
                        e -> ((Spread) e).fail(now, address.hi));
            }
        }
    }

    /**
     * Forgets the failures of each of {@code principals} from {@code address}: its count there,
     * and that address among the account's failing ones. Nothing else: not the address's own count,
     * and not the same account's failures from other addresses.
     */
    public void success(Key address, List<Principal> principals) {
        if (entries.isEmpty()) {
            return;
        }
        maybeSweep(clock.millis());
        for (Principal p : principals) {
            entries.remove(pair((byte) 'P', p.key, address));
            if (p.accountWide) {
                Entry e = entries.get(spreadKey(p));
                if (e instanceof Spread s) {
                    synchronized (s) {
                        s.clear(address.hi);
                    }
                }
            }
        }
    }

    /**
     * Applies {@code change} to the entry of {@code key}, creating it if there is none. A new entry
     * is changed before it is published, so that eviction never sees it idle.
     */
    private void update(Key key, Supplier<Entry> create, Consumer<Entry> change) {
        Entry e = entries.get(key);
        if (e != null) {
            synchronized (e) {
                change.accept(e);
            }
            return;
        }
        synchronized (insertLock) {
            e = entries.get(key);
            if (e == null) {
                if (entries.size() >= config.maxTracked()) {
                    evict(clock.millis());
                }
                e = create.get();
                synchronized (e) {
                    change.accept(e);
                }
                entries.put(key, e);
                return;
            }
        }
        synchronized (e) {
            change.accept(e);
        }
    }

    /** Under {@link #insertLock}: makes room, idle first, then unblocking, then soonest released. */
    private void evict(long now) {
        int bound = config.maxTracked();
        int target = bound - Math.max(1, bound / 8);
        List<Map.Entry<Key, Entry>> blocking = new ArrayList<>();
        for (Iterator<Map.Entry<Key, Entry>> it = entries.entrySet().iterator(); it.hasNext(); ) {
            Map.Entry<Key, Entry> me = it.next();
            Entry e = me.getValue();
            synchronized (e) {
                if (e.idle(now, this)) {
                    it.remove();
                } else if (e.releaseAt(now, this) > now) {
                    blocking.add(me);
                }
            }
        }
        if (entries.size() <= target) {
            return;
        }
        for (Iterator<Map.Entry<Key, Entry>> it = entries.entrySet().iterator(); it.hasNext() && entries.size() > target; ) {
            Entry e = it.next().getValue();
            synchronized (e) {
                if (e.releaseAt(now, this) <= now) {
                    it.remove();
                }
            }
        }
        if (entries.size() <= target) {
            return;
        }
        // Every entry left blocks someone: release early those that would be released soonest.
        long[] releases = new long[blocking.size()];
        for (int i = 0; i < releases.length; i++) {
            Entry e = blocking.get(i).getValue();
            synchronized (e) {
                releases[i] = e.releaseAt(now, this);
            }
        }
        long[] sorted = releases.clone();
        Arrays.sort(sorted);
        int excess = entries.size() - target;
        long cutoff = sorted.length == 0 ? Long.MIN_VALUE : sorted[Math.min(excess, sorted.length) - 1];
        for (int i = 0; i < releases.length && entries.size() > target; i++) {
            if (releases[i] <= cutoff) {
                entries.remove(blocking.get(i).getKey(), blocking.get(i).getValue());
            }
        }
        // Entries that started blocking while this ran: the bound holds regardless.
        for (Iterator<Key> it = entries.keySet().iterator(); it.hasNext() && entries.size() >= bound; ) {
            it.next();
            it.remove();
        }
    }

    /** Drops idle entries at most once per {@code maxDelay}, so that a quiet table empties. */
    private void maybeSweep(long now) {
        if (now < nextSweep) {
            return;
        }
        synchronized (insertLock) {
            if (now < nextSweep) {
                return;
            }
            nextSweep = now + maxDelay;
            entries.values().removeIf(e -> {
                synchronized (e) {
                    return e.idle(now, this);
                }
            });
        }
    }

    /** The number of entries held; never more than {@code maxTracked}. */
    public int size() {
        return entries.size();
    }

    // --- entries ------------------------------------------------------------------------------

    /** Guarded by its own monitor. */
    private abstract static class Entry {
        /** When this entry stops blocking; at or before {@code now} if it blocks nothing. */
        abstract long releaseAt(long now, ThrottleRegistry r);

        /** Whether this entry holds nothing that still counts. */
        abstract boolean idle(long now, ThrottleRegistry r);
    }

    /** Consecutive failures, and the block they earned. */
    private static final class Counter extends Entry {
        int failures;
        long lastFailure;
        long blockedUntil;

        void fail(long now, int threshold, ThrottleRegistry r) {
            if (idle(now, r)) {
                failures = 0; // a quiet period forgives old failures
            }
            if (failures < Integer.MAX_VALUE) {
                failures++;
            }
            lastFailure = now;
            int over = failures - threshold;
            if (over >= 0) {
                long delay = over >= 62 ? r.maxDelay : r.initialDelay << over;
                if (delay <= 0 || delay > r.maxDelay) {
                    delay = r.maxDelay;
                }
                blockedUntil = now + delay;
            }
        }

        @Override
        long releaseAt(long now, ThrottleRegistry r) {
            return blockedUntil;
        }

        @Override
        boolean idle(long now, ThrottleRegistry r) {
            return now >= Math.max(lastFailure, blockedUntil) + r.maxDelay;
        }
    }

    /** The last distinct addresses that failed for one account, with the time of their last failure. */
    private static final class Spread extends Entry {
        final long[] addresses;
        final long[] times;

        Spread(int slots) {
            addresses = new long[slots];
            times = new long[slots];
            Arrays.fill(times, Long.MIN_VALUE);
        }

        void fail(long now, long address) {
            int oldest = 0;
            for (int i = 0; i < addresses.length; i++) {
                if (times[i] != Long.MIN_VALUE && addresses[i] == address) {
                    times[i] = now;
                    return;
                }
                if (times[i] < times[oldest]) {
                    oldest = i;
                }
            }
            addresses[oldest] = address;
            times[oldest] = now;
        }

        void clear(long address) {
            for (int i = 0; i < addresses.length; i++) {
                if (addresses[i] == address) {
                    times[i] = Long.MIN_VALUE;
                }
            }
        }

        /** Blocked while every slot holds a failure inside the window: until the oldest leaves it. */
        @Override
        long releaseAt(long now, ThrottleRegistry r) {
            long oldest = Long.MAX_VALUE;
            for (long t : times) {
                if (t == Long.MIN_VALUE || now - t >= r.maxDelay) {
                    return Long.MIN_VALUE;
                }
                oldest = Math.min(oldest, t);
            }
            return oldest + r.maxDelay;
        }

        @Override
        boolean idle(long now, ThrottleRegistry r) {
            for (long t : times) {
                if (t != Long.MIN_VALUE && now - t < r.maxDelay) {
                    return false;
                }
            }
            return true;
        }
    }
}
