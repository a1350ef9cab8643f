package dev.gatehouse.secrets.internal;

import dev.gatehouse.secrets.AccessLevel;
import dev.gatehouse.secrets.Grantee;
import dev.gatehouse.secrets.SecretException;
import dev.gatehouse.secrets.SecretMetadata;
import dev.gatehouse.secrets.SecretType;
import dev.gatehouse.secrets.Visibility;
import dev.gatehouse.secrets.store.StoredSecret;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;

/** How stores serialise records: one binary form (file store) and text forms of grants and projects (JDBC). */
public final class Records {

    /** Format 2 added the envelope's sealed version after the record version; format 1 is still read. */
    private static final int FORMAT = 2;
    private static final byte[] MAGIC = {'G', 'H', 'R'};

    private Records() {}

    /** {@code U:<uuid>=READER;T:<uuid>=OWNER}, sorted for stable output. */
    public static String grantsToText(Map<Grantee, AccessLevel> grants) {
        List<String> parts = new ArrayList<>();
        for (Map.Entry<Grantee, AccessLevel> e : grants.entrySet()) {
            parts.add((e.getKey() instanceof Grantee.User ? "U:" : "T:") + e.getKey().id() + "=" + e.getValue().name());
        }
        parts.sort(null);
        return String.join(";", parts);
    }

    /** Parses {@link #grantsToText}. */
    public static Map<Grantee, AccessLevel> grantsFromText(String text) {
        Map<Grantee, AccessLevel> out = new LinkedHashMap<>();
        if (text == null || text.isEmpty()) {
            return out;
        }
        for (String part : text.split(";")) {
            int eq = part.indexOf('=');
            UUID id = UUID.fromString(part.substring(2, eq));
            Grantee g = part.startsWith("U:") ? Grantee.user(id) : Grantee.team(id);
            out.put(g, AccessLevel.valueOf(part.substring(eq + 1)));
        }
        return out;
    }

    /** Projects joined by commas (project names cannot contain one). */
    public static String projectsToText(Set<String> projects) {
        return String.join(",", new TreeSet<>(projects));
    }

    /** Parses {@link #projectsToText}. */
    public static Set<String> projectsFromText(String text) {
        return text == null || text.isEmpty() ? Set.of() : Set.of(text.split(","));
    }

    /** The binary form of a stored secret. */
    public static byte[] encode(StoredSecret s) {
        SecretMetadata m = s.metadata();
        return new Codec.Writer().raw(MAGIC).u8(FORMAT)
                .string(m.id().toString()).string(m.org()).string(m.name()).string(m.type().name())
                .string(m.visibility().name()).string(m.owner().toString()).string(projectsToText(m.projects()))
                .u8(m.passwordProtected() ? 1 : 0).string(m.serverKeyId().orElse("")).string(m.publicKey().orElse(""))
                .string(grantsToText(m.grants())).u64(m.version()).u64(s.sealedVersion())
                .u64(m.createdAt().getEpochSecond()).u32(m.createdAt().getNano())
                .u64(m.updatedAt().getEpochSecond()).u32(m.updatedAt().getNano())
                .bytes(s.envelope()).toByteArray();
    }

    /** @throws SecretException {@link SecretException.Kind#CORRUPTED} if the bytes are not a record */
    public static StoredSecret decode(byte[] b, String where) {
        try {
            Codec.Reader r = new Codec.Reader(b);
            if (!Arrays.equals(r.raw(3), MAGIC)) {
                throw new SecretException(SecretException.Kind.CORRUPTED, "Not a secret record: " + where);
            }
            int format = r.u8();
            if (format != 1 && format != FORMAT) {
                throw new SecretException(SecretException.Kind.CORRUPTED, "Unsupported secret record format " + format
                        + ": " + where);
            }
            UUID id = UUID.fromString(r.string());
            String org = r.string();
            String name = r.string();
            SecretType type = SecretType.valueOf(r.string());
            Visibility vis = Visibility.valueOf(r.string());
            UUID owner = UUID.fromString(r.string());
            Set<String> projects = projectsFromText(r.string());
            boolean pw = r.u8() == 1;
            String keyId = r.string();
            String pub = r.string();
            Map<Grantee, AccessLevel> grants = grantsFromText(r.string());
            long version = r.u64();
            long sealedVersion = format == 1 ? 0 : r.u64();
            Instant created = Instant.ofEpochSecond(r.u64(), r.u32());
            Instant updated = Instant.ofEpochSecond(r.u64(), r.u32());
            byte[] envelope = r.bytes();
            SecretMetadata m = SecretMetadata.of(id, org, name, type, owner,
                            pw || keyId.isEmpty() ? Optional.empty() : Optional.of(keyId), created)
                    .withVisibility(vis).withProjects(projects)
                    .withPublicKey(pub.isEmpty() ? Optional.empty() : Optional.of(pub))
                    .withGrants(grants).withVersion(version, updated);
            return new StoredSecret(m, sealedVersion, envelope);
        } catch (Codec.Truncated | IllegalArgumentException e) {
            throw new SecretException(SecretException.Kind.CORRUPTED, "Unreadable secret record " + where
                    + ": " + e.getMessage(), e);
        }
    }
}
