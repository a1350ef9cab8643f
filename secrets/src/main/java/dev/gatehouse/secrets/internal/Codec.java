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

        public Writer u8(int v) {
            out.write(v);
            return this;
        }

        public Writer u32(long v) {
            out.write((int) (v >>> 24));
            out.write((int) (v >>> 16));
            out.write((int) (v >>> 8));
            out.write((int) v);
            return this;
        }

        public Writer u64(long v) {
            u32(v >>> 32);
            return u32(v & 0xffffffffL);
        }

        public Writer raw(byte[] b) {
            out.write(b, 0, b.length);
            return this;
        }

        public Writer bytes(byte[] b) {
            u32(b.length);
            return raw(b);
        }

        public Writer string(String s) {
            return bytes(s.getBytes(StandardCharsets.UTF_8));
        }

        public byte[] toByteArray() {
            return out.toByteArray();
        }
    }

    /** Reads fields written by {@link Writer}. Not thread-safe. */
    public static final class Reader {
        private final ByteBuffer in;

        public Reader(byte[] b) {
            this.in = ByteBuffer.wrap(b);
        }

        public Reader(byte[] b, int offset, int length) {
            this.in = ByteBuffer.wrap(b, offset, length);
        }

        public int position() {
            return in.position();
        }

        public int remaining() {
            return in.remaining();
        }

        public int u8() throws Truncated {
            need(1);
            return in.get() & 0xff;
        }

        public long u32() throws Truncated {
            need(4);
            return in.getInt() & 0xffffffffL;
        }

        public long u64() throws Truncated {
            need(8);
            return in.getLong();
        }

        public byte[] raw(int n) throws Truncated {
            need(n);
            byte[] b = new byte[n];
            in.get(b);
            return b;
        }

        public byte[] bytes() throws Truncated {
            long n = u32();
            if (n > in.remaining()) {
                throw new Truncated("field of " + n + " bytes, only " + in.remaining() + " left");
            }
            return raw((int) n);
        }

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
