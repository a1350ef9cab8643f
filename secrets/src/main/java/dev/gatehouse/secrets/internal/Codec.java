package dev.gatehouse.secrets.internal;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * The one length-prefixed binary encoding of this module: big-endian ints, byte strings with a
 * 4-byte length. {@link Reader} fails with {@link Truncated} instead of reading past the end.
 */
public final class Codec {

    private Codec() {}

    /** Input ended before a field did, or a length is out of range. */
    public static final class Truncated extends Exception {
        private static final long serialVersionUID = 1L;

        Truncated(String message) {
            super(message);
        }
    }

    /** Appends fields. Not thread-safe. */
    public static final class Writer {
        private final ByteArrayOutputStream out = new ByteArrayOutputStream();

        /** Appends one byte. */
        public Writer u8(int v) {
            out.write(v);
            return this;
        }

        /** Appends the low 32 bits, big-endian. */
        public Writer u32(long v) {
            out.write((int) (v >>> 24));
            out.write((int) (v >>> 16));
            out.write((int) (v >>> 8));
            out.write((int) v);
            return this;
        }

        /** Appends 64 bits, big-endian. */
        public Writer u64(long v) {
            u32(v >>> 32);
            return u32(v & 0xffffffffL);
        }

        /** Appends bytes without a length. */
        public Writer raw(byte[] b) {
            out.write(b, 0, b.length);
            return this;
        }

        /** Appends a 4-byte length and the bytes. */
        public Writer bytes(byte[] b) {
            u32(b.length);
            return raw(b);
        }

        /** Appends a string as length-prefixed UTF-8. */
        public Writer string(String s) {
            return bytes(s.getBytes(StandardCharsets.UTF_8));
        }

        /** Everything appended so far. */
        public byte[] toByteArray() {
            return out.toByteArray();
        }
    }

    /** Reads fields written by {@link Writer}. Not thread-safe. */
    public static final class Reader {
        private final ByteBuffer in;

        /** Reads all of {@code b}. */
        public Reader(byte[] b) {
            this.in = ByteBuffer.wrap(b);
        }

        /** Reads {@code length} bytes of {@code b} from {@code offset}. */
        public Reader(byte[] b, int offset, int length) {
            this.in = ByteBuffer.wrap(b, offset, length);
        }

        /** The offset of the next byte. */
        public int position() {
            return in.position();
        }

        /** How many bytes are left. */
        public int remaining() {
            return in.remaining();
        }

        /** One unsigned byte. */
        public int u8() throws Truncated {
            need(1);
            return in.get() & 0xff;
        }

        /** An unsigned 32-bit big-endian value. */
        public long u32() throws Truncated {
            need(4);
            return in.getInt() & 0xffffffffL;
        }

        /** A 64-bit big-endian value. */
        public long u64() throws Truncated {
            need(8);
            return in.getLong();
        }

        /** The next {@code n} bytes. */
        public byte[] raw(int n) throws Truncated {
            need(n);
            byte[] b = new byte[n];
            in.get(b);
            return b;
        }

        /** A length-prefixed byte string; refuses a length beyond the input. */
        public byte[] bytes() throws Truncated {
            long n = u32();
            if (n > in.remaining()) {
                throw new Truncated("field of " + n + " bytes, only " + in.remaining() + " left");
            }
            return raw((int) n);
        }

        /** A length-prefixed UTF-8 string. */
        public String string() throws Truncated {
            return new String(bytes(), StandardCharsets.UTF_8);
        }

        private void need(int n) throws Truncated {
            if (in.remaining() < n) {
                throw new Truncated("needed " + n + " more bytes, only " + in.remaining() + " left");
            }
        }
    }
}
