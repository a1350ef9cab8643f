package dev.gatehouse.secrets.crypto;

import static org.bouncycastle.crypto.params.Argon2Parameters.ARGON2_VERSION_13;
import static org.bouncycastle.crypto.params.Argon2Parameters.ARGON2_id;

import org.bouncycastle.crypto.params.Argon2Parameters.Builder;

/**
 * Argon2id cost parameters (RFC 9106) for deriving a key from a store password. Each envelope
 * records the parameters it was sealed with, so raising them later keeps old secrets readable.
 *
 * <p>The floor is OWASP's minimum recommendation for Argon2id: 19 MiB of memory, 2 iterations,
 * parallelism 1. Anything below is refused, on write and on read (a store that lowers the cost in
 * an envelope header also breaks its tag, but the floor is checked first and cheaply). The ceiling
 * (1 GiB, 64 iterations, 16 lanes) keeps a forged header from exhausting memory.
 *
 * @param memoryKiB memory in KiB, {@value #MIN_MEMORY_KIB} to {@value #MAX_MEMORY_KIB}
 * @param iterations passes over memory, {@value #MIN_ITERATIONS} to {@value #MAX_ITERATIONS}
 * @param parallelism lanes, 1 to {@value #MAX_PARALLELISM}
 */
public record Argon2Parameters(int memoryKiB, int iterations, int parallelism) {

    /** OWASP's minimum memory: 19 MiB. */
    public static final int MIN_MEMORY_KIB = 19 * 1024;
    /** The most memory an envelope may ask for: 1 GiB. */
    public static final int MAX_MEMORY_KIB = 1024 * 1024;
    /** OWASP's minimum number of passes at 19 MiB. */
    public static final int MIN_ITERATIONS = 2;
    /** The most passes an envelope may ask for. */
    public static final int MAX_ITERATIONS = 64;
    /** The most lanes an envelope may ask for. */
    public static final int MAX_PARALLELISM = 16;

    /** @throws IllegalArgumentException if a parameter is out of range; the message names it */
    public Argon2Parameters {
        if (memoryKiB < MIN_MEMORY_KIB || memoryKiB > MAX_MEMORY_KIB) {
            throw new IllegalArgumentException("Argon2id memory must be between " + MIN_MEMORY_KIB + " and "
                    + MAX_MEMORY_KIB + " KiB, was " + memoryKiB);
        }
        if (iterations < MIN_ITERATIONS || iterations > MAX_ITERATIONS) {
            throw new IllegalArgumentException("Argon2id iterations must be between " + MIN_ITERATIONS + " and "
                    + MAX_ITERATIONS + ", was " + iterations);
        }
        if (parallelism < 1 || parallelism > MAX_PARALLELISM) {
            throw new IllegalArgumentException("Argon2id parallelism must be between 1 and " + MAX_PARALLELISM
                    + ", was " + parallelism);
        }
    }

    /** OWASP's minimum: m = 19 MiB, t = 2, p = 1. The default. */
    public static Argon2Parameters owaspMinimum() {
        return new Argon2Parameters(MIN_MEMORY_KIB, MIN_ITERATIONS, 1);
    }

    /**
     * The most an envelope may ask for unless a host says otherwise
     * ({@code secrets.argon2.maxMemoryKiB}, {@code maxIterations}, {@code maxParallelism}): 64 MiB, 4
     * passes, 4 lanes, about seven times the work of {@link #owaspMinimum()}. An envelope is opened
     * with the parameters its header records, so without such a bound a forged header could make
     * one read cost up to 1 GiB times 64 passes.
     */
    public static Argon2Parameters defaultOpenMaximum() {
        return new Argon2Parameters(64 * 1024, 4, 4);
    }

    /** Whether no parameter is above {@code maximum}'s. */
    public boolean within(Argon2Parameters maximum) {
        return memoryKiB <= maximum.memoryKiB && iterations <= maximum.iterations && parallelism <= maximum.parallelism;
    }

    /** Each parameter the larger of this one's and {@code other}'s. */
    public Argon2Parameters atLeast(Argon2Parameters other) {
        return new Argon2Parameters(Math.max(memoryKiB, other.memoryKiB), Math.max(iterations, other.iterations),
                Math.max(parallelism, other.parallelism));
    }

    /** These parameters for Bouncy Castle's Argon2id, version 0x13, with {@code salt}. */
    Builder bouncyCastle(byte[] salt) {
        return new Builder(ARGON2_id).withVersion(ARGON2_VERSION_13).withMemoryAsKB(memoryKiB)
                .withIterations(iterations).withParallelism(parallelism).withSalt(salt);
    }
}
